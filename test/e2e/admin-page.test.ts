/**
 * The operator page (`/admin.html`) in real headless Chromium against the real
 * server: it draws a room's connection graph with the admin token, refreshes
 * live, refuses a wrong token, and shows user-chosen names as text.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { newId, startServer, TestClient, type TestServer } from '../server/helpers.js';
// @ts-expect-error: a plain ES module of the scripts, without types
import { assertFreshBuild } from '../../scripts/fresh-build.mjs';

const require = createRequire(import.meta.url);
const STATIC = new URL('../../dist/public', import.meta.url).pathname;
const ADMIN = 'operator-token-0123456789';
let srv: TestServer;
let browser: Browser;

before(async () => {
  assertFreshBuild('server'); // this suite runs the built files
  assertFreshBuild('public');
  assert.ok(existsSync(`${STATIC}/admin.html`), 'dist/public/admin.html is missing: run `npm run build` first');
  srv = await startServer({ adminToken: ADMIN, staticDir: STATIC });
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

async function open(room: string, token: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${srv.url}/admin.html?room=${room}`);
  await page.type('input[name="token"]', token);
  await page.click('button[type="submit"]');
  return page;
}

const count = (page: Page, selector: string) => page.$$eval(selector, (nodes) => nodes.length);

describe('operator page', () => {
  it('draws members and links, refreshes live, and shows names as text', async () => {
    const room = `ops-${newId()}`;
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(room, { name: 'Ada' });
    const b = await TestClient.connect(srv.wsUrl);
    await b.join(room, { name: '<img src=x onerror="document.title=1">' });
    a.send({
      type: 'CONNECTION_STATE',
      peer: b.clientId,
      connectionState: 'connected',
      iceConnectionState: 'connected',
      localCandidateType: 'relay',
      remoteCandidateType: 'relay',
      rttMs: 12.5,
    });
    b.send({
      type: 'CONNECTION_STATE',
      peer: a.clientId,
      connectionState: 'connected',
      iceConnectionState: 'connected',
      localCandidateType: 'relay',
      remoteCandidateType: 'relay',
      rttMs: 12.5,
    });
    await a.next('JOIN');

    const page = await open(room, ADMIN);
    await page.waitForFunction(() => document.querySelectorAll('.member').length === 2, { timeout: 5000 });
    assert.equal(await count(page, '.pair'), 1, 'both reports of one link make one edge');
    assert.equal(await page.$eval('.pair', (g) => g.getAttribute('data-path')), 'relay');
    assert.equal(await page.$eval('.pair', (g) => g.getAttribute('data-state')), 'connected');
    assert.match(await page.$eval('.pair text', (t) => t.textContent ?? ''), /relay · 13 ms/);
    assert.equal(await count(page, '#pairs tr'), 2);
    const names = await page.$$eval('.member text', (nodes) => nodes.map((n) => n.textContent));
    assert.ok(names.includes('<img src=x onerror="document.title=1">'), 'the name is shown as text');
    assert.equal(await count(page, 'img'), 0, 'no HTML from names');

    // Live: a third member appears without a reload; a departure disappears.
    const c = await TestClient.connect(srv.wsUrl);
    await c.join(room, { name: 'Cy' });
    await page.waitForFunction(() => document.querySelectorAll('.member').length === 3, { timeout: 5000 });
    b.send({ type: 'LEAVE' });
    await page.waitForFunction(() => document.querySelectorAll('.member').length === 2, { timeout: 5000 });
    assert.equal(await count(page, '.pair'), 0, "the leaver's links are gone");
    await page.close();
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it("in SFU mode: the SFU in the middle, a line to each member in its worse connection's state and path, its bitrates and layers beside it, a row per connection", async () => {
    const room = `ops-${newId()}`;
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(room, { name: 'Ada' });
    const b = await TestClient.connect(srv.wsUrl);
    await b.join(room, { name: 'Bob' });
    await srv.server.store.setMode(room, 'sfu'); // as a room past MESH_MAX (no Janus needed to draw it)
    const state = (target: string, connectionState: string, path: string, kbps: number, layers?: object) => ({
      type: 'SFU_STATE',
      target,
      connectionState,
      localCandidateType: path,
      remoteCandidateType: 'host',
      rttMs: 3,
      kbps,
      ...(layers ? { layers } : {}),
    });
    a.send(state('publisher', 'connected', 'host', 1500, { h: 1, m: 1, l: 1 }));
    a.send(state('subscriber', 'connected', 'host', 900, { l: 3, h: 1, none: 1 }));
    b.send(state('publisher', 'connected', 'relay', 1400));
    b.send(state('subscriber', 'connecting', 'relay', 0));

    const page = await open(room, ADMIN);
    await page.waitForFunction(() => document.querySelectorAll('.sfu-link').length === 2, { timeout: 5000 });
    assert.equal(await count(page, '.member.sfu'), 1, 'the SFU drawn once, in the middle');
    const link = (id: string) =>
      page.$eval(`.sfu-link[data-client-id="${id}"]`, (g) => ({
        state: g.getAttribute('data-state'),
        path: g.getAttribute('data-path'),
        rate: g.querySelector('text')?.textContent,
        layers: [...g.querySelectorAll('text.layers')].map((t) => t.textContent).join(' · ') || undefined,
      }));
    assert.deepEqual(await link(a.clientId), {
      state: 'connected',
      path: 'direct',
      rate: '↑1500 ↓900 kbit/s',
      layers: 'sends h m l · gets 1 h, 3 l, 1 paused',
    });
    assert.deepEqual(await link(b.clientId), {
      state: 'connecting',
      path: 'relay',
      rate: '↑1400 ↓0 kbit/s',
    }); // (no layers reported: none drawn)
    const rows = await page.$$eval('#pairs tr', (trs) => trs.map((tr) => tr.textContent));
    assert.equal(rows.length, 4, 'a row per member and connection');
    assert.ok(rows.some((r) => r?.includes('Bob') && r.includes('SFU (receiving)') && r.includes('connecting')));
    assert.ok(rows.some((r) => r?.includes('Ada') && r.includes('SFU (sending)') && r.includes('sends h m l')));
    assert.match(await page.$eval('#status', (s) => s.textContent ?? ''), /media through the SFU.*4 link reports/);
    // Accessible as drawn (axe-core, the rules of WCAG 2.1 AA): no violation.
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(o: object): Promise<{ violations: { id: string }[] }> } }).axe;
      const { violations } = await axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa'] });
      return violations.map((v) => v.id);
    });
    assert.deepEqual(violations, [], 'axe: no violation on the SFU drawing and its table');
    await page.close();
    await Promise.all([a.close(), b.close()]);
  });

  it('says so when the token is wrong, and shows nothing of the room', async () => {
    const room = `ops-${newId()}`;
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(room, { name: 'Secret Sam' });
    const page = await open(room, 'wrong-token');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('refused'), {
      timeout: 5000,
    });
    assert.equal(await page.$eval('#status', (s) => s.getAttribute('data-kind')), 'error');
    assert.equal(await count(page, '.member'), 0);
    assert.ok(!(await page.content()).includes('Secret Sam'));
    await page.close();
    await a.close();
  });
});
