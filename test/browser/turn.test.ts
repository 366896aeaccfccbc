/**
 * TURN and STUN with a real coturn on loopback (started by the test run), the
 * connection analytics it produces on the server, and the failure path.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from '@open-wc/testing';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import type { MeetingRoomErrorEvent } from '../../src/ui/events.js';
import { inbound, fullyConnected, joinedVia, meshLink, remoteTile } from './call-helpers.js';
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

    // An ICE restart goes through the relay too: wait until it really happened (new ICE credentials on both
    // sides, negotiation settled, the same connection), then require media that arrived after it, on a relay pair.
    const ufrag = (pc: RTCPeerConnection, side: 'localDescription' | 'remoteDescription') =>
      /a=ice-ufrag:(\S+)/.exec(pc[side]?.sdp ?? '')?.[1];
    const pcA = a.call!.link(b.clientId!)!.connection;
    const pcB = b.call!.link(a.clientId!)!.connection;
    const old = [ufrag(pcA, 'localDescription'), ufrag(pcB, 'localDescription')];
    meshLink(a, b).restartIce();
    await until(
      () =>
        ufrag(pcA, 'localDescription') !== old[0] &&
        ufrag(pcB, 'localDescription') !== old[1] &&
        ufrag(pcA, 'remoteDescription') === ufrag(pcB, 'localDescription') &&
        pcA.signalingState === 'stable' &&
        pcB.signalingState === 'stable' &&
        pcA.connectionState === 'connected',
      'the ICE restart completed (new ufrags on both sides, stable)',
      15_000,
    );
    expect(a.call!.link(b.clientId!)!.connection === pcA, 'restarted, not replaced').to.equal(true);
    expect(b.call!.link(a.clientId!)!.connection === pcB, 'restarted, not replaced').to.equal(true);
    const framesAfterRestart = (await inbound(b, a)).framesDecoded;
    await until(async () => (await inbound(b, a)).framesDecoded > framesAfterRestart + 10, 'frames after the restart');
    const selected = await until(async () => {
      let pair: string | undefined;
      const stats = await pcB.getStats();
      stats.forEach((r: { type: string; selectedCandidatePairId?: string }) => {
        if (r.type === 'transport' && r.selectedCandidatePairId) {
          const p = stats.get(r.selectedCandidatePairId) as { localCandidateId: string; remoteCandidateId: string };
          pair = `${stats.get(p.localCandidateId).candidateType}/${stats.get(p.remoteCandidateId).candidateType}`;
        }
      });
      return pair;
    }, 'the selected pair after the restart');
    expect(selected, 'after the restart, relay on both ends').to.equal('relay/relay');

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

  it('a member whose first TURN credentials expired lives on fresh ones: a newcomer after expiry connects through the relay', async function () {
    this.timeout(60_000);
    // The server gives credentials for 10 s and fresh ones every 5 s (ICE_SERVERS).
    const room = uniqueRoom('turn-refresh');
    const via = server().turnShort.signalUrl;
    const [a] = (await joinedVia(via, room, ['Ada'], { 'ice-transport-policy': 'relay' })) as [MeetingRoom];
    const joinedAt = Date.now();
    await new Promise((r) => setTimeout(r, 12_000)); // the credentials of Ada's WELCOME have expired
    const [b] = (await joinedVia(via, room, ['Bob'], { 'ice-transport-policy': 'relay' })) as [MeetingRoom];
    // Ada's side of the new link gathers relay candidates with credentials made after she joined; coturn accepts them.
    await fullyConnected([a, b]);
    const username = a.call!.link(b.clientId!)!.connection.getConfiguration().iceServers?.[0]?.username ?? '';
    const expiry = Number(username.split(':')[0]) * 1000;
    expect(expiry).to.be.above(joinedAt + 10_000, `Ada's credentials (${username}) are fresher than her WELCOME's`);
    expect(expiry).to.be.above(Date.now(), 'and still valid');
    const pair = await until(async () => {
      let found: { local?: string; remote?: string } | undefined;
      const stats = await a.call!.link(b.clientId!)!.connection.getStats();
      stats.forEach(
        (r: {
          type: string;
          nominated?: boolean;
          state?: string;
          localCandidateId?: string;
          remoteCandidateId?: string;
        }) => {
          if (r.type === 'candidate-pair' && r.state === 'succeeded' && r.nominated) {
            found = {
              local: (stats.get(r.localCandidateId!) as { candidateType?: string }).candidateType,
              remote: (stats.get(r.remoteCandidateId!) as { candidateType?: string }).candidateType,
            };
          }
        },
      );
      return found;
    }, 'a nominated pair');
    expect([pair.local, pair.remote]).to.deep.equal(['relay', 'relay']);
  });
});
