/**
 * Glare: both sides of a link offer at the same moment. PeerLink follows the
 * perfect negotiation pattern (the polite side rolls back and answers, the
 * impolite side ignores the colliding offer); 200 rounds must each end in one
 * connected link per side, the very connection each side started with.
 * Two real PeerLinks per round, in this page, wired to each other directly.
 */
import { expect } from '@open-wc/testing';
import { PeerLink, type LinkTracks } from '../../src/core/peer-link.js';
import type { ClientMessage } from '../../src/protocol/index.js';
import { until } from './helpers.js';

const ROUNDS = 200;
const PARALLEL = 10;

/** One round: two links that both offer at once; resolves once both are connected. */
async function glareRound(round: number): Promise<{ offers: number; rolledBack: boolean }> {
  const ids = [`glare-${round}-a`, `glare-${round}-b`] as const;
  const links: PeerLink[] = [];
  let offers = 0;
  const deliver = (from: number, message: ClientMessage) => {
    if (message.type !== 'OFFER' && message.type !== 'ANSWER' && message.type !== 'CANDIDATE') return;
    if (message.type === 'OFFER') offers++;
    const { to: _to, ...rest } = message;
    // Both offers are on the wire before either arrives.
    const forwarded = { ...rest, from: ids[from] } as Parameters<PeerLink['receive']>[0];
    setTimeout(() => void links[1 - from]!.receive(forwarded), 5);
  };
  const tracks = (): LinkTracks => ({
    audio: undefined,
    video: undefined,
    screen: undefined,
    send: false,
    stream: new MediaStream(),
  });
  for (const i of [0, 1]) {
    links.push(
      new PeerLink({
        localId: ids[i]!,
        peerId: ids[1 - i]!,
        iceServers: [],
        tracks: tracks(),
        media: () => ({ audioEnabled: false, videoEnabled: false }),
        links: () => 1,
        send: (message) => deliver(i, message),
        startedAt: performance.now(),
        initiator: true, // both: the glare
      }),
    );
  }
  const first = links.map((l) => l.connection);
  // The polite side's signaling states: a rollback shows as its own offer given up for the peer's.
  const politeStates: string[] = [];
  const polite = links.find((l) => l.polite)!;
  polite.connection.addEventListener('signalingstatechange', () => politeStates.push(polite.connection.signalingState));
  try {
    // Converged: both connected and no negotiation left in flight (the polite side may still offer its own
    // transceivers once after its rollback).
    await until(
      () =>
        links.every((l) => l.connection.connectionState === 'connected' && l.connection.signalingState === 'stable'),
      `round ${round}: both connected and stable`,
      15_000,
    );
    const same = links.every((l, i) => l.connection === first[i]);
    expect(same, `round ${round}: the connections each side started with (identity)`).to.equal(true);
  } finally {
    for (const l of links) l.close();
  }
  const offered = politeStates.indexOf('have-local-offer');
  const rolledBack = offered >= 0 && politeStates.indexOf('have-remote-offer', offered) > offered;
  return { offers, rolledBack };
}

describe('glare', () => {
  it(`${ROUNDS} rounds of simultaneous offers each converge to one connected link`, async function () {
    this.timeout(180_000);
    const started = performance.now();
    let offers = 0;
    let rollbacks = 0;
    for (let base = 0; base < ROUNDS; base += PARALLEL) {
      const results = await Promise.all(Array.from({ length: PARALLEL }, (_, k) => glareRound(base + k)));
      for (const r of results) {
        offers += r.offers;
        if (r.rolledBack) rollbacks++;
      }
    }
    // A real collision in every round: the polite side had its own offer out and took the peer's instead.
    expect(rollbacks, 'rounds with a rollback on the polite side').to.equal(ROUNDS);
    // Every round had a collision: two offers at least (the polite side may offer again after its rollback).
    expect(offers).to.be.at.least(2 * ROUNDS);
    console.log(
      `[reliability] glare: ${ROUNDS} rounds converged in ${Math.round(performance.now() - started)} ms, ${offers} offers in all`,
    );
  });
});
