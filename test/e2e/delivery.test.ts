/**
 * Two-stage loading as a page gets it, in Chromium with the fake camera and
 * microphone, against the built files and the real server: the page loads only
 * the embed file until someone shows intent to join; the call's chunk then
 * comes from wherever the embed file came from (another origin, a sub-path);
 * a missing chunk is a visible error; a page with a strict Content Security
 * Policy and Trusted Types runs a whole call without a violation.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CHROMIUM } from '../../scripts/chromium.mjs';
import { CALL_ARGS, framesDecoded, state, waitFor } from './pages.js';
import { startServer, type TestServer } from '../server/helpers.js';
// @ts-expect-error: a plain ES module of the scripts, without types
import { assertFreshBuild } from '../../scripts/fresh-build.mjs';

const BUILT = new URL('../../dist/public', import.meta.url).pathname;
const CHUNK = /\/call-view-[\w-]{8}\.js$/;
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; require-trusted-types-for 'script'";

let browser: Browser;
const closers: (() => Promise<unknown>)[] = [];

/** A plain static server (a CMS, a CDN): files from `dir`, `page` at `/`, extra headers on the page. */
async function staticSite(dir: string, page: string, pageHeaders: Record<string, string> = {}): Promise<string> {
  const types: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json', '.html': 'text/html' };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...pageHeaders });
      res.end(page);
      return;
    }
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The browser keeps its keep-alive connections open; close() alone would wait for them (about 95 s).
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const pageHtml = (script: string, attrs: string) =>
  `<!doctype html><html lang="en"><title>host page</title>` +
  `<script type="module" src="${script}"></script><meeting-room ${attrs}></meeting-room></html>`;

interface Visit {
  page: Page;
  scripts: string[];
  violations: string[];
}

/** Opens `url`, recording every script fetched and every CSP violation the page reports. */
async function visit(url: string): Promise<Visit> {
  const page = await browser.newPage();
  const scripts: string[] = [];
  const violations: string[] = [];
  page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
  page.on('pageerror', (e) => violations.push(`pageerror: ${String(e)}`));
  await page.exposeFunction('__violation', (text: string) => violations.push(text));
  // Injected by DevTools, so the page's own CSP does not apply to the probe.
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __violation(t: string): void }).__violation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(url, { waitUntil: 'networkidle0' });
  await page.waitForFunction(() => customElements.get('meeting-room') !== undefined);
  return { page, scripts, violations };
}

/** Clicks the Join button with real input (the pointer moves onto it first, as a person's does). */
async function clickJoin(page: Page): Promise<void> {
  const button = await page.evaluateHandle(() =>
    document.querySelector('meeting-room')!.shadowRoot!.querySelector('[part~="join-button"]'),
  );
  await (button as unknown as { click(): Promise<void> }).click();
}

/** Two visitors of `url` join by clicking; both decode the other's video. */
async function twoPersonCall(url: string): Promise<Visit[]> {
  const visits = [await visit(url), await visit(url)];
  for (const v of visits) {
    await v.page.bringToFront();
    await clickJoin(v.page);
    await waitFor(async () => (await state(v.page)) === 'prejoin', 'the pre-join view');
    await clickJoin(v.page); // "Join now"
    await waitFor(async () => (await state(v.page)) === 'joined', 'joined');
  }
  for (const v of visits) await waitFor(async () => (await framesDecoded(v.page)) > 10, 'remote frames decoded');
  return visits;
}

let signaling: TestServer;

before(async () => {
  assertFreshBuild('public'); // this suite runs the built files
  assert.ok(existsSync(`${BUILT}/meeting-room.js`), 'dist/public is missing: run `npm run build` first');
  signaling = await startServer({});
  closers.push(() => signaling.close());
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    // Two people are two tabs of one window.
    args: CALL_ARGS,
  });
  closers.push(() => browser.close());
});
after(async () => {
  for (const close of closers.reverse()) await close();
});

