/**
 * The weight budget of the embed file (issue: benchmarks): at most 20 KB
 * gzip (1 KB = 1,024 bytes) for the element, UI, chat and call core with Lit
 * and partysocket inside. Reads the build output, so it runs after the build
 * step; `npm run bench` gives the full breakdown.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';

const BUDGET_GZIP_BYTES = 20 * 1024;
const LOCALE_BUDGET_GZIP_BYTES = 1024;

const gzipSize = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

describe('embed weight', () => {
  it(`meeting-room.js is at most ${BUDGET_GZIP_BYTES / 1024} KB gzip`, async () => {
    const size = gzipSize(await readFile('dist/public/meeting-room.js'));
    assert.ok(size <= BUDGET_GZIP_BYTES, `meeting-room.js is ${size} bytes gzip, over the ${BUDGET_GZIP_BYTES} budget`);
  });

  it('is self-contained: no static import, only the lazily loaded locale tables beside it', async () => {
    const code = await readFile('dist/public/meeting-room.js', 'utf8');
    // A static import of another chunk would be fetched before the element could run.
    const staticImport = /from\s*["'`]\.{1,2}\/[^"'`]*["'`]/.exec(code);
    assert.equal(staticImport?.[0], undefined, 'the embed file imports another file statically');
    const dynamic = [...code.matchAll(/import\(`([^`]+)`\)/g)].map((m) => m[1]);
    const locales = (await readdir('dist/public/locales')).filter((f) => f.endsWith('.js'));
    assert.deepEqual(dynamic.sort(), locales.map((f) => `./locales/${f}`).sort());
    for (const file of locales) {
      const size = gzipSize(await readFile(`dist/public/locales/${file}`));
      assert.ok(size <= LOCALE_BUDGET_GZIP_BYTES, `locales/${file} is ${size} bytes gzip`);
    }
  });
});
