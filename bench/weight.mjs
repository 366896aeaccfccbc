#!/usr/bin/env node
/**
 * Weight: gzip and brotli size of the embed file, of each chunk it fetches,
 * and of everything a two-person mesh call loads, against floors and peers
 * measured in the same run from installed packages, each bundled the same
 * way (esbuild, ESM, browser, minified):
 *   - Lit core (LitElement, html, css) and partysocket: what a call must carry anyway (Lit, and a
 *     reconnecting WebSocket: the field's usual one, though ours is a few lines of the client);
 *   - PeerJS (WebRTC wrapper, no UI) and livekit-client (SFU client, no UI).
 * Usage: npm run build && node bench/weight.mjs
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { cpus } from 'node:os';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const sizes = (bytes) => ({
  min: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

async function bundle(contents) {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0].contents);
}

const DIR = 'dist/public';
/** The files a built module imports (static `from "./x"` and on-demand `import(`./x`)`), relative to DIR. */
const importsOf = (file) =>
  [...readFileSync(join(DIR, file), 'utf8').matchAll(/(?:from|import\(?)\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g)].map((m) =>
    posix.normalize(posix.join(posix.dirname(file), m[1])),
  );
/** Every file reachable from the embed file. */
const reachable = () => {
  const seen = [];
  const queue = ['meeting-room.js'];
  while (queue.length) {
    const file = queue.shift();
    if (seen.includes(file)) continue;
    seen.push(file);
    queue.push(...importsOf(file));
  }
  return seen;
};
const files = reachable();
const inCall = files.filter((f) => !/^(locales\/|sfu-)/.test(f));
const fileRows = files.map((f) => [
  f === 'meeting-room.js'
    ? 'meeting-room.js: the embed file (element, lobby, strings, Lit)'
    : f.startsWith('locales/')
      ? `${f} (fetched only by pages in that language)`
      : f.startsWith('call-view-')
        ? `${f} (fetched on intent to join)`
        : `${f} (fetched when its feature is first reached)`,
  sizes(readFileSync(join(DIR, f))),
]);
const sum = (list) =>
  list.reduce(
    (t, f) => {
      const x = sizes(readFileSync(join(DIR, f)));
      return { min: t.min + x.min, gzip: t.gzip + x.gzip, brotli: t.brotli + x.brotli };
    },
    { min: 0, gzip: 0, brotli: 0 },
  );

const rows = [
  ...fileRows,
  [`a two-person mesh call in all (${inCall.length} files)`, sum(inCall)],
  ['floor: Lit core (LitElement, html, css)', sizes(await bundle(`export { LitElement, html, css } from 'lit';`))],
  ['floor: partysocket (reconnecting WebSocket)', sizes(await bundle(`export { WebSocket } from 'partysocket';`))],
  [
    'floor: Lit core + partysocket',
    sizes(await bundle(`export { LitElement, html, css } from 'lit'; export { WebSocket } from 'partysocket';`)),
  ],
  ['PeerJS (no UI)', sizes(await bundle(`export * from 'peerjs';`))],
  ['livekit-client (no UI)', sizes(await bundle(`export * from 'livekit-client';`))],
];

const kb = (n) => (n / 1024).toFixed(1);
const entry = rows[0][1];
const call = rows[fileRows.length][1];
const floor = rows[fileRows.length + 3][1];
console.log(
  `Weight, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`,
);
console.log('| bundle | min KB | gzip KB | brotli KB | gzip vs call |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, s] of rows) {
  console.log(`| ${name} | ${kb(s.min)} | ${kb(s.gzip)} | ${kb(s.brotli)} | ${(s.gzip / call.gzip).toFixed(2)}× |`);
}
console.log(`\nThe call's own code (UI, chat, call core) over the floor: ${kb(call.gzip - floor.gzip)} KB gzip.`);
// The same budgets as test/tooling/size-budget.test.ts.
for (const [what, size, budget] of [
  ['the embed file', entry.gzip, 12 * 1024],
  ['a two-person call', call.gzip, 36 * 1024],
]) {
  console.log(
    `Budget for ${what}: ${budget} bytes gzip; it is ${size} bytes, ${size <= budget ? `${budget - size} under` : `${size - budget} OVER`}.`,
  );
}
