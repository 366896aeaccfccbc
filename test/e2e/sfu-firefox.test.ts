/**
 * Firefox in SFU mode: a Chromium page and a headless Firefox page in one room
 * whose media goes through a real Janus (MEDIA_MODE=sfu), in a private network
 * namespace (see namespace.ts). Needs root, janus, chromium and firefox-esr
 * (.ci/run installs them).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { inJanusNamespace } from './namespace.js';

describe('SFU mode with Firefox (real Janus)', () => {
  it('Chromium and Firefox each publish to Janus and play the other through it: frames and audio both ways', async () => {
    const firefox = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
    assert.ok(existsSync(firefox), `${firefox} is missing: install the Debian package firefox-esr (.ci/run does)`);
    assert.ok(existsSync('dist/public/meeting-room.js'), 'build first (npm run build)');
    const r = await inJanusNamespace(new URL('./fixtures/sfu-firefox.ts', import.meta.url), 120_000, {
      firefox: true,
    });
    assert.equal(r['error'], undefined, String(r['error']));
    assert.deepEqual(r['pageErrors'], []);
    for (const name of ['chromium', 'firefox']) {
      const seen = r[name] as { via: string; frames: number; audioPackets: number };
      assert.equal(seen.via, 'sfu', `${name} receives the other through the SFU`);
      assert.ok(seen.frames > 20, `${name} presented the other's video (${seen.frames} frames)`);
      assert.ok(seen.audioPackets > 50, `${name} received the other's audio (${seen.audioPackets} packets)`);
    }
  });
});
