/**
 * Real failures during a call, in Chromium against real servers: the server
 * process killed (SIGKILL) and started again, every socket dropped (a network
 * blip shorter than the resume window), a participant that goes silent, and
 * coturn restarted under a relay-only call. Figures are printed as
 * `[reliability] …` lines (docs/RELIABILITY.md quotes them).
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from '@open-wc/testing';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { connection, expectLiveMedia, fullyConnected, joinedVia, remoteTile, remoteTiles } from './call-helpers.js';
import { server, uniqueRoom, until } from './helpers.js';

interface Graph {
  members: { clientId: string }[];
  pairs: { from: string; to: string; connectionState: string }[];
}

const command = (payload: Record<string, unknown>) => executeServerCommand('meeting-server', payload);

const metric = (text: string, line: RegExp) => Number(line.exec(text)?.[1] ?? 0);

/** Ada and Bob in a relay-only call through the server that hands out coturn, media flowing both ways. */
async function relayPair(prefix: string): Promise<[MeetingRoom, MeetingRoom]> {
  const pair = (await joinedVia(server().turn.signalUrl, uniqueRoom(prefix), ['Ada', 'Bob'], {
    'ice-transport-policy': 'relay',
  })) as [MeetingRoom, MeetingRoom];
  await fullyConnected(pair);
  return pair;
}

/** Every element's links to the others, by element. */
const linksOf = (els: MeetingRoom[]) =>
  els.map((el) => els.filter((peer) => peer !== el).map((peer) => connection(el, peer)));

/** Counts, per element, the offers its connections make from now on (each passes through have-local-offer). */
function countOffers(els: MeetingRoom[]): () => number {
  let offers = 0;
  for (const pcs of linksOf(els)) {
    for (const pc of pcs) {
      pc.addEventListener('signalingstatechange', () => {
        if (pc.signalingState === 'have-local-offer') offers++;
      });
    }
  }
  return () => offers;
}

/** Counts the participant-joined and -left events the elements fire from now on. */
function countMembershipEvents(els: MeetingRoom[]): () => number {
  let events = 0;
  for (const el of els) {
    el.addEventListener('meeting-room-participant-joined', () => events++);
    el.addEventListener('meeting-room-participant-left', () => events++);
  }
  return () => events;
}

/** No ghost and no duplicate: each element shows exactly one tile per other element. */
function expectExactTiles(els: MeetingRoom[]): void {
  for (const el of els) {
    const ids = remoteTiles(el)
      .map((t) => t.dataset['clientId'])
      .sort();
    const expected = els
      .filter((p) => p !== el)
      .map((p) => p.clientId)
      .sort();
    expect(ids, `${el.name}'s tiles`).to.deep.equal(expected);
  }
}

