#!/usr/bin/env node
/**
 * Lighthouse's accessibility audit of the demo page (`/`), served by the built
 * server in memory, in Debian's Chromium. Lighthouse is fetched by npx at the
 * pinned version (12.2.3: version 13 needs Node 22), not installed with the
 * project. Prints the score and every audit that did not pass.
 * Usage: npm run build && node bench/lighthouse.mjs
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMeetingServer } from '../dist/server/app.js';
import { loadConfig } from '../dist/server/config.js';
import { CHROMIUM } from '../scripts/chromium.mjs';
import { assertFreshBuild } from '../scripts/fresh-build.mjs';

assertFreshBuild('public');
const server = createMeetingServer(loadConfig({ PORT: '0', LOG_LEVEL: 'warn', STATIC_DIR: 'dist/public' }));
const { port } = await server.listen();
const report = join(mkdtempSync(join(tmpdir(), 'lighthouse-')), 'report.json');
try {
  // Asynchronously: the server answering the page runs in this process.
  await promisify(execFile)(
    'npx',
    [
      '-y',
      'lighthouse@12.2.3',
      `http://127.0.0.1:${port}/`,
      '--only-categories=accessibility',
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu --use-fake-ui-for-media-stream',
      '--output=json',
      `--output-path=${report}`,
      '--quiet',
    ],
    { env: { ...process.env, CHROME_PATH: CHROMIUM } },
  );
  const result = JSON.parse(readFileSync(report, 'utf8'));
  console.log(
    `Lighthouse ${result.lighthouseVersion} accessibility of the demo page: ${Math.round(result.categories.accessibility.score * 100)}`,
  );
  for (const [id, audit] of Object.entries(result.audits)) {
    if (audit.scoreDisplayMode === 'binary' && audit.score !== 1) console.log(`  not passed: ${id}: ${audit.title}`);
  }
} finally {
  await server.close();
}
