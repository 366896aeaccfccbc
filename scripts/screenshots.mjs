#!/usr/bin/env node
/**
 * `npm run screenshots`: the README's pictures, taken in real Chromium with
 * fake cameras against the real server (in memory, on loopback) and the built
 * files. Each scene is a fresh page; the other people are more elements on the
 * same page, out of view. Writes docs/screenshots/<scene>.png and
 * docs/screenshots/SOURCES (a hash of what the look is made of; the tooling
 * test fails when the pictures are older than the look).
 * Usage: npm run screenshots [-- scene ...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { createMeetingServer } from '../dist/server/app.js';
import { loadConfig } from '../dist/server/config.js';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';
import { assertFreshBuild } from './fresh-build.mjs';
import { lookHash, SCREENSHOTS } from './look-hash.mjs';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/**
 * Each scene: the viewport, the element's attributes, who else is in the room,
 * and what happens before the picture. `shot` is 'element' or 'page'.
 */
const SCENES = {
  lobby: { viewport: DESKTOP, shot: 'page', path: '/' },
  prejoin: { viewport: DESKTOP, room: 'weekly-sync', others: [], prejoin: true },
  'grid-four': { viewport: DESKTOP, others: ['Bob', 'Cy', 'Dee'], after: 'hands' },
  'speaker-share': { viewport: DESKTOP, others: ['Bob', 'Cy'], after: 'share' },
  'chat-open': { viewport: DESKTOP, others: ['Bob', 'Cy'], after: 'chat' },
  'phone-grid': { viewport: PHONE, shot: 'page', others: ['Bob', 'Cy'] },
  'phone-prejoin-light': {
    viewport: PHONE,
    shot: 'page',
    theme: 'light',
    room: 'design-review',
    others: [],
    prejoin: true,
  },
  'grid-light': { viewport: DESKTOP, theme: 'light', others: ['Bob'], after: 'participants' },
};

assertFreshBuild('public');
assertFreshBuild('server');
const wanted = process.argv.slice(2);
const unknown = wanted.filter((s) => !(s in SCENES));
if (unknown.length) throw new Error(`no scene ${unknown.join(', ')}; scenes: ${Object.keys(SCENES).join(', ')}`);

const server = createMeetingServer(loadConfig({ PORT: '0', LOG_LEVEL: 'warn', STATIC_DIR: 'dist/public' }));
const { port } = await server.listen();
const origin = `http://127.0.0.1:${port}`;
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  args: [...CHROMIUM_ARGS, '--allow-loopback-in-peer-connection', '--hide-scrollbars', '--font-render-hinting=none'],
});
mkdirSync(SCREENSHOTS, { recursive: true });

/** Runs in the page: the scene's room, its people, and the moment to take the picture. */
async function stage(scene, room) {
  const until = async (check, what) => {
    for (let i = 0; i < 400; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const make = (name, parent, attrs = {}) => {
    const el = document.createElement('meeting-room');
    for (const [k, v] of Object.entries({ room, name, 'skip-prejoin': '', 'no-remember': '', ...attrs }))
      el.setAttribute(k, v);
    parent.append(el);
    return el;
  };
  // The others: real elements in the room, out of view.
  const away = document.createElement('div');
  away.style.cssText = 'position:fixed;left:-5000px;top:0;width:480px;height:360px';
  document.body.append(away);
  const others = [];
  for (const name of scene.others) {
    const el = make(name, away);
    await el.join();
    await until(() => el.state === 'joined', `${name} joined`);
    others.push(el);
  }
  // Us: the element the picture shows, filling the page's box.
  document.body.style.margin = '0';
  const box = document.createElement('main');
  box.style.cssText =
    scene.shot === 'page'
      ? 'height:100dvh;display:flex'
      : 'padding:24px;height:100dvh;box-sizing:border-box;display:flex';
  document.body.append(box);
  const attrs = { ...(scene.theme ? { theme: scene.theme } : {}), ...(scene.attrs ?? {}) };
  const ada = make('Ada', box, scene.prejoin ? { ...attrs } : attrs);
  ada.style.cssText = 'flex:1;height:auto';
  if (scene.prejoin) {
    ada.removeAttribute('skip-prejoin');
    await ada.join();
    await until(() => ada.state === 'prejoin', 'the pre-join view');
    await sleep(1500); // the preview plays and the meter moves
    return;
  }
  await ada.join();
  await until(
    () =>
      ada.state === 'joined' &&
      ada.call.participants.length === others.length &&
      ada.call.participants.every((p) => p.connectionState === 'connected'),
    'everyone connected',
  );
  await sleep(2000); // pictures arrive, quality badges settle
  if (scene.after === 'hands') {
    others[1].raiseHand();
    await sleep(300);
    others[0].raiseHand();
    others[2].react('🎉');
  }
  if (scene.after === 'share') {
    await others[0].startShare();
    await until(() => ada.call.participants.some((p) => p.screenSharing && p.screenStream), 'the share');
    await sleep(2000);
  }
  if (scene.after === 'chat') {
    others[0].sendChat('Hi all, we start in a minute.');
    others[1].sendChat('Sounds good! Sharing the notes in a bit.');
    await sleep(300);
    ada.shadowRoot.querySelector('[part~="chat-button"]').click();
    await sleep(300);
  }
  if (scene.after === 'participants') {
    others[0].raiseHand();
    ada.shadowRoot.querySelector('[part~="participants-button"]').click();
  }
  await sleep(800);
}

let taken = 0;
for (const [name, scene] of Object.entries(SCENES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewport(scene.viewport);
  await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
  if (scene.path) {
    await page.goto(origin + scene.path, { waitUntil: 'networkidle0' });
    await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
  } else {
    await page.goto(`${origin}/cms.html`, { waitUntil: 'networkidle0' });
    await page.evaluate(() => {
      document.body.replaceChildren();
      document.head.querySelectorAll('style, link[rel=stylesheet]').forEach((s) => s.remove());
      const viewport = document.createElement('meta');
      viewport.name = 'viewport';
      viewport.content = 'width=device-width, initial-scale=1, viewport-fit=cover';
      document.head.append(viewport);
    });
    // The pre-join view shows the room's name; the others use one of their own.
    await page.evaluate(stage, scene, scene.room ?? `shot-${name}-${Date.now()}`);
    if (scene.shot === 'page') await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
    else await (await page.$('main > meeting-room')).screenshot({ path: `${SCREENSHOTS}/${name}.png` });
  }
  await page.close();
  if (errors.length) throw new Error(`${name}: page errors: ${errors.join('; ')}`);
  console.log(`[screenshots] ${name}.png`);
  taken++;
}
await browser.close();
await server.close();
if (!wanted.length) writeFileSync(`${SCREENSHOTS}/SOURCES`, `${lookHash()}\n`);
console.log(`[screenshots] ${taken} written to ${SCREENSHOTS}/`);
