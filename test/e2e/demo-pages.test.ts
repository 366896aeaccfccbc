/**
 * The demo pages as a visitor gets them from `npm start`: served by the real
 * server, loading exactly the self-contained /meeting-room.js, in Chromium
 * with the fake camera and microphone.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startServer, type TestServer } from '../server/helpers.js';
// @ts-expect-error: a plain ES module of the scripts, without types
import { assertFreshBuild } from '../../scripts/fresh-build.mjs';

const STATIC = new URL('../../dist/public', import.meta.url).pathname;
let srv: TestServer;
let browser: Browser;

before(async () => {
  assertFreshBuild('server'); // this suite runs the built files
  assertFreshBuild('public');
  assert.ok(existsSync(`${STATIC}/meeting-room.js`), 'dist/public is missing: run `npm run build` first');
  srv = await startServer({ staticDir: STATIC });
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
    ],
  });
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

/** Opens a page and collects its errors; only /meeting-room.js may be loaded as script. */
async function visit(path: string): Promise<{ page: Page; errors: string[]; scripts: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const scripts: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Failed loads are judged by URL below (a browser asks for /favicon.ico by itself).
  page.on(
    'console',
    (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()),
  );
  page.on(
    'response',
    (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`),
  );
  page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
  await page.goto(`${srv.url}${path}`, { waitUntil: 'networkidle0' });
  await page.waitForFunction(() => customElements.get('meeting-room') !== undefined);
  return { page, errors, scripts };
}

const joinButton = (page: Page) =>
  page.evaluateHandle(() => document.querySelector('meeting-room')!.shadowRoot!.querySelector('[part~="join-button"]'));

describe('demo pages', () => {
  it('the CMS page (one script tag, one element) joins a call from the Join button, then "Join now"', async () => {
    const { page, errors, scripts } = await visit('/cms.html');
    assert.deepEqual(scripts, ['/meeting-room.js']);
    await ((await joinButton(page)) as unknown as { click(): Promise<void> }).click();
    await page.waitForFunction(() => document.querySelector('meeting-room')!.getAttribute('state') === 'prejoin');
    await ((await joinButton(page)) as unknown as { click(): Promise<void> }).click();
    await page.waitForFunction(() => document.querySelector('meeting-room')!.getAttribute('state') === 'joined', {
      timeout: 10_000,
    });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the main page shows the embed snippet and joins with ?join=1', async () => {
    const { page, errors } = await visit('/?room=demo-e2e&name=Ada&join=1');
    const snippet = await page.$eval('#snippet code', (c) => c.textContent ?? '');
    assert.match(snippet, new RegExp(`<script type="module" src="${srv.url}/meeting-room.js"></script>`));
    await page.waitForFunction(() => document.querySelector('meeting-room')!.getAttribute('state') === 'joined', {
      timeout: 10_000,
    });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('in forced colors (Windows high contrast) tiles, panels and controls keep a visible outline', async () => {
    const { page, errors } = await visit('/cms.html');
    // Through the protocol: puppeteer's own list of media features lacks forced-colors.
    const cdp = await page.createCDPSession();
    await cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'forced-colors', value: 'active' }] });
    assert.equal(await page.evaluate(() => matchMedia('(forced-colors: active)').matches), true);
    const borders = await page.evaluate(async () => {
      const el = document.querySelector('meeting-room') as HTMLElement & { join(): Promise<void>; state: string };
      el.setAttribute('skip-prejoin', '');
      await el.join();
      const root = el.shadowRoot!;
      for (let i = 0; i < 200 && !root.querySelector('[part~="local"]'); i++)
        await new Promise((r) => setTimeout(r, 50));
      root.querySelector<HTMLElement>('[part~="chat-button"]')!.click();
      for (let i = 0; i < 100 && !root.querySelector('[part~="chat"]'); i++)
        await new Promise((r) => setTimeout(r, 50));
      return Object.fromEntries(
        ['local', 'chat', 'mic-button', 'leave-button'].map((name) => {
          const style = getComputedStyle(root.querySelector(`[part~="${name}"]`)!);
          return [name, `${style.borderTopStyle} ${parseFloat(style.borderTopWidth) > 0}`];
        }),
      );
    });
    for (const [name, border] of Object.entries(borders)) assert.equal(border, 'solid true', name);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('on a touch screen (a coarse pointer) every control is at least 44×44 px', async () => {
    const { page, errors } = await visit('/cms.html');
    const cdp = await page.createCDPSession();
    // Touch emulation (as DevTools' device mode) makes the primary pointer coarse.
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    await page.reload({ waitUntil: 'networkidle0' });
    assert.equal(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), true);
    const small = await page.evaluate(async () => {
      const el = document.querySelector('meeting-room') as HTMLElement & { join(): Promise<void> };
      el.setAttribute('skip-prejoin', '');
      await el.join();
      const root = el.shadowRoot!;
      for (let i = 0; i < 200 && !root.querySelector('[part~="local"]'); i++)
        await new Promise((r) => setTimeout(r, 50));
      root.querySelector<HTMLElement>('[part~="settings-button"]')!.click();
      for (let i = 0; i < 100 && !root.querySelector('[part~="settings"]'); i++)
        await new Promise((r) => setTimeout(r, 50));
      (root.querySelector('[part~="pin-button"]') as HTMLElement).style.opacity = '1';
      return [...root.querySelectorAll<HTMLElement>('button')]
        .filter((b) => b.offsetParent !== null)
        .map((b) => [b.getAttribute('part'), b.getBoundingClientRect()] as const)
        .filter(([, box]) => box.width < 44 || box.height < 44)
        .map(([part, box]) => `${part} ${box.width}×${box.height}`);
    });
    assert.deepEqual(small, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the theming page themes from outside: light theme with an accent, own dark colours, German, the dark default', async () => {
    const { page, errors } = await visit('/theming.html');
    const looks = await page.evaluate(() =>
      [...document.querySelectorAll('meeting-room')].map((el) => {
        const button = el.shadowRoot!.querySelector('[part~="join-button"]')!;
        return {
          background: getComputedStyle(button).backgroundColor,
          text: button.textContent!.trim(),
          host: getComputedStyle(el).backgroundColor,
        };
      }),
    );
    assert.deepEqual(looks[0], { background: 'rgb(124, 58, 237)', text: 'Join', host: 'rgb(246, 248, 250)' });
    assert.deepEqual(looks[1], { background: 'rgb(47, 129, 247)', text: 'Beitreten', host: 'rgb(22, 27, 34)' });
    assert.deepEqual(
      looks[2],
      { background: 'rgb(168, 199, 250)', text: 'Join', host: 'rgb(27, 28, 31)' },
      'dark default',
    );
    assert.deepEqual(errors, []);
    await page.close();
  });
});
