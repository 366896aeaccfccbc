/**
 * A smaller soak (bench/soak.mjs runs 10,000 sockets for 60 s): 1,000
 * sockets in rooms of five for 12 s against the built server in its own
 * process, every message carrying a sequence number that its receiver
 * checks. Nothing may be lost, duplicated or misrouted, and the server's
 * memory stays flat.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain ES module of the benchmarks, without types
import { runSoak, startProbedServer } from '../../bench/soak.mjs';
import { freePort } from './helpers.js';

describe('soak', () => {
  it('1,000 sockets in rooms of five for 12 s: zero lost, duplicated or misrouted messages, memory flat', async () => {
    const server = await startProbedServer(await freePort());
    try {
      const result = await runSoak({
        url: server.url,
        sockets: 1000,
        seconds: 12,
        stats: server.stats,
        sampleMs: 1000,
      });
      assert.ok(result.received > 5000, `only ${result.received} messages arrived`);
      assert.deepEqual(
        {
          lost: result.lost,
          missing: result.missing,
          duplicated: result.duplicated,
          misrouted: result.misrouted,
          errors: result.errors,
          closed: result.closed,
        },
        { lost: 0, missing: 0, duplicated: 0, misrouted: 0, errors: 0, closed: 0 },
      );
      // The server's memory stays flat while the traffic goes on (sampled every second: 0-2 MB over 11 s in four
      // runs). Keeping every message it relays grows it by about 0.6 MB a second: +6 MB, and this fails.
      const rss = result.rssMb as number[];
      console.log(
        `[reliability] soak: server RSS ${result.rssAfterJoinMb} MB after joining, then ${rss.join(', ')} MB`,
      );
      assert.ok(rss.length >= 6, `${rss.length} memory samples`);
      assert.ok(rss.at(-1)! - rss[1]! <= 3, `RSS grew from ${rss[1]} to ${rss.at(-1)} MB in ${rss.length - 2} s`);
    } finally {
      await server.stop();
    }
  });
});
