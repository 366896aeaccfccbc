#!/usr/bin/env node
/**
 * Takes a screenshot of a real two-person call: the built server with the
 * demo page, two headless Chromium pages with the fake camera and microphone.
 * Usage: npm run build && node scripts/screenshot.mjs [out.png]
 */
import { createMeetingServer } from '../dist/server/app.js';
import { loadConfig } from '../dist/server/config.js';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

const out = process.argv[2] ?? 'docs/screenshot.png';
const config = loadConfig({
  PORT: '0',
  LOG_LEVEL: 'warn',
  STATIC_DIR: new URL('../dist/public', import.meta.url).pathname,
});
const server = createMeetingServer(config);
const { port } = await server.listen();
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  args: [...CHROMIUM_ARGS, '--allow-loopback-in-peer-connection'],
});
try {
  const pages = [];
  for (const name of ['Ada', 'Bob']) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 760 });
    await page.goto(`http://127.0.0.1:${port}/?room=screenshot&name=${name}&join=1`);
    pages.push(page);
  }
  const [ada] = pages;
  await ada.bringToFront();
  await ada.waitForFunction(
    () => {
      const el = document.querySelector('meeting-room');
      const video = el?.shadowRoot?.querySelector('[part~="remote"] video');
      return video && video.videoWidth > 0 && !video.paused;
    },
    { timeout: 20000 },
  );
  await ada.evaluate(() => {
    const el = document.querySelector('meeting-room');
    el.sendChat('Hello from Ada');
    el.shadowRoot.querySelector('[part~="chat-button"]').click();
  });
  await new Promise((r) => setTimeout(r, 1500));
  await ada.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
