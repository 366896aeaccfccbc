#!/usr/bin/env node
/**
 * Call setup: time from a newcomer's `join()` to the first decoded remote
 * frame, against the floor measured in the same run and the same page: the
 * same number of `RTCPeerConnection` pairs wired directly (no server), the
 * newcomer's `getUserMedia` included in both.
 *
 * Headless Chromium with the fake camera and microphone, the built server on
 * loopback, handing out TURN credentials for a real coturn (as a deployment
 * does); the floor gets the same ICE servers. Cases: 2, 3 and 4 participants
 * (the newcomer meets 1, 2, 3 members already in a call with each other, each
 * member an element in the newcomer's page (see below), present during both
 * the element run and the floor run), 2 participants relay-only, and 2 with a
 * cold click (the newcomer in a fresh document with the HTTP cache off, so
 * `join()` fetches the call's chunk; the other cases have it, as after the
 * prefetch on hover or focus; socket phases are not recorded there), and 2
 * and 4 with a camera that takes 800 ms to start (getUserMedia wrapped in the
 * page, for the newcomer only, in the floor too; the goal there is the first
 * remote frame within 10 % of the longer of camera start and network setup), and
 * 2 with the pointer resting on Join 400 ms before join() (the element opens
 * its signaling socket on it; the floor has no socket to open). Runs
 * alternate floor / element so that noise hits both; medians are reported,
 * with the newcomer's phases (media, socket open, WELCOME, first OFFER
 * received, ANSWER sent, connected, first frame).
 *
 * Usage: npm run build && node bench/call-setup.mjs [--runs 10] [--cases 2,3,4,relay,cold,slow,slow4,hover] [--floor-half] [--trace] [--profile file.cpuprofile] [--json]
 * `--trace` prints each run's timeline (WebSocket messages, RTCPeerConnection events, renders of the element).
 * `--floor-half`: the floor's connections start their cameras at half size as the element's links do (see
 * PeerLink #scale), so that the ratio shows what the element's signaling costs, without that head start.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { createMeetingServer } from '../dist/server/app.js';
import { loadConfig } from '../dist/server/config.js';
import { turnCredentials } from '../dist/server/turn.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../scripts/chromium.mjs';
import { startCoturn } from '../scripts/coturn.mjs';
import { NO_ADDRESS_LIMITS } from './clients.mjs';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    cases: { type: 'string', default: '2,3,4,relay,cold,slow,slow4,hover' },
    trace: { type: 'boolean', default: false },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
    'floor-half': { type: 'boolean', default: false },
  },
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
    // Every run joins from 127.0.0.1.
    ...NO_ADDRESS_LIMITS,
  }),
);
const { port } = await server.listen();
/**
 * Every participant is an element in the same page, as the floor's two
 * connections are: one renderer for both runs. (Tried and dropped: members in
 * other tabs are hidden pages, whose capture and rendering Chromium slows down;
 * members in windows or browsers of their own add renderer processes that this
 * 2-core machine cannot run without starving the newcomer.)
 */
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  args: [
    ...CHROMIUM_ARGS,
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
  ],
});