describe('faults', () => {
  it('server killed mid-call (SIGKILL, 3 people): media flows on, all rejoin by themselves, no ghost tile', async function () {
    this.timeout(120_000);
    const room = uniqueRoom('kill');
    const els = await joinedVia(server().process.signalUrl, room, ['Ada', 'Bob', 'Cy']);
    await fullyConnected(els);
    const links = linksOf(els);
    const offers = countOffers(els);
    const membership = countMembershipEvents(els);

    await command({ server: 'process', action: 'kill' });
    const killedAt = performance.now();
    await until(() => els.every((el) => el.state === 'reconnecting'), 'everyone sees the server gone', 15_000);
    // With no server at all, media keeps flowing peer to peer.
    for (const el of els) for (const peer of els) if (el !== peer) await expectLiveMedia(el, peer);
    expectExactTiles(els);

    await command({ server: 'process', action: 'start' });
    const startedAt = performance.now();
    await until(() => els.every((el) => el.state === 'joined'), 'everyone rejoined', 30_000);
    const rejoinedAt = performance.now();
    const graph = await until(
      async () => {
        const g = (await command({ server: 'process', action: 'graph', room })) as Graph | null;
        const connected = g?.pairs.filter((p) => p.connectionState === 'connected').length ?? 0;
        return g && g.members.length === 3 && connected === 6 ? g : undefined;
      },
      'the connection graph rebuilt (3 members, 6 connected directed pairs)',
      30_000,
    );
    const graphAt = performance.now();
    expect(graph.members.map((m) => m.clientId).sort()).to.deep.equal(els.map((el) => el.clientId).sort());

    // The same connections carried on: nothing was renegotiated, no one left or joined.
    // Identity, not deep equality: two different RTCPeerConnections are deep-equal (no own properties).
    const now = linksOf(els).flat();
    const same = now.length === links.flat().length && now.every((pc, i) => pc === links.flat()[i]);
    expect(same, 'the same RTCPeerConnection objects').to.equal(true);
    expect(offers(), 'offers during and after the outage').to.equal(0);
    expect(membership(), 'participant joined/left events').to.equal(0);
    expectExactTiles(els);
    for (const el of els) for (const peer of els) if (el !== peer) await expectLiveMedia(el, peer);

    els[0]!.sendChat('after the restart');
    for (const el of els) {
      await until(() => el.call!.chat.some((m) => m.text === 'after the restart'), `${el.name} got the chat line`);
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const el of els) {
      expect(el.call!.chat.filter((m) => m.text === 'after the restart').length, `${el.name}: once`).to.equal(1);
    }
    console.log(
      `[reliability] server-kill: rejoined ${Math.round(rejoinedAt - startedAt)} ms after the restart ` +
        `(${Math.round(rejoinedAt - killedAt)} ms after the kill), graph rebuilt after ${Math.round(graphAt - startedAt)} ms, ` +
        `offers ${offers()}, membership events ${membership()}`,
    );
  });

  it('after a server restart, a member still connected to us that never rejoins goes after the 20 s grace', async function () {
    this.timeout(90_000);
    const room = uniqueRoom('no-rejoin');
    const url = server().process.signalUrl;
    const [ada, bob] = await joinedVia(url, room, ['Ada', 'Bob']);
    // Cy's socket URL carries a mark, so that only Cy can be kept from coming back.
    const [cy] = await joinedVia(`${url}?who=cy`, room, ['Cy']);
    await fullyConnected([ada!, bob!, cy!]);
    const RealWebSocket = window.WebSocket;
    window.WebSocket = class extends RealWebSocket {
      constructor(target: string | URL, protocols?: string | string[]) {
        super(String(target).includes('who=cy') ? 'ws://127.0.0.1:9/ws' : target, protocols);
      }
    };
    let gone = 0;
    ada!.addEventListener('meeting-room-participant-left', (e) => {
      if (e.participant.clientId === cy!.clientId) gone = performance.now();
    });
    try {
      await command({ server: 'process', action: 'kill' });
      await command({ server: 'process', action: 'start' });
      // The grace starts at Ada's own fresh WELCOME (it does not list Cy): measured from her return, not Bob's.
      await until(() => ada!.state === 'joined', 'Ada back', 20_000);
      const backAt = performance.now();
      await until(() => bob!.state === 'joined', 'Bob back', 20_000);
      // Cy is still connected to them peer to peer: the tile stays through the grace...
      await new Promise((r) => setTimeout(r, 15_000));
      expect(
        remoteTiles(ada!).some((t) => t.dataset['clientId'] === cy!.clientId),
        'kept within the grace',
      ).to.equal(true);
      expect(gone, 'no participant-left yet').to.equal(0);
      // ...and goes when it ends, at both.
      await until(() => gone > 0, "Cy announced gone at Ada's", 10_000);
      expect(gone - backAt, 'not before the grace').to.be.at.least(19_000);
      await until(() => !remoteTiles(bob!).some((t) => t.dataset['clientId'] === cy!.clientId), "gone at Bob's");
      expectExactTiles([ada!, bob!]);
    } finally {
      window.WebSocket = RealWebSocket;
    }
  });

  it('network blip shorter than the resume window: each noticed, resumed its seat; no LEAVE or JOIN, no renegotiation', async function () {
    this.timeout(60_000);
    const els = await joinedVia(server().signalUrl, uniqueRoom('blip'), ['Ada', 'Bob', 'Cy']);
    await fullyConnected(els);
    const links = linksOf(els);
    const offers = countOffers(els);
    const membership = countMembershipEvents(els);
    // Every state each element shows from now on (the drop may be over between two polls).
    const states = new Map(els.map((el) => [el, [] as string[]]));
    const observers = els.map((el) => {
      const o = new MutationObserver(() => states.get(el)!.push(el.state));
      o.observe(el, { attributes: true, attributeFilter: ['state'] });
      return o;
    });
    const joins = async (kind: string) =>
      metric(
        (await command({ action: 'metrics' })) as string,
        new RegExp(`^meeting_joins_total\\{kind="${kind}"\\} (\\d+)`, 'm'),
      );
    const [resumesBefore, newBefore] = [await joins('resume'), await joins('new')];
    const { dropped } = (await command({ action: 'drop-connections' })) as { dropped: number };
    expect(dropped).to.be.at.least(3);
    const droppedAt = performance.now();
    await until(
      () => els.every((el) => states.get(el)!.includes('reconnecting') && el.state === 'joined'),
      'everyone noticed the drop, then was back',
      15_000,
    );
    const resumedAt = performance.now();
    for (const o of observers) o.disconnect();
    // Back on the same seats: the server counted three resumes and no new member.
    expect(await joins('resume'), 'resumed seats').to.equal(resumesBefore + 3);
    expect(await joins('new'), 'fresh seats').to.equal(newBefore);
    await new Promise((r) => setTimeout(r, 1500)); // room for a storm to show
    expect(offers(), 'offers').to.equal(0);
    expect(membership(), 'participant joined/left events').to.equal(0);
    expect(linksOf(els)).to.deep.equal(links);
    expectExactTiles(els);
    for (const el of els) for (const peer of els) if (el !== peer) await expectLiveMedia(el, peer);
    console.log(`[reliability] blip: resumed ${Math.round(resumedAt - droppedAt)} ms after the drop, offers 0`);
  });

  it('a silent participant (stops answering pings) is announced gone and its tile disappears', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('silent');
    const [a] = await joinedVia(server().fast.signalUrl, room, ['Ada']);
    const { clientId } = (await command({ server: 'fast', action: 'silent-client', room })) as { clientId: string };
    const tile = () => remoteTiles(a!).find((t) => t.dataset['clientId'] === clientId);
    await until(tile, "the silent participant's tile");
    const since = performance.now();
    let left = 0;
    a!.addEventListener('meeting-room-participant-left', (e) => {
      if (e.participant.clientId === clientId) left = performance.now();
    });
    // Heartbeat 1 s (a socket that misses one ping is cut: up to 2 s) plus a resume window of 2 s.
    await until(() => !tile(), 'the tile gone', 10_000);
    const gone = performance.now() - since;
    expect(left, 'participant-left fired').to.be.above(0);
    expect(gone).to.be.below(2 * 1000 + 2000 + 1500);
    console.log(
      `[reliability] silent: tile gone ${Math.round(gone)} ms after it stopped answering (budget 4000 ms + 1.5 s)`,
    );
  });

  it('coturn away through three ICE restarts: a side starts afresh on a new connection, both take its new DTLS identity, and media returns', async function () {
    this.timeout(180_000);
    const [a, b] = await relayPair('turn-fresh');
    const [pcA, pcB] = [connection(a, b), connection(b, a)];
    const renegotiations = async () =>
      metric(
        (await command({ server: 'turn', action: 'metrics' })) as string,
        /^meeting_link_failures_total\{event="renegotiate"\} (\d+)/m,
      );
    const before = await renegotiations();
    // Away for as long as three restarts take (lost, 3 s grace, then 3 × 10 s without success), and 2 s more once
    // one side gave up restarting and started afresh: that fresh connection starts gathering while the relay is
    // down (its first allocation requests go unanswered).
    await command({ action: 'stop-coturn' });
    try {
      await until(() => connection(a, b) !== pcA || connection(b, a) !== pcB, 'a new connection', 90_000);
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      await command({ action: 'start-coturn' });
    }
    const replacedAt = performance.now();
    // The other side either gave up too (a new connection of its own) or took the fresh offer on its old one (a
    // DTLS restart: Chromium accepts a new fingerprint there): which one is a race between the two sides' timers.
    // Either way each side ends up holding the other's current DTLS identity.
    const fingerprint = (sdp: string | undefined) => /a=fingerprint:(\S+ \S+)/.exec(sdp ?? '')?.[1];
    const agreed = (x: MeetingRoom, y: MeetingRoom) =>
      fingerprint(connection(x, y).remoteDescription?.sdp) === fingerprint(connection(y, x).localDescription?.sdp);
    await until(
      () =>
        connection(a, b).connectionState === 'connected' &&
        connection(b, a).connectionState === 'connected' &&
        agreed(a, b) &&
        agreed(b, a),
      "both connected, each with the other side's current DTLS identity",
      60_000,
    ).catch((error: Error) => {
      // What each side holds: where it stuck.
      const sides = [
        [a, b],
        [b, a],
      ].map(([x, y]) => {
        const pc = connection(x!, y!);
        const problem = x!.call!.participants.find((p) => p.clientId === y!.clientId)?.problem?.cause;
        return `${x!.name}: ${pc === pcA || pc === pcB ? 'old' : 'new'} ${pc.connectionState}/${pc.iceConnectionState}/${pc.iceGatheringState}/${pc.signalingState}, agreed ${agreed(x!, y!)}, problem ${problem}`;
      });
      throw new Error(`${error.message}: ${sides.join('; ')}`);
    });
    await expectLiveMedia(b, a, 30_000);
    await expectLiveMedia(a, b, 30_000);
    await until(async () => (await renegotiations()) > before, 'the renegotiation reached the metrics');
    expectExactTiles([a, b]);
    const fresh = [connection(a, b) !== pcA, connection(b, a) !== pcB].filter(Boolean).length;
    console.log(
      `[reliability] turn-fresh: ${fresh} of 2 sides on a new connection after three failed restarts; media back ${Math.round(performance.now() - replacedAt)} ms after`,
    );
  });

  it('coturn down when a relay-only call starts: the links have no candidate, say so, and connect once it is back', async function () {
    this.timeout(150_000);
    await command({ action: 'stop-coturn' });
    let back = 0;
    try {
      const pair = (await joinedVia(server().turn.signalUrl, uniqueRoom('turn-late'), ['Ada', 'Bob'], {
        'ice-transport-policy': 'relay',
      })) as [MeetingRoom, MeetingRoom];
      const [a, b] = pair;
      // Relay-only with the relay away: gathering ends without a single candidate, and each side says why.
      const problem = (x: MeetingRoom, y: MeetingRoom) =>
        x.call!.participants.find((p) => p.clientId === y.clientId)?.problem;
      const started = performance.now();
      const { cause } = await until(() => problem(b, a) && problem(a, b), 'each side says it cannot connect', 60_000);
      // Chromium retries the allocation for a while; the relay comes back only once it gave up on both sides.
      await until(
        () => connection(a, b).iceGatheringState === 'complete' && connection(b, a).iceGatheringState === 'complete',
        'gathering over without a candidate',
        90_000,
      );
      const gaveUp = performance.now() - started;
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        expect(connection(x, y).localDescription?.sdp ?? '', `${x.name}: no candidate`).to.not.contain('a=candidate');
        expect(connection(x, y).connectionState).to.not.equal('connected');
      }
      await command({ action: 'start-coturn' });
      back = performance.now();
      // Nobody does anything: the links gather again by themselves and find the relay.
      await until(
        () => connection(a, b).connectionState === 'connected' && connection(b, a).connectionState === 'connected',
        'both connected through the relay that came back',
        30_000,
      );
      await expectLiveMedia(b, a, 30_000);
      await expectLiveMedia(a, b, 30_000);
      console.log(
        `[reliability] turn-late: relay-only call started with coturn down (${cause}; gathering over after ${Math.round(gaveUp)} ms); media ${Math.round(performance.now() - back)} ms after it came back`,
      );
    } finally {
      if (!back) await command({ action: 'start-coturn' });
    }
  });

  it('coturn restarted under a relay-only call: the ICE restart path brings media back', async function () {
    this.timeout(120_000);
    const [a, b] = await relayPair('turn-restart');
    const pc = connection(a, b);
    const ufrag = () => /a=ice-ufrag:(\S+)/.exec(pc.localDescription?.sdp ?? '')?.[1];
    const oldUfrag = ufrag();
    const { downMs } = (await command({ action: 'restart-coturn', downMs: 1000 })) as { downMs: number };
    const restartedAt = performance.now();
    // The relay lost every allocation: media stops, the links notice and restart ICE through the new coturn.
    await until(
      () =>
        connection(a, b).connectionState !== 'connected' ||
        a.call!.link(b.clientId!)!.state.connectionState !== 'connected',
      'the link noticed',
      40_000,
    );
    await until(() => connection(a, b).connectionState === 'connected', 'connected again', 60_000);
    // Through the ICE-restart path: the same connection with new ICE credentials, not a replacement.
    expect(connection(a, b) === pc, 'the same RTCPeerConnection').to.equal(true);
    expect(ufrag(), 'new ICE credentials').to.not.equal(oldUfrag);
    await expectLiveMedia(b, a, 30_000);
    await expectLiveMedia(a, b, 30_000);
    const back = performance.now() - restartedAt;
    expect(remoteTile(a, b)).to.not.equal(undefined);
    console.log(
      `[reliability] turn-restart: coturn down ${downMs} ms; media back ${Math.round(back)} ms after it was up`,
    );
  });
});
