/**
 * A hostile client against SFU mode, with a real Janus and real Chromium in a
 * private network namespace (see sfu-room.test.ts). Needs root, janus and
 * chromium (.ci/run).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { inJanusNamespace } from './namespace.js';

describe('SFU mode against a hostile client (real Janus, real Chromium)', () => {
  it("a member of another room cannot reach a room's feeds, every bad SFU request gets a clear error (a layer request, advisory, changes nothing), and no Janus session id, feed id or secret reaches a browser", async () => {
    assert.ok(existsSync('dist/public/meeting-room.js'), 'build first (npm run build)');
    const r = await inJanusNamespace(new URL('./fixtures/sfu-hostile.ts', import.meta.url), 120_000);
    assert.equal(r['error'], undefined, String(r['error']));
    assert.equal(r['members'], 2, 'Ada and Bob saw each other through the SFU');
    assert.deepEqual(r['refusals'], {
      'publish before joining': 'not-joined',
      'receiving, naming Ada': 'unknown-peer',
      'an answer to no offer': 'bad-message',
      'a candidate for no connection': 'bad-message',
      'a garbage offer': 'bad-message',
    });
    assert.equal(r['malloryAnswered'], 'SFU_ANSWER', "Mallory's proper offer is answered (her own room's publisher)");
    assert.equal(r['malloryOffers'], 0, 'and no feed of room A is ever offered to her (3 s)');
    assert.deepEqual(r['malloryOther'], [], 'her layer requests naming Ada changed nothing and got no answer');
    assert.ok((r['sfuOffersSeen'] as number) >= 2, `the browsers got their subscriptions (${r['sfuOffersSeen']})`);
    assert.equal(r['sessionKnown'], true);
    assert.deepEqual(r['leaks'], [], 'no Janus session id, feed id or secret in any message a browser got');
  });
});
