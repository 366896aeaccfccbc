/**
 * A hostile client against SFU mode, with a real Janus and real Chromium in a
 * private network namespace (see sfu-room.test.ts). Needs root, janus and
 * chromium (.ci/run).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const fixture = new URL('./fixtures/sfu-hostile.ts', import.meta.url).pathname;

describe('SFU mode against a hostile client (real Janus, real Chromium)', () => {
  it("a member of another room cannot reach a room's feeds, every bad SFU request gets a clear error, and nothing of Janus's reaches a browser", async () => {
    assert.ok(existsSync('/usr/bin/janus'), 'janus is missing: install the Debian package janus (.ci/run does)');
    assert.ok(existsSync('dist/public/meeting-room.js'), 'build first (npm run build)');
    assert.equal(process.getuid?.(), 0, 'the namespace needs root (unshare -n)');
    const setup =
      'ip link set lo up && ip link add j0 type ifb && ip addr add 127.0.0.2/32 dev j0 && ip link set j0 up';
    const { stdout } = await run(
      'unshare',
      ['-n', 'sh', '-c', `${setup} && exec "${process.execPath}" --import tsx "${fixture}"`],
      { timeout: 120_000, maxBuffer: 1 << 22 },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    assert.equal(r['error'], undefined, String(r['error']));
    assert.equal(r['members'], 2, 'Ada and Bob saw each other through the SFU');
    assert.deepEqual(r['refusals'], {
      'publish before joining': 'not-joined',
      'receiving, naming Ada': 'unknown-peer',
      'a layer of Ada': 'bad-message',
      'an answer to no offer': 'bad-message',
      'a candidate for no connection': 'bad-message',
      'a garbage offer': 'bad-message',
      'a layer of Ada, published': 'bad-message',
    });
    assert.equal(r['malloryAnswered'], 'SFU_ANSWER', "Mallory's proper offer is answered (her own room's publisher)");
    assert.equal(r['malloryOffers'], 0, 'and no feed of room A is ever offered to her (3 s)');
    assert.ok((r['sfuOffersSeen'] as number) >= 2, `the browsers got their subscriptions (${r['sfuOffersSeen']})`);
    assert.equal(r['sessionKnown'], true);
    assert.deepEqual(r['leaks'], [], 'no Janus session id, feed id or secret in any message a browser got');
  });
});
