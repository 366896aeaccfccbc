#!/usr/bin/env node
/**
 * Call setup: time from a newcomer's `join()` to the first decoded remote
 * frame, against the floor measured in the same run and the same page: the
 * same number of `RTCPeerConnection` pairs wired directly (no server), the
 * newcomer's `getUserMedia` included in both.
 *
 * Headless Chromium with the fake camera and microphone, the built server on
 * loopback. Cases: 2, 3 and 4 participants (the newcomer meets 1, 2, 3 who are
 * already in a call with each other, in both the element run and the floor
 * run), and 2 participants relay-only through a real coturn. Runs alternate
 * floor / element so that noise hits both; medians are reported, with the
 * newcomer's phases (media, socket open, WELCOME, first OFFER received,
 * ANSWER sent, connected, first frame).
 *
 * Usage: npm run build && node bench/call-setup.mjs [--runs 10] [--json]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { createMeetingServer } from '../dist/server/app.js';
import { loadConfig } from '../dist/server/config.js';
import { turnCredentials } from '../dist/server/turn.js';
import { startCoturn } from '../scripts/coturn.mjs';

const { values: flags } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, json: { type: 'boolean', default: false } },
});
const RUNS = Number(flags.runs);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const coturn = await startCoturn();
const turn = { secret: coturn.secret, urls: [coturn.turnUrl], ttlSeconds: 600 };
const server = createMeetingServer(
  loadConfig({
    PORT: '0',
    LOG_LEVEL: 'warn',
    STATIC_DIR: new URL('../dist/public', import.meta.url).pathname,
    TURN_SECRET: coturn.secret,
    TURN_URLS: coturn.turnUrl,
    RATE_PER_SECOND: '1000',
    RATE_BURST: '2000',
  }),
);
const { port } = await server.listen();
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-networking',
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-gpu',
    '--disable-dev-shm-usage',
  ],
});

/** Runs in the page: helpers on window for the two kinds of run. */
function pageHelpers() {
  const firstFrame = (video) =>
    new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));

  /** Resolves when `el` shows a decoded frame from each of `count` remote tiles; returns the last time. */
  const framesFromTiles = (el, count) =>
    new Promise((resolve) => {
      const seen = new Map();
      const check = () => {
        for (const video of el.shadowRoot.querySelectorAll('[part~="remote"] video')) {
          if (!seen.has(video)) seen.set(video, firstFrame(video));
        }
        if (seen.size >= count) {
          observer.disconnect();
          void Promise.all(seen.values()).then((times) => resolve(Math.max(...times)));
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(el.shadowRoot, { subtree: true, childList: true });
      check();
    });

  const until = (predicate) =>
    new Promise((resolve) => {
      const tick = () => (predicate() ? resolve() : setTimeout(tick, 10));
      tick();
    });

  const element = (room, name, policy) => {
    const el = document.createElement('meeting-room');
    el.setAttribute('room', room);
    el.setAttribute('name', name);
    if (policy) el.setAttribute('ice-transport-policy', policy);
    document.body.append(el);
    return el;
  };

  const connectedLinks = (el) =>
    el.call ? el.call.participants.filter((p) => p.connectionState === 'connected').length : 0;

  /** Records, per WebSocket created from now on, when it opened and what it sent and received. */
  const recordSockets = () => {
    const log = [];
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('open', () => log.push({ at: performance.now(), what: 'open' }));
        this.addEventListener('message', (event) => {
          const type = JSON.parse(event.data).type;
          log.push({ at: performance.now(), what: `in:${type}` });
        });
      }
      send(data) {
        log.push({ at: performance.now(), what: `out:${JSON.parse(data).type}` });
        super.send(data);
      }
    };
    return { log, restore: () => (window.WebSocket = Native) };
  };

  window.bench = {
    /** Existing members: `count` elements joined and connected to each other (background load of both runs). */
    async members(room, count, policy) {
      const els = [];
      for (let i = 0; i < count; i++) {
        const el = element(room, `member-${i}`, policy);
        els.push(el);
        await el.join();
        await until(() => el.state === 'joined');
      }
      await until(() => els.every((el) => connectedLinks(el) === count - 1));
      await Promise.all(els.map((el) => framesFromTiles(el, count - 1)));
      window.benchMembers = els;
    },

    async dropMembers() {
      for (const el of window.benchMembers ?? []) el.remove();
      window.benchMembers = [];
      await new Promise((r) => setTimeout(r, 200));
    },

    /** The newcomer as a <meeting-room>; times relative to join(). */
    async element(room, others, policy) {
      const sockets = recordSockets();
      const el = element(room, 'newcomer', policy);
      const phases = {};
      const t0 = performance.now();
      const joining = el.join();
      el.call.on('local-media', () => (phases.media ??= performance.now() - t0));
      el.addEventListener('meeting-room-connection-state', (e) => {
        if (e.connectionState === 'connected') phases.connected = performance.now() - t0;
      });
      const frame = framesFromTiles(el, others);
      await joining;
      const last = await frame;
      sockets.restore();
      const first = (what) => sockets.log.find((e) => e.what === what)?.at - t0;
      Object.assign(phases, {
        open: first('open'),
        welcome: first('in:WELCOME'),
        offer: first('in:OFFER'),
        answer: first('out:ANSWER'),
        frame: last - t0,
      });
      el.remove();
      await new Promise((r) => setTimeout(r, 100));
      return phases;
    },

    /** The floor: the newcomer's getUserMedia, then one directly wired pair per member, in parallel. */
    async floor(others, config) {
      const peers = [];
      const member = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const t0 = performance.now();
      const phases = {};
      const own = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      phases.media = performance.now() - t0;
      const frames = [];
      for (let i = 0; i < others; i++) {
        const a = new RTCPeerConnection(config);
        const b = new RTCPeerConnection(config);
        peers.push(a, b);
        a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
        b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
        for (const track of member.getTracks()) a.addTrack(track, member);
        for (const track of own.getTracks()) b.addTrack(track, own);
        const video = document.createElement('video');
        video.muted = true;
        video.autoplay = true;
        video.playsInline = true;
        document.body.append(video);
        b.ontrack = (e) => (video.srcObject = e.streams[0]);
        b.onconnectionstatechange = () =>
          b.connectionState === 'connected' && (phases.connected ??= performance.now() - t0);
        frames.push(
          (async () => {
            await until(() => video.srcObject);
            const at = await firstFrame(video);
            video.remove();
            return at;
          })(),
        );
        void (async () => {
          await a.setLocalDescription();
          phases.offer ??= performance.now() - t0;
          await b.setRemoteDescription(a.localDescription);
          await b.setLocalDescription();
          phases.answer ??= performance.now() - t0;
          await a.setRemoteDescription(b.localDescription);
        })();
      }
      phases.frame = Math.max(...(await Promise.all(frames))) - t0;
      for (const pc of peers) pc.close();
      for (const track of [...own.getTracks(), ...member.getTracks()]) track.stop();
      return phases;
    },
  };
}