/** Runs in the page: helpers on window for the two kinds of run. */
function pageHelpers() {
  // `slow` cases: the newcomer's camera takes `window.cameraDelayMs` to start, as a first getUserMedia on a real
  // device does (0.5-1.5 s); the fake camera starts in about 10 ms.
  const capture = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const delay = window.cameraDelayMs ?? 0;
    const stream = await capture(constraints);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    return stream;
  };
  const firstFrame = (video) =>
    new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));

  /** Resolves when `el` shows a decoded frame from each of `count` remote tiles; returns the last time. */
  const framesFromTiles = (el, count) =>
    new Promise((resolve) => {
      const seen = new Map();
      const check = () => {
        for (const video of el.shadowRoot.querySelectorAll('[part~="remote"] video')) {
          if (!seen.has(video)) {
            seen.set(video, firstFrame(video));
            for (const type of ['loadedmetadata', 'playing', 'resize']) {
              video.addEventListener(type, () =>
                window.benchLog?.push({ at: performance.now(), what: `video:${type}` }),
              );
            }
          }
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

  const element = (room, name, policy, doc = document) => {
    const el = doc.createElement('meeting-room');
    el.setAttribute('room', room);
    el.setAttribute('name', name);
    el.toggleAttribute('skip-prejoin', true); // join() to first frame, without the pre-join view's extra click
    if (policy) el.setAttribute('ice-transport-policy', policy);
    // An about:srcdoc document has no host of its own to derive the default from.
    el.setAttribute('signal-url', `ws://${location.host}/ws`);
    doc.body.append(el);
    return el;
  };

  /**
   * A document that has loaded only the embed file, as a page does before anyone acts: a fresh same-origin
   * iframe (its own module map, the same renderer; the page's HTTP cache is off in the cold case).
   */
  const freshDocument = async () => {
    const frame = document.createElement('iframe');
    frame.allow = 'camera; microphone; autoplay';
    frame.srcdoc = '<!doctype html><html lang="en"><body><script type="module" src="/meeting-room.js"></script>';
    document.body.append(frame);
    await until(() => frame.contentWindow?.customElements?.get('meeting-room'));
    return frame;
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

  /** With --trace: logs what each RTCPeerConnection created from now on does, with timestamps. */
  const recordPeerConnections = (log) => {
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        const at = () => performance.now();
        log.push({ at: at(), what: 'pc:new' });
        this.addEventListener('icecandidate', (e) =>
          log.push({ at: at(), what: `pc:cand:${e.candidate?.type ?? 'end'}:${e.candidate?.address ?? ''}` }),
        );
        this.addEventListener('icegatheringstatechange', () =>
          log.push({ at: at(), what: `pc:gather:${this.iceGatheringState}` }),
        );
        this.addEventListener('iceconnectionstatechange', () =>
          log.push({ at: at(), what: `pc:ice:${this.iceConnectionState}` }),
        );
        this.addEventListener('signalingstatechange', () =>
          log.push({ at: at(), what: `pc:sig:${this.signalingState}` }),
        );
        this.addEventListener('connectionstatechange', () =>
          log.push({ at: at(), what: `pc:conn:${this.connectionState}` }),
        );
      }
    };
    const proto = customElements.get('meeting-room').prototype;
    const update = proto.update;
    proto.update = function (changed) {
      const start = performance.now();
      update.call(this, changed);
      log.push({
        at: start,
        what: `render ${(performance.now() - start).toFixed(1)} ms (${[...changed.keys()].join(' ')})`,
      });
    };
    return () => {
      window.RTCPeerConnection = Native;
      proto.update = update;
    };
  };

  window.bench = {
    /** A member: one more element, joined; resolves once its links to the `others` members before it are connected. */
    async member(room, name, others, policy) {
      const el = element(room, name, policy);
      (window.benchMembers ??= []).push(el);
      await el.join();
      await until(() => el.state === 'joined');
      await until(() => connectedLinks(el) === others);
    },

    leave() {
      for (const el of window.benchMembers ?? []) el.remove();
      window.benchMembers = [];
    },

    /**
     * The newcomer as a <meeting-room>; times relative to join(). `cold`: in a document that has not fetched
     * the call's chunk (join() fetches it); otherwise the chunk is loaded already, as after a prefetch on hover.
     */
    async element(room, others, policy, cold, cameraMs = 0, hoverMs = 0) {
      window.cameraDelayMs = cameraMs;
      const sockets = recordSockets();
      const restorePc = window.benchTrace ? recordPeerConnections(sockets.log) : () => {};
      if (window.benchTrace) window.benchLog = sockets.log;
      const iframe = cold ? await freshDocument() : undefined;
      const el = element(room, 'newcomer', policy, iframe?.contentDocument);
      if (hoverMs) {
        // The pointer rests on Join before the click, as a mouse does: the element opens its socket then.
        await el.updateComplete;
        el.shadowRoot.querySelector('[part~="join-button"]').dispatchEvent(new PointerEvent('pointerenter'));
        await new Promise((resolve) => setTimeout(resolve, hoverMs));
      }
      const phases = {};
      const t0 = performance.now();
      const joining = el.join();
      if (cold) {
        await until(() => el.call);
        phases.chunk = performance.now() - t0;
      }
      el.call.on('local-media', () => (phases.media ??= performance.now() - t0));
      // Read from the RTCPeerConnection itself (the element's event waits for getStats).
      const watched = new Set();
      el.call.on('participant-updated', (p) => {
        const pc = el.call.link(p.clientId)?.connection;
        if (!pc || watched.has(pc)) return;
        watched.add(pc);
        pc.addEventListener('connectionstatechange', () => {
          if (pc.connectionState === 'connected') phases.connected = performance.now() - t0;
        });
      });
      const frame = framesFromTiles(el, others);
      await joining;
      const last = await frame;
      window.cameraDelayMs = 0;
      sockets.restore();
      restorePc();
      const first = (what) => sockets.log.find((e) => e.what === what)?.at - t0;
      Object.assign(phases, {
        open: first('open'),
        welcome: first('in:WELCOME'),
        offer: first('in:OFFER'),
        answer: first('out:ANSWER'),
        frame: last - t0,
        trace: sockets.log.map((e) => `${Math.round(e.at - t0)} ${e.what}`).join(', '),
      });
      el.remove();
      iframe?.remove();
      await new Promise((r) => setTimeout(r, 100));
      return phases;
    },

    /** The floor: the newcomer's getUserMedia, then one directly wired pair per member, in parallel. */
    async floor(others, config, cameraMs = 0, half = false) {
      const peers = [];
      // The members' camera as the element captures it (1280×720 where the camera has it): a first key frame of
      // the same size. (Until 2026-11-27 it was 640×480, which made the floor faster by a smaller frame.)
      const member = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      window.cameraDelayMs = cameraMs; // the newcomer's camera only
      const t0 = performance.now();
      const phases = {};
      const own = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      phases.media = performance.now() - t0;
      window.cameraDelayMs = 0;
      const frames = [];
      for (let i = 0; i < others; i++) {
        const a = new RTCPeerConnection(config);
        const b = new RTCPeerConnection(config);
        peers.push(a, b);
        a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
        b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
        const send = (pc, track, stream) =>
          half && track.kind === 'video'
            ? pc.addTransceiver(track, { streams: [stream], sendEncodings: [{ scaleResolutionDownBy: 2 }] })
            : pc.addTrack(track, stream);
        for (const track of member.getTracks()) send(a, track, member);
        for (const track of own.getTracks()) send(b, track, own);
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

async function openPage() {
  const [page] = await browser.pages();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`http://127.0.0.1:${port}/healthz`);
  await page.setContent('<!doctype html><html lang="en"><body></body></html>');
  await page.addScriptTag({ url: '/meeting-room.js', type: 'module' });
  await page.waitForFunction(() => customElements.get('meeting-room'));
  await page.evaluate(pageHelpers);
  return page;
}
const page = await openPage();
if (flags.trace) await page.evaluate(() => (window.benchTrace = true));

const cases = [
  { key: '2', name: '2 participants', others: 1 },
  { key: '3', name: '3 participants', others: 2 },
  { key: '4', name: '4 participants', others: 3 },
  { key: 'relay', name: '2 participants, relay only (coturn)', others: 1, relay: true },
  { key: 'cold', name: '2 participants, cold click (the call chunk fetched by join())', others: 1, cold: true },
  { key: 'slow', name: '2 participants, camera starting in 800 ms', others: 1, cameraMs: 800 },
  { key: 'slow4', name: '4 participants, camera starting in 800 ms', others: 3, cameraMs: 800 },
  { key: 'hover', name: '2 participants, the pointer on Join 400 ms before join()', others: 1, hoverMs: 400 },
].filter((c) => flags.cases.split(',').includes(c.key));
const results = [];
for (const c of cases) {
  const policy = c.relay ? 'relay' : undefined;
  // The same ICE servers the signaling server hands the element (STUN is not configured there either).
  const floorConfig = {
    iceServers: [turnCredentials(turn, 'floor')],
    ...(c.relay ? { iceTransportPolicy: 'relay' } : {}),
  };
  const element = [];
  const floor = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const room = `bench-${c.others}-${c.relay ? 'r' : 'd'}-${run}-${Date.now()}`;
    // Members join one after another; each waits until it sees the ones before it.
    for (let i = 0; i < c.others; i++) {
      await page.evaluate((r, name, n, p) => window.bench.member(r, name, n, p), room, `member-${i}`, i, policy);
    }
    const runFloor = () =>
      page.evaluate(
        (n, cfg, ms, half) => window.bench.floor(n, cfg, ms, half),
        c.others,
        floorConfig,
        c.cameraMs ?? 0,
        flags['floor-half'],
      );
    const runElement = async () => {
      // --profile: a V8 CPU profile of the newcomer's page during the last element run.
      const cdp = flags.profile && run === RUNS ? await page.createCDPSession() : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      // Cold: nothing cached, so join() fetches the chunk over HTTP as on a first visit.
      if (c.cold) await page.setCacheEnabled(false);
      const phases = await page.evaluate(
        (r, n, p, cold, ms, hover) => window.bench.element(r, n, p, cold, ms, hover),
        room,
        c.others,
        policy,
        Boolean(c.cold),
        c.cameraMs ?? 0,
        c.hoverMs ?? 0,
      );
      if (c.cold) await page.setCacheEnabled(true);
      if (cdp) {
        const { profile } = await cdp.send('Profiler.stop');
        writeFileSync(flags.profile, JSON.stringify(profile));
      }
      return phases;
    };
    // Alternate which goes first, so that drift in the machine's load hits both alike.
    let f, e;
    if (run % 2) {
      f = await runFloor();
      e = await runElement();
    } else {
      e = await runElement();
      f = await runFloor();
    }
    await page.evaluate(() => window.bench.leave());
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (flags.trace) console.error(`floor ${JSON.stringify(f)}\nelement ${JSON.stringify(e)}`);
    // The first run warms the camera, the codecs and the server; it is not counted.
    if (run === 0) continue;
    floor.push(f);
    element.push(e);
  }
  const phase = (runs, key) => {
    const xs = runs.map((r) => r[key]).filter((x) => typeof x === 'number');
    return xs.length ? Math.round(median(xs)) : undefined;
  };
  const keys = ['chunk', 'media', 'open', 'welcome', 'offer', 'answer', 'connected', 'frame'];
  const row = {
    case: c.name,
    runs: RUNS,
    floor: Object.fromEntries(keys.map((k) => [k, phase(floor, k)])),
    element: Object.fromEntries(keys.map((k) => [k, phase(element, k)])),
    elementFrames: element.map((r) => Math.round(r.frame)),
    floorFrames: floor.map((r) => Math.round(r.frame)),
  };
  row.ratio = row.element.frame / row.floor.frame;
  if (c.cameraMs) {
    // The floor waits for its camera, then connects: its network setup is what follows the camera. The goal:
    // the first remote frame no later than the longer of the two (they can run side by side), plus 10 %.
    row.network = Math.round(median(floor.map((r) => r.frame - r.media)));
    row.goal = Math.round(1.1 * Math.max(c.cameraMs, row.network));
  }
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
    '| case | run | chunk | media | socket open | WELCOME | OFFER in | ANSWER out | connected | first frame | vs floor |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const f = r.floor;
    const e = r.element;
    console.log(
      `| ${r.case} | floor${flags['floor-half'] ? ' (half-size start)' : ''} | – | ${ms(f.media)} | – | – | ${ms(f.offer)} | ${ms(f.answer)} | ${ms(f.connected)} | ${ms(f.frame)} | 1.00× |`,
    );
    console.log(
      `| ${r.case} | element | ${ms(e.chunk)} | ${ms(e.media)} | ${ms(e.open)} | ${ms(e.welcome)} | ${ms(e.offer)} | ${ms(e.answer)} | ${ms(e.connected)} | ${ms(e.frame)} | ${r.ratio.toFixed(2)}× |`,
    );
  }
  for (const r of results.filter((x) => x.goal)) {
    console.log(
      `\n${r.case}: network setup after the camera ${r.network} ms; goal max(camera, network) + 10 % = ${r.goal} ms; element ${r.element.frame} ms (${r.element.frame <= r.goal ? 'met' : 'missed'})`,
    );
  }
}
