/**
 * A smaller soak (bench/soak.mjs runs 10,000 sockets for 60 s): 1,000
 * sockets in rooms of five for 8 s against the built server in its own
 * process, every message carrying a sequence number that its receiver
 * checks. Nothing may be lost, duplicated or misrouted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain ES module of the benchmarks, without types
import { runSoak, startProbedServer } from '../../bench/soak.mjs';
import { freePort } from './helpers.js';

describe('soak', () => {
  it('1,000 sockets in rooms of five for 8 s: zero lost, duplicated or misrouted messages', async () => {
    const server = await startProbedServer(await freePort());
    try {
      const result = await runSoak({ url: server.url, sockets: 1000, seconds: 8, stats: server.stats });
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
    } finally {
      await server.stop();
    }
  });
});
