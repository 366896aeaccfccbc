/**
 * TURN and STUN with a real coturn on loopback (started by the test run), the
 * connection analytics it produces on the server, and the failure path.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from '@open-wc/testing';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import type { MeetingRoomErrorEvent } from '../../src/ui/events.js';
import { expectLiveMedia, fullyConnected, joinedVia, remoteTile } from './call-helpers.js';
import { parts, server, uniqueRoom, until } from './helpers.js';

interface Graph {
  members: { clientId: string }[];
  pairs: {
    from: string;
    to: string;
    connectionState: string;
    localCandidateType?: string;
    remoteCandidateType?: string;
  }[];
}

const metric = (text: string, line: RegExp) => Number(line.exec(text)?.[1] ?? 0);

describe('TURN relay (real coturn)', () => {
  it('with ice-transport-policy="relay" two elements connect through the relay only', async () => {
    const room = uniqueRoom('relay');
    const before = (await executeServerCommand('meeting-server', { server: 'turn', action: 'metrics' })) as string;
    const [a, b] = (await joinedVia(server().turn.signalUrl, room, ['Ada', 'Bob'], {
      'ice-transport-policy': 'relay',
    })) as [MeetingRoom, MeetingRoom];
    await fullyConnected([a, b]);

    // Both sides report relay/relay; the server's graph shows the pair as relayed.
    const graph = await until(async () => {
      const g = (await executeServerCommand('meeting-server', { server: 'turn', action: 'graph', room })) as Graph;
      return g.pairs.length === 2 && g.pairs.every((p) => p.connectionState === 'connected') ? g : undefined;
    }, 'both CONNECTION_STATE reports');
    for (const pair of graph.pairs) {
      expect([pair.localCandidateType, pair.remoteCandidateType]).to.deep.equal(['relay', 'relay']);
    }
    // What the page sees: the tile says relayed.
    await until(() => remoteTile(a, b)?.dataset['path'] === 'relay', 'the tile shows the relayed path');
    expect(remoteTile(a, b)!.part.contains('relayed')).to.equal(true);
    expect(parts(a, 'quality')[0]!.getAttribute('aria-label')).to.contain('Relayed');

    // An ICE restart goes through the relay too.
    a.call!.link(b.clientId!)!.restartIce();
    await expectLiveMedia(b, a);

    const after = await until(async () => {
      const text = (await executeServerCommand('meeting-server', { server: 'turn', action: 'metrics' })) as string;
      return metric(text, /^meeting_time_to_connect_ms_count\{path="relay"\} (\d+)/m) >= 2 ? text : undefined;
    }, 'time to connect recorded as relay');
    const grew = (re: RegExp) => metric(after, re) - metric(before, re);
    expect(grew(/^meeting_time_to_connect_ms_count\{path="relay"\} (\d+)/m)).to.equal(2);
    expect(grew(/^meeting_selected_candidate_pairs_total\{local="relay",remote="relay"\} (\d+)/m)).to.be.at.least(2);
    expect(grew(/^meeting_ice_candidates_total\{type="relay"\} (\d+)/m)).to.be.at.least(2);
    expect(grew(/^meeting_ice_candidates_total\{type="host"\} (\d+)/m)).to.equal(0);
    expect(grew(/^meeting_link_failures_total\{event="ice-restart"\} (\d+)/m)).to.equal(1);
  });

  it('with wrong TURN credentials the call does not hang: a clear error, an event, within 10 s', async () => {
    const room = uniqueRoom('bad-turn');
    const bad = JSON.stringify([{ urls: server().coturn.turnUrl, username: '9999999999:nobody', credential: 'wrong' }]);
    const errors: MeetingRoomErrorEvent[] = [];
    const failuresBefore = metric(
      (await executeServerCommand('meeting-server', { action: 'metrics' })) as string,
      /^meeting_link_failures_total\{event="ice-failed"\} (\d+)/m,
    );
    const started = performance.now();
    const [a, b] = (await joinedVia(server().signalUrl, room, ['Ada', 'Bob'], {
      'ice-transport-policy': 'relay',
      'ice-servers': bad,
    })) as [MeetingRoom, MeetingRoom];
    a.addEventListener('meeting-room-error', (e) => errors.push(e));
    b.addEventListener('meeting-room-error', (e) => errors.push(e));
    await until(() => errors.some((e) => e.code === 'connectivity'), 'a connectivity error event', 10_000);
    expect(performance.now() - started).to.be.below(10_000);
    const event = errors.find((e) => e.code === 'connectivity')!;
    expect(event.message).to.contain('TURN server refused the credentials (401)');
    const tile = await until(() => remoteTile(a, b) ?? remoteTile(b, a), 'a remote tile');
    await until(() => tile.textContent?.includes('TURN server refused'), 'the tile says why');
    expect(tile.part.contains('failed')).to.equal(true);
    // The failure reached the server's metrics as ANALYTICS ice-failed.
    await until(async () => {
      const text = (await executeServerCommand('meeting-server', { action: 'metrics' })) as string;
      return metric(text, /^meeting_link_failures_total\{event="ice-failed"\} (\d+)/m) > failuresBefore;
    }, 'ice-failed counted in /metrics');
  });
});
