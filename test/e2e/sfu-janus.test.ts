/**
 * Media through a real Janus, relayed by the server's Janus client, in real
 * Chromium: inside a private network namespace whose `ifb` interface carries
 * 127.0.0.2 (Janus never gathers on loopback: ../shared/SFU.md), so nothing
 * leaves the machine. Needs root (unshare) and the Debian packages janus and
 * chromium (.ci/run installs them).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const fixture = new URL('./fixtures/janus-media.ts', import.meta.url).pathname;

describe('SFU media path (real Janus in a network namespace)', () => {
  it("a publisher's camera and microphone reach a subscriber through Janus; a subscriber without a private id is refused", async () => {
    assert.ok(existsSync('/usr/bin/janus'), 'janus is missing: install the Debian package janus (.ci/run does)');
    assert.equal(process.getuid?.(), 0, 'the namespace needs root (unshare -n)');
    const setup =
      'ip link set lo up && ip link add j0 type ifb && ip addr add 127.0.0.2/32 dev j0 && ip link set j0 up';
    const { stdout } = await run(
      'unshare',
      ['-n', 'sh', '-c', `${setup} && exec "${process.execPath}" --import tsx "${fixture}"`],
      { timeout: 60_000, maxBuffer: 1 << 20 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    assert.equal(result['error'], undefined, String(result['error']));
    assert.equal(result['published'], 'ok');
    assert.equal(result['strangerRefused'], 433, "a subscriber without a publisher's private id: 433");
    assert.equal(result['started'], 'ok');
    assert.ok((result['framesDecoded'] as number) > 30, `frames decoded at the subscriber: ${result['framesDecoded']}`);
    assert.ok((result['audioPackets'] as number) > 50, `audio packets at the subscriber: ${result['audioPackets']}`);
    assert.ok(
      (result['candidates'] as string[]).every((address) => address === '127.0.0.2'),
      `Janus offered only the namespace's address (got ${result['candidates']})`,
    );
  });
});
