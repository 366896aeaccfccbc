/**
 * A flood from one client while others are in a call: the offender is cut off
 * (close 1008), and the others' relay latency (p95) stays within 2× of the
 * quiet run, or 2 ms over it when that is more (quiet runs before and after
 * the flood; the worse of the two is the baseline).
 * The server and the offender each run in their own process; the others are
 * ten pairs here sending 20 CANDIDATE/s each, as during a call's setup.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain ES module of the benchmarks, without types
import { startProbedServer } from '../../bench/soak.mjs';
import { freePort, newId, sleep } from './helpers.js';
import { exchange, joinPair, p95, p99 } from './latency.js';

describe('flood', () => {
  it('cuts off the offender, and the others relay within 2× (or 2 ms more) of their quiet p95 latency', async () => {
    const server = await startProbedServer(await freePort());
    try {
      const room = `flood-${newId()}`;
      const pairs = await Promise.all(Array.from({ length: 10 }, (_, i) => joinPair(server.url, `${room}-${i}`)));
      await exchange(pairs, 1000); // warm-up
      const quiet = await exchange(pairs, 3000);

      const victim = pairs[0]!.ids[0];
      const flooder = spawn(
        process.execPath,
        [new URL('./fixtures/flooder.mjs', import.meta.url).pathname, server.url, `${room}-0`, victim],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      flooder.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const flooderDone = new Promise((resolve) => flooder.once('exit', resolve));
      await sleep(300); // the flood is on
      const loud = await exchange(pairs, 3000);
      await flooderDone;
      // A second quiet run: this machine's own noise shows in both, and the baseline is the worse of the two.
      const after = await exchange(pairs, 3000);
      const result = JSON.parse(out) as { sent: number; code: number | null; errors: number; ms: number };

      assert.equal(result.code, 1008, `the offender was closed with 1008 (${out.trim()})`);
      assert.ok(result.sent > 1000, `the offender did flood (${result.sent} frames)`);
      // Cut after 2 s of refused frames (limits.floodCloseMs), not before; the first second goes to its burst and pauses.
      assert.ok(result.ms >= 2000 && result.ms <= 4500, `cut ${result.ms} ms after the flood began`);
      // Judged at p95: on this shared 2-core machine p99 of a few thousand samples moves with any other load.
      const [q, l] = [Math.max(p95(quiet), p95(after)), p95(loud)];
      console.log(
        `[reliability] flood: offender sent ${result.sent} frames in ${result.ms} ms before close ${result.code}; ` +
          `others' p95 ${p95(quiet).toFixed(2)} / ${p95(after).toFixed(2)} ms quiet (before / after), ` +
          `${l.toFixed(2)} ms during the flood (${(l / q).toFixed(2)}× the worse quiet run); ` +
          `p99 ${p99(quiet).toFixed(2)} / ${p99(after).toFixed(2)} / ${p99(loud).toFixed(2)} ms`,
      );
      assert.ok(quiet.length > 1000 && loud.length > 1000 && after.length > 1000, 'enough samples');
      // 2× the quiet run, with a 2 ms floor: a quiet p95 near 1 ms moves by that much with any other load on two
      // cores (measured 2.02× = +1.6 ms on this machine, 2.28× = +1.7 ms on CI), while a flood that gets through
      // costs more (without the over-rate pause: p95 6.5-20.6 ms, +5.1 to +19.1 ms, in three of three runs).
      assert.ok(
        l <= Math.max(2 * q, q + 2),
        `p95 during the flood ${l.toFixed(2)} ms > max(2 × quiet, quiet + 2 ms), quiet ${q.toFixed(2)} ms`,
      );
      for (const { a, b } of pairs) {
        a.terminate();
        b.terminate();
      }
    } finally {
      await server.stop();
    }
  });
});
