/** custom-elements.json is generated from the element's JSDoc; this fails when the committed file is stale. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const run = promisify(execFile);

describe('custom-elements.json', () => {
  it('matches what the analyzer generates from the source (run `npm run manifest` when it does not)', async () => {
    // The analyzer resolves --outdir against the working directory.
    const out = join('.cache', `cem-check-${process.pid}`);
    try {
      await run(process.execPath, [
        'node_modules/@custom-elements-manifest/analyzer/cem.js',
        'analyze',
        '--outdir',
        out,
      ]);
      const fresh = JSON.parse(await readFile(join(out, 'custom-elements.json'), 'utf8'));
      const committed = JSON.parse(await readFile('custom-elements.json', 'utf8'));
      assert.deepEqual(committed, fresh);
      const element = committed.modules
        .flatMap((m: { declarations?: { tagName?: string }[] }) => m.declarations ?? [])
        .find((d: { tagName?: string }) => d.tagName === 'meeting-room');
      assert.ok(element, 'the manifest declares <meeting-room>');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
