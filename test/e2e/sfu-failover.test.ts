/**
 * Several Janus instances: rooms placed by load, and a room whose instance
 * dies moves to another within 5 s, agreed by two signaling processes over a
 * real Redis; real Janus and real Chromium in a private network namespace (see
 * sfu-room.test.ts). Needs root, janus, redis-server and chromium (.ci/run).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { inJanusNamespace } from './namespace.js';

describe('SFU mode on two Janus instances (real Janus, Redis, Chromium)', () => {
  it('rooms are placed on the instance with fewer rooms; one instance killed mid-call: its room moves to the other within 5 s (one SFU_RESTART, from one of two processes), the other room undisturbed; none left: back to the mesh, also when the second dies before the move completes', async () => {
    assert.ok(existsSync('dist/public/meeting-room.js'), 'build first (npm run build)');
    const r = await inJanusNamespace(new URL('./fixtures/sfu-failover.ts', import.meta.url), 180_000);
    console.log(JSON.stringify(r));
    assert.equal(r['error'], undefined, String(r['error']));
    assert.deepEqual(r['pageErrors'], []);
    assert.deepEqual(r['elementErrors'], [[], [], [], []], 'no error the element would report, on any page');
    assert.deepEqual(r['placed'], { A: 0, B: 1 }, 'room A on the first instance, room B on the other (fewer rooms)');
    // [process][instance]: Ada and Cat (process 1) and Bob (process 2) on the first, Dan (process 2) on the second.
    assert.deepEqual(r['handles'], [
      [2, 0],
      [1, 1],
    ]);
    assert.ok((r['recoveredMs'] as number) < 5000, `room A's tiles had frames again ${r['recoveredMs']} ms after`);
    assert.deepEqual(r['viaAfterMove'], [
      ['sfu', 'sfu'],
      ['sfu', 'sfu'],
      ['sfu', 'sfu'],
    ]);
    assert.equal(r['placedAfterMove'], 1, 'room A lives on the second instance now');
    assert.deepEqual(r['restarts'], { Ada: 1, Dan: 0, Bob: 1, Cat: 1 }, 'one SFU_RESTART to room A, none to room B');
    assert.deepEqual(
      (r['moves'] as number[]).sort(),
      [0, 1],
      'exactly one of the two processes moved the room (the store decided)',
    );
    assert.deepEqual(
      r['handlesAfterMove'],
      [
        [0, 2],
        [0, 2],
      ],
      'every member of both rooms on the second instance',
    );
    assert.ok((r['meshMs'] as number) < 10_000, `back on the mesh with frames in ${r['meshMs']} ms`);
    assert.equal(r['bothDied'], 'mesh', 'both instances dead a moment apart: every tile on the mesh with frames');
  });
});
