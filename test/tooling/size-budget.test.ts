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
/** Each part loaded on demand. */
const PART_BUDGET_GZIP_BYTES = 1024;

const gzipSize = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

describe('embed weight', () => {
  it(`meeting-room.js is at most ${BUDGET_GZIP_BYTES / 1024} KB gzip`, async () => {
    const size = gzipSize(await readFile('dist/public/meeting-room.js'));
    assert.ok(size <= BUDGET_GZIP_BYTES, `meeting-room.js is ${size} bytes gzip, over the ${BUDGET_GZIP_BYTES} budget`);
  });

  it('is self-contained: no static import; only the on-demand parts beside it (locales, the ice-servers parser)', async () => {
    const code = await readFile('dist/public/meeting-room.js', 'utf8');
    // A static import of another chunk would be fetched before the element could run.
    const staticImport = /from\s*["'`]\.{1,2}\/[^"'`]*["'`]/.exec(code);
    assert.equal(staticImport?.[0], undefined, 'the embed file imports another file statically');
    const dynamic = [...code.matchAll(/import\(`([^`]+)`\)/g)].map((m) => m[1]);
    const locales = (await readdir('dist/public/locales')).filter((f) => f.endsWith('.js')).map((f) => `locales/${f}`);
    const parts = [...locales, 'ice-servers.js'];
    assert.deepEqual(dynamic.sort(), parts.map((f) => `./${f}`).sort());
    for (const file of parts) {
      const size = gzipSize(await readFile(`dist/public/${file}`));
      assert.ok(size <= PART_BUDGET_GZIP_BYTES, `${file} is ${size} bytes gzip`);
    }
  });
});
