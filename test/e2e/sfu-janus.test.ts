/**
 * Media through a real Janus, relayed by the server's Janus client, in real
 * Chromium: inside a private network namespace whose `ifb` interface carries
 * 127.0.0.2 (Janus never gathers on loopback: ../shared/SFU.md), so nothing
 * leaves the machine. Needs root (unshare) and the Debian packages janus and
 * chromium (.ci/run installs them).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inJanusNamespace } from './namespace.js';

describe('SFU media path (real Janus in a network namespace)', () => {
  it("a publisher's camera and microphone reach a subscriber through Janus; a subscriber without a private id is refused", async () => {
    const result = await inJanusNamespace(new URL('./fixtures/janus-media.ts', import.meta.url), 60_000);
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