describe('two-stage loading', () => {
  it('fetches only the embed file until intent; focus on Join fetches the call without joining', async () => {
    const url = await staticSite(BUILT, pageHtml('/meeting-room.js', `room="idle-${process.pid}"`));
    const { page, scripts } = await visit(url);
    await new Promise((r) => setTimeout(r, 500)); // an idle page stays idle
    assert.deepEqual(
      scripts.map((s) => new URL(s).pathname),
      ['/meeting-room.js'],
    );
    await page.keyboard.press('Tab'); // focus lands on the Join button
    await waitFor(async () => scripts.some((s) => CHUNK.test(s)), 'the call chunk fetched on focus', 5000);
    assert.equal(await state(page), 'idle', 'fetching did not join');
    await page.close();
  });

  it('the files on another origin under a sub-path: chunks resolve beside the embed file and a call works', async () => {
    // The embed files from the real server (its CORS and caching), in a sub-folder of its static folder.
    const root = mkdtempSync(join(tmpdir(), 'cdn-'));
    cpSync(BUILT, join(root, 'assets/meeting/v1'), { recursive: true });
    const cdn = await startServer({ staticDir: root });
    closers.push(() => cdn.close());
    const script = `${cdn.url}/assets/meeting/v1/meeting-room.js`;
    const site = await staticSite(
      mkdtempSync(join(tmpdir(), 'site-')),
      pageHtml(script, `room="cross-${process.pid}" signal-url="${signaling.wsUrl}"`),
    );
    assert.notEqual(new URL(site).origin, new URL(cdn.url).origin);
    const visits = await twoPersonCall(site);
    for (const { scripts, violations } of visits) {
      const chunk = scripts.find((s) => CHUNK.test(s));
      assert.ok(chunk?.startsWith(`${cdn.url}/assets/meeting/v1/`), `the chunk came from beside the embed (${chunk})`);
      assert.deepEqual(violations, []);
    }
    for (const { page } of visits) await page.close();
  });

  it('a German page whose deploy lacks locales/ gets the English strings, with no error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-locales-'));
    cpSync(BUILT, dir, { recursive: true, filter: (src) => !src.includes('/locales') });
    assert.ok(!existsSync(join(dir, 'locales')), 'no locales/ in the copy');
    const page = pageHtml('/meeting-room.js', `room="no-locales-${process.pid}"`).replace('lang="en"', 'lang="de"');
    const { page: tab, violations } = await visit(await staticSite(dir, page));
    await new Promise((r) => setTimeout(r, 500)); // the German strings were asked for and did not come
    const label = await tab.evaluate(() =>
      document.querySelector('meeting-room')!.shadowRoot!.querySelector('[part~="join-button"]')!.textContent!.trim(),
    );
    assert.equal(label, 'Join');
    assert.deepEqual(violations, [], 'no page error');
    await clickJoin(tab);
    await waitFor(async () => (await state(tab)) === 'prejoin', 'the pre-join view, in English');
    await tab.close();
  });

  it('a chunk that cannot be fetched is a visible error and a load-failed event; Join stays usable', async () => {
    // Only the embed file was copied to the site: the call's chunk answers 404.
    const dir = mkdtempSync(join(tmpdir(), 'entry-only-'));
    cpSync(`${BUILT}/meeting-room.js`, join(dir, 'meeting-room.js'));
    const url = await staticSite(dir, pageHtml('/meeting-room.js', `room="missing-${process.pid}"`));
    const { page } = await visit(url);
    await page.evaluate(() => {
      const w = window as unknown as { errors: { code: string; cause?: string }[] };
      w.errors = [];
      document.addEventListener('meeting-room-error', (e) => {
        const { code, cause } = e as unknown as { code: string; cause?: string };
        w.errors.push({ code, cause });
      });
    });
    await clickJoin(page);
    await waitFor(async () => (await state(page)) === 'error', 'the error state');
    const shown = await page.evaluate(() => {
      const root = document.querySelector('meeting-room')!.shadowRoot!;
      const button = root.querySelector<HTMLButtonElement>('[part~="join-button"]')!;
      return {
        error: root.querySelector('[part~="error"]')?.textContent ?? '',
        role: root.querySelector('[part~="error"]')?.getAttribute('role'),
        button: button.textContent!.trim(),
        disabled: button.disabled,
        errors: (window as unknown as { errors: { code: string; cause?: string }[] }).errors,
      };
    });
    assert.match(shown.error, /could not be loaded/);
    assert.equal(shown.role, 'alert');
    assert.deepEqual(
      shown.errors.map((e) => e.code),
      ['load-failed'],
    );
    assert.match(shown.errors[0]!.cause ?? '', /call-view-[\w-]{8}\.js/, 'the cause names the missing file');
    assert.deepEqual(shown.button, 'Join again');
    assert.equal(shown.disabled, false);
    await page.close();
  });

  it('a page with a strict CSP and Trusted Types runs a whole call with no violation', async () => {
    const url = await staticSite(
      BUILT,
      pageHtml('/meeting-room.js', `room="csp-${process.pid}" signal-url="${signaling.wsUrl}"`),
      { 'content-security-policy': STRICT_CSP },
    );
    const visits = await twoPersonCall(url);
    for (const { page, violations } of visits) {
      // The policy is really in force: an image from elsewhere and a string assigned to innerHTML are refused.
      await page.evaluate(() => {
        const probe = document.createElement('img');
        probe.src = 'http://127.0.0.2:9/not-allowed.png';
        document.body.append(probe);
        try {
          probe.outerHTML = '<b>not trusted</b>';
        } catch {
          // Trusted Types throws as well as reporting
        }
      });
      await waitFor(async () => violations.length >= 2, 'the probes reported');
      assert.deepEqual(violations.sort(), [
        'img-src http://127.0.0.2:9/not-allowed.png',
        'require-trusted-types-for trusted-types-sink',
      ]);
      await page.close();
    }
  });
});
