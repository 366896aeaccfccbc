/**
 * The deployment of docs/DEPLOY.md, for real: Debian's nginx runs
 * deploy/nginx/meeting-room.conf as it is (only ports and certificate paths
 * swapped for loopback ones and a certificate this test makes), in front of
 * the built server started with deploy/meeting-room.env. Chromium trusts the
 * test certificate by its SPKI pin and makes a two-person call over https and
 * wss; the call's WebSocket survives `nginx -s reload`; the address the proxy
 * saw is what the per-address limit counts; and restarting the server (an
 * upgrade) costs the call a signaling blip while media keeps flowing.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { WebSocket } from 'ws';
import { CHROMIUM } from '../../scripts/chromium.mjs';
import { CALL_ARGS, framesDecoded, state, waitFor } from './pages.js';
// @ts-expect-error: a plain ES module of the scripts, without types
import { assertFreshBuild } from '../../scripts/fresh-build.mjs';
import { freePort } from '../server/helpers.js';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const SITE = new URL('../../deploy/nginx/meeting-room.conf', import.meta.url).pathname;
const ENV_FILE = new URL('../../deploy/meeting-room.env', import.meta.url).pathname;
const SERVER = new URL('../../dist/server/index.js', import.meta.url).pathname;
const METRICS = 'deploy-metrics-token-0123456789';

const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
let httpsPort: number;
let httpPort: number;
let serverPort: number;
let server: ChildProcess;
let browser: Browser;
let origin: string;

/** KEY=VALUE lines of an environment file (systemd's EnvironmentFile), comments skipped. */
function envFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

function nginx(...args: string[]) {
  const result = spawnSync(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), ...args], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`nginx ${args.join(' ')} failed: ${result.stderr}`);
  return result;
}

async function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH,
      ...envFile(ENV_FILE),
      // What the test swaps: its ports and origin, and secrets for the example values (which the server refuses).
      PORT: String(serverPort),
      ALLOWED_ORIGINS: origin,
      ADMIN_TOKEN: 'deploy-admin-token-0123456789',
      METRICS_TOKEN: METRICS,
      // No relay in this test: the call is two tabs on one machine.
      TURN_SECRET: '',
      TURN_URLS: '',
      STUN_URLS: '',
      // Small enough to reach in a test.
      ADDRESS_SOCKETS: '3',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${serverPort}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    if (child.exitCode !== null || i > 200) throw new Error(`the server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A metric's value from the server's /metrics (with its token). */
async function metric(pattern: RegExp): Promise<number> {
  const text = await (
    await fetch(`http://127.0.0.1:${serverPort}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } })
  ).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
}

before(async () => {
  assertFreshBuild('public');
  assertFreshBuild('server');
  assert.ok(existsSync(NGINX), `${NGINX} is missing: install the Debian package nginx (.ci/run does)`);
  chmodSync(dir, 0o755); // nginx's workers run as nobody
  [httpsPort, httpPort, serverPort] = [await freePort(), await freePort(), await freePort()];
  origin = `https://127.0.0.1:${httpsPort}`;

  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=meeting-room deploy test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(made.status, 0, `openssl: ${made.stderr}`);

  // The documented site, with only these swapped; each swap must find its text, so an edit of the file that
  // the test no longer matches fails here instead of testing something else.
  let site = readFileSync(SITE, 'utf8');
  const swaps: [string, string][] = [
    ['listen 80;', `listen 127.0.0.1:${httpPort};`],
    ['listen [::]:80;', ''],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`],
    ['listen [::]:443 ssl http2;', ''],
    ['/etc/letsencrypt/live/meet.example.org/fullchain.pem', cert],
    ['/etc/letsencrypt/live/meet.example.org/privkey.pem', key],
    ['server 127.0.0.1:8787;', `server 127.0.0.1:${serverPort};`],
  ];
  for (const [from, to] of swaps) {
    assert.ok(site.includes(from), `${SITE} has "${from}"`);
    site = site.replace(from, to);
  }
  writeFileSync(join(dir, 'meeting-room.conf'), site);
  // What Debian's /etc/nginx/nginx.conf gives a site, reduced to one worker and this folder.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon on;
pid ${join(dir, 'nginx.pid')};
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  include ${join(dir, 'meeting-room.conf')};
}
`,
  );
  nginx('-t', '-q');
  server = await startServer();
  nginx();
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: [
      ...CALL_ARGS,
      // Trust exactly the test's certificate, by the hash of its public key.
      `--ignore-certificate-errors-spki-list=${createHash('sha256')
        .update(new X509Certificate(readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' }))
        .digest('base64')}`,
    ],
  });
});

