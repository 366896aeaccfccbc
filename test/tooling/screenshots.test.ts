/**
 * The README's screenshots are generated (`npm run screenshots`): they must be
 * there, each referenced by the README, and taken from the look as it is now.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
// @ts-expect-error: a plain .mjs script without types
import { lookHash, SCREENSHOTS } from '../../scripts/look-hash.mjs';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SCENES = [
  'lobby',
  'prejoin',
  'grid-four',
  'speaker-share',
  'chat-open',
  'phone-grid',
  'phone-prejoin-light',
  'grid-light',
];

describe('README screenshots', () => {
  it('every scene is a picture the README shows', () => {
    for (const scene of SCENES) {
      assert.ok(
        existsSync(`${SCREENSHOTS}/${scene}.png`),
        `docs/screenshots/${scene}.png is missing: npm run screenshots`,
      );
      assert.ok(README.includes(`docs/screenshots/${scene}.png`), `the README does not show ${scene}.png`);
    }
  });

  it('were taken from the look as it is now (src/ui and demo unchanged since)', () => {
    const recorded = readFileSync(`${SCREENSHOTS}/SOURCES`, 'utf8').trim();
    assert.equal(recorded, lookHash(), 'the look changed since the screenshots were taken: run npm run screenshots');
  });
});
