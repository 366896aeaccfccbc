/**
 * The weight budgets of the delivery issue, read from the build output (so
 * this runs after the build step; `npm run bench:weight` gives the breakdown):
 *   - the embed file a page loads with its script tag (the element and its
 *     lobby, Lit inside): at most 12 KB gzip, and nothing it imports statically;
 *   - everything a two-person mesh call loads (the embed file and every chunk it
 *     can reach, but other languages and the parts only an SFU room loads):
 *     at most 36 KB gzip.
 * 1 KB = 1,024 bytes, gzip level 9.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';

const ENTRY_BUDGET = 12 * 1024;
const CALL_BUDGET = 36 * 1024;
/** Chunks a two-person mesh call never loads: other UI languages, and what only an SFU room needs. */
const NOT_IN_A_MESH_CALL = [/^locales\//, /^sfu-/];

const DIR = 'dist/public';
const gzipSize = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

/** The files a module imports: `from "./x.js"` (static) and `import(`./x.js`)` (on demand), relative to dist/public. */
function importsOf(file: string, code: string): { static: string[]; dynamic: string[] } {
  const resolve = (spec: string) => posix.normalize(posix.join(posix.dirname(file), spec));
  return {
    static: [...code.matchAll(/(?:from|import)\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g)].map((m) => resolve(m[1]!)),
    dynamic: [...code.matchAll(/import\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g)].map((m) => resolve(m[1]!)),
  };
}

/** Every file reachable from the embed file, with its gzip size, skipping what `skip` matches. */
async function reachable(skip: RegExp[]): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const queue = ['meeting-room.js'];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file) || skip.some((pattern) => pattern.test(file))) continue;
    const bytes = await readFile(posix.join(DIR, file));
    seen.set(file, gzipSize(bytes));
    const imports = importsOf(file, bytes.toString('utf8'));
    queue.push(...imports.static, ...imports.dynamic);
  }
  return seen;
}

describe('embed weight', () => {
  it(`meeting-room.js (element and lobby) is at most ${ENTRY_BUDGET / 1024} KB gzip and imports nothing statically`, async () => {
    const code = await readFile(posix.join(DIR, 'meeting-room.js'));
    const size = gzipSize(code);
    assert.ok(size <= ENTRY_BUDGET, `meeting-room.js is ${size} bytes gzip, over the ${ENTRY_BUDGET} budget`);
    // A static import would be fetched before the element could run.
    assert.deepEqual(importsOf('meeting-room.js', code.toString('utf8')).static, []);
  });

  it('the embed file carries no call code: the core, the signaling socket and the stage are in chunks', async () => {
    const code = await readFile(posix.join(DIR, 'meeting-room.js'), 'utf8');
    for (const marker of ['RTCPeerConnection', 'getUserMedia', 'connectTimeoutMs', 'part="grid"']) {
      assert.ok(!code.includes(marker), `meeting-room.js contains ${marker}`);
    }
    const { dynamic } = importsOf('meeting-room.js', code);
    assert.ok(
      dynamic.some((f) => /^call-view-[\w-]{8}\.js$/.test(f)),
      `the call view is fetched on demand (got ${dynamic})`,
    );
  });

  it('picture-in-picture is a chunk of its own, fetched by the call only on demand', async () => {
    const call = (await readdir(DIR)).find((f) => /^call-view-[\w-]{8}\.js$/.test(f))!;
    const imports = importsOf(call, await readFile(posix.join(DIR, call), 'utf8'));
    assert.ok(
      imports.dynamic.some((f) => /^pip-[\w-]{8}\.js$/.test(f)),
      `the call imports pip-*.js on demand (got ${imports.dynamic})`,
    );
    assert.ok(!imports.static.some((f) => f.startsWith('pip-')), 'and never statically');
  });

  it(`a two-person mesh call loads at most ${CALL_BUDGET / 1024} KB gzip in all`, async () => {
    const files = await reachable(NOT_IN_A_MESH_CALL);
    const total = [...files.values()].reduce((a, b) => a + b, 0);
    const list = [...files].map(([f, s]) => `${f} ${s}`).join(', ');
    assert.ok(files.size >= 2, `the call is its own chunk (found ${list})`);
    assert.ok(total <= CALL_BUDGET, `a call loads ${total} bytes gzip (${list}), over the ${CALL_BUDGET} budget`);
  });

  it('every chunk has a content hash in its name (served as immutable)', async () => {
    const files = await reachable([]);
    for (const file of files.keys()) {
      if (file === 'meeting-room.js') continue;
      assert.match(file, /-[\w-]{8}\.js$/, `${file} has no content hash`);
    }
  });

  it('what the page loads has no eval, no new Function and no string timers', async () => {
    for (const file of (await reachable([])).keys()) {
      const code = await readFile(posix.join(DIR, file), 'utf8');
      for (const pattern of [
        /\beval\(/,
        /\bnew Function\(/,
        /\bFunction\(\s*["'`]/,
        /set(?:Timeout|Interval)\(\s*["'`]/,
      ]) {
        assert.doesNotMatch(code, pattern, `${file}`);
      }
    }
  });
});
