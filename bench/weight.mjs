#!/usr/bin/env node
/**
 * Weight: gzip and brotli size of the self-contained embed file, against
 * floors and peers measured in the same run from installed packages, each
 * bundled the same way (esbuild, ESM, browser, minified):
 *   - Lit core (LitElement, html, css) and partysocket: what the embed must carry anyway;
 *   - PeerJS (WebRTC wrapper, no UI) and livekit-client (SFU client, no UI).
 * Usage: npm run build && node bench/weight.mjs
 */
import { readFileSync } from 'node:fs';
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

const rows = [
  [
    'meeting-room embed (element, UI, chat, call core, Lit, partysocket)',
    sizes(readFileSync('dist/public/meeting-room.js')),
  ],
  ['locales/de.js (German strings, fetched only by German pages)', sizes(readFileSync('dist/public/locales/de.js'))],
  [
    'ice-servers.js (fetched only when the ice-servers attribute is set)',
    sizes(readFileSync('dist/public/ice-servers.js')),
  ],
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
const embed = rows[0][1];
console.log(
  `Weight, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`,
);
console.log('| bundle | min KB | gzip KB | brotli KB | gzip vs embed |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, s] of rows) {
  console.log(`| ${name} | ${kb(s.min)} | ${kb(s.gzip)} | ${kb(s.brotli)} | ${(s.gzip / embed.gzip).toFixed(2)}× |`);
}
const floor = rows[5][1];
console.log(`\nThe embed's own code (UI, chat, call core) over the floor: ${kb(embed.gzip - floor.gzip)} KB gzip.`);
// The same budget as test/tooling/size-budget.test.ts.
const budget = 20 * 1024;
console.log(
  `Budget: ${budget} bytes gzip (20 KB); the embed: ${embed.gzip} bytes, ${embed.gzip <= budget ? `${budget - embed.gzip} under` : `${embed.gzip - budget} OVER`}.`,
);