after(async () => {
  await browser?.close();
  if (existsSync(join(dir, 'nginx.pid'))) spawnSync(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-s', 'stop']);
  if (server) await stopServer(server);
});

async function joinCall(page: Page): Promise<void> {
  const click = () =>
    page.evaluate(() =>
      (
        document.querySelector('meeting-room')!.shadowRoot!.querySelector('[part~="join-button"]') as HTMLElement
      ).click(),
    );
  await page.bringToFront();
  await click();
  await waitFor(async () => (await state(page)) === 'prejoin', 'the pre-join view');
  await click();
  await waitFor(async () => (await state(page)) === 'joined', 'joined');
}

/** A WebSocket to nginx's wss:// from a loopback source address: 'open' (kept open, closed by the test) or the HTTP status. */
const opened: WebSocket[] = [];
function wssFrom(localAddress: string, headers: Record<string, string> = {}): Promise<string | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/ws`, {
      localAddress,
      headers,
      origin,
      rejectUnauthorized: false,
    });
    ws.once('open', () => {
      opened.push(ws);
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (error) => resolve(error.message));
  });
}

describe('deployment behind nginx with TLS', () => {
  let pages: Page[];

  it('a two-person call over https and wss through the documented nginx site', async () => {
    pages = [];
    for (let i = 0; i < 2; i++) {
      const page = await browser.newPage();
      await page.goto(`${origin}/`, { waitUntil: 'networkidle0' });
      assert.equal(await page.evaluate(() => location.protocol), 'https:');
      await joinCall(page);
      pages.push(page);
    }
    for (const page of pages) await waitFor(async () => (await framesDecoded(page)) > 10, 'remote frames decoded');
    // The chunk came through nginx over HTTP/2; the two WebSockets are the server's only ones (nginx logs them when
    // they close: see the restart below).
    assert.match(readFileSync(join(dir, 'access.log'), 'utf8'), /"GET \/call-view-[\w-]{8}\.js HTTP\/2\.0" 200 /);
    assert.equal(await metric(/^meeting_connections (\d+)/m), 2);
  });

  it('the per-address limit counts the address nginx saw (X-Forwarded-For, trusted from 127.0.0.1 only)', async () => {
    // From 127.0.0.3 (127.0.0.1 is nginx itself, a trusted proxy: a client there would be walked past).
    const limited = () => metric(/meeting_address_limited_total\{limit="sockets"\} (\d+)/);
    const before = await limited();
    for (let i = 0; i < 3; i++) assert.equal(await wssFrom('127.0.0.3'), 'open', `socket ${i + 1} of 3`);
    assert.equal(await wssFrom('127.0.0.3'), 429, 'a fourth is over');
    assert.equal(
      await wssFrom('127.0.0.3', { 'x-forwarded-for': '198.51.100.7' }),
      429,
      'a forged header changes nothing',
    );
    assert.equal(await wssFrom('127.0.0.2'), 'open', 'another address through the same proxy');
    assert.equal(await limited(), before + 2);
    for (const ws of opened.splice(0)) ws.close();
  });

  it("the call's WebSocket survives nginx -s reload: no reconnect, chat still flows", async () => {
    const resumes = await metric(/meeting_joins_total\{kind="resume"\} (\d+)/);
    const news = await metric(/meeting_joins_total\{kind="new"\} (\d+)/);
    const workers = () =>
      spawnSync('pgrep', ['-f', 'nginx: worker process'], { encoding: 'utf8' }).stdout.trim().split('\n').length;
    const before = workers();
    nginx('-s', 'reload');
    // The old worker keeps the call's WebSockets while a new one takes new connections.
    await waitFor(async () => workers() > before, 'a new nginx worker');
    // Long enough for a socket the reload dropped to be noticed and resumed (a blip resumes within tens of ms).
    await new Promise((r) => setTimeout(r, 1500));
    await pages[0]!.evaluate(() =>
      (document.querySelector('meeting-room') as unknown as { call: { sendChat(text: string): void } }).call.sendChat(
        'after the reload',
      ),
    );
    await waitFor(
      () =>
        pages[1]!.evaluate(() =>
          (document.querySelector('meeting-room') as unknown as { call: { chat: { text: string }[] } }).call.chat.some(
            (m) => m.text === 'after the reload',
          ),
        ),
      'the chat line at the other side',
    );
    assert.equal(await metric(/meeting_joins_total\{kind="resume"\} (\d+)/), resumes, 'nobody resumed');
    assert.equal(await metric(/meeting_joins_total\{kind="new"\} (\d+)/), news, 'nobody joined again');
    for (const page of pages) assert.equal(await state(page), 'joined');
  });

  it('restarting the server (an upgrade) is a signaling blip: both back in the room, video never stops', async () => {
    const frames = await Promise.all(pages.map(framesDecoded));
    // Sample both pages' decoded frames every 100 ms through the restart: the longest stall is what people see.
    let sampling = true;
    const stalls = pages.map(() => ({ last: 0, since: performance.now(), worst: 0 }));
    const sampler = (async () => {
      while (sampling) {
        const now = await Promise.all(pages.map(framesDecoded));
        now.forEach((n, i) => {
          const s = stalls[i]!;
          const t = performance.now();
          if (n > s.last) {
            s.worst = Math.max(s.worst, t - s.since);
            s.last = n;
            s.since = t;
          }
        });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const started = performance.now();
    await stopServer(server);
    server = await startServer();
    const restarted = performance.now() - started;
    await waitFor(async () => (await metric(/meeting_members (\d+)/)) === 2, 'both back in the room', 30_000);
    const back = performance.now() - started;
    // A second more, and at least 2.5 s since the restart began: the frame count below needs a window that long.
    await new Promise((r) => setTimeout(r, Math.max(1000, 2500 - back)));
    sampling = false;
    await sampler;
    const after = await Promise.all(pages.map(framesDecoded));
    const worst = Math.max(...stalls.map((s) => s.worst));
    console.log(
      `[deploy] server restart behind nginx: new process up ${restarted.toFixed(0)} ms after SIGTERM, ` +
        `both members back ${back.toFixed(0)} ms after it; longest video stall ${worst.toFixed(0)} ms ` +
        `(frames ${frames} -> ${after})`,
    );
    for (const page of pages) assert.equal(await state(page), 'joined');
    // The sockets the restart closed were upgraded by nginx (logged when they end).
    const upgrades = readFileSync(join(dir, 'access.log'), 'utf8').match(/"GET \/ws HTTP\/1\.1" 101 /g) ?? [];
    assert.ok(upgrades.length >= 2, `nginx upgraded the tabs' /ws (${upgrades.length} logged)`);
    after.forEach((n, i) => assert.ok(n > frames[i]! + 30, `page ${i} kept decoding (${frames[i]} -> ${n})`));
    assert.ok(worst < 1000, `video stalled ${worst.toFixed(0)} ms`);
  });
});