const page = await browser.newPage();
page.on('pageerror', (error) => console.error('page error:', error.message));
await page.goto(`http://127.0.0.1:${port}/healthz`);
await page.setContent('<!doctype html><html lang="en"><body></body></html>');
await page.addScriptTag({ url: '/meeting-room.js', type: 'module' });
await page.waitForFunction(() => customElements.get('meeting-room'));
await page.evaluate(pageHelpers);

const cases = [
  { name: '2 participants', others: 1 },
  { name: '3 participants', others: 2 },
  { name: '4 participants', others: 3 },
  { name: '2 participants, relay only (coturn)', others: 1, relay: true },
];
const results = [];
for (const c of cases) {
  const policy = c.relay ? 'relay' : undefined;
  const floorConfig = c.relay
    ? { iceServers: [turnCredentials(turn, 'floor')], iceTransportPolicy: 'relay' }
    : { iceServers: [] };
  const element = [];
  const floor = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const room = `bench-${c.others}-${c.relay ? 'r' : 'd'}-${run}-${Date.now()}`;
    await page.evaluate((r, n, p) => window.bench.members(r, n, p), room, c.others, policy);
    const runFloor = () => page.evaluate((n, cfg) => window.bench.floor(n, cfg), c.others, floorConfig);
    const runElement = () => page.evaluate((r, n, p) => window.bench.element(r, n, p), room, c.others, policy);
    // Alternate which goes first, so that drift in the machine's load hits both alike.
    let f, e;
    if (run % 2) {
      f = await runFloor();
      e = await runElement();
    } else {
      e = await runElement();
      f = await runFloor();
    }
    await page.evaluate(() => window.bench.dropMembers());
    // The first run warms the camera, the codecs and the server; it is not counted.
    if (run === 0) continue;
    floor.push(f);
    element.push(e);
  }
  const phase = (runs, key) => {
    const xs = runs.map((r) => r[key]).filter((x) => typeof x === 'number');
    return xs.length ? Math.round(median(xs)) : undefined;
  };
  const keys = ['media', 'open', 'welcome', 'offer', 'answer', 'connected', 'frame'];
  const row = {
    case: c.name,
    runs: RUNS,
    floor: Object.fromEntries(keys.map((k) => [k, phase(floor, k)])),
    element: Object.fromEntries(keys.map((k) => [k, phase(element, k)])),
    elementFrames: element.map((r) => Math.round(r.frame)),
    floorFrames: floor.map((r) => Math.round(r.frame)),
  };
  row.ratio = row.element.frame / row.floor.frame;
  results.push(row);
  if (!flags.json) console.error(`${c.name}: element ${row.element.frame} ms, floor ${row.floor.frame} ms`);
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${await browser.version()}`;
await browser.close();
await server.close();
await coturn.stop();
if (flags.json) {
  console.log(JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2));
} else {
  const ms = (x) => (x === undefined ? '–' : String(x));
  console.log(
    `Call setup, ${new Date().toISOString().slice(0, 10)}, ${machine}, median of ${RUNS} runs (ms from join())\n`,
  );
  console.log(
    '| case | run | media | socket open | WELCOME | OFFER in | ANSWER out | connected | first frame | vs floor |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const f = r.floor;
    const e = r.element;
    console.log(
      `| ${r.case} | floor | ${ms(f.media)} | – | – | ${ms(f.offer)} | ${ms(f.answer)} | ${ms(f.connected)} | ${ms(f.frame)} | 1.00× |`,
    );
    console.log(
      `| ${r.case} | element | ${ms(e.media)} | ${ms(e.open)} | ${ms(e.welcome)} | ${ms(e.offer)} | ${ms(e.answer)} | ${ms(e.connected)} | ${ms(e.frame)} | ${r.ratio.toFixed(2)}× |`,
    );
  }
}
