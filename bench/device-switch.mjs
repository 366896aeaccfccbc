#!/usr/bin/env node
/**
 * Device switch: what a person notices when they change camera mid-call.
 * For each run, Ada switches between two fake cameras; measured:
 * - switch: `setDevice()` called → resolved (the new camera captured and sent
 *   on every link, the old one stopped);
 * - freeze: the longest time Bob's decoder went without a new frame of Ada
 *   during the switch (getStats every 20 ms).
 * Floor, in the same page and run: two RTCPeerConnections wired directly,
 * `getUserMedia` of the other camera then `replaceTrack`, the same freeze
 * measure. Runs alternate floor / element; medians are reported.
 *
 * Headless Chromium, three fake cameras (the first and the third: the second
 * delivers Y16, which the encoder cannot send), the built server on loopback.
 * Usage: npm run build && node bench/device-switch.mjs [--runs 10]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { createMeetingServer } from '../dist/server/app.js';
import { loadConfig } from '../dist/server/config.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../scripts/chromium.mjs';

const { values: flags } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const RUNS = Number(flags.runs);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const server = createMeetingServer(
  loadConfig({ PORT: '0', LOG_LEVEL: 'warn', STATIC_DIR: new URL('../dist/public', import.meta.url).pathname }),
);
const { port } = await server.listen();
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  args: [...CHROMIUM_ARGS, '--allow-loopback-in-peer-connection'],
});

try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/cms.html`);
  await page.evaluate(async () => {
    document.querySelector('meeting-room')?.remove();
    const until = async (check) => {
      while (!(await check())) await new Promise((r) => setTimeout(r, 20));
    };
    const framesOf = async (pc) => {
      let frames = 0;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded;
      });
      return frames;
    };
    /** Runs `switching` while sampling `pc`'s decoded frames; the longest time without a new one. */
    const freezeDuring = async (pc, switching) => {
      let last = await framesOf(pc);
      let lastAt = performance.now();
      let longest = 0;
      let running = true;
      const sampling = (async () => {
        while (running) {
          await new Promise((r) => setTimeout(r, 20));
          const now = await framesOf(pc);
          if (now > last) {
            longest = Math.max(longest, performance.now() - lastAt);
            last = now;
            lastAt = performance.now();
          }
        }
      })();
      const t0 = performance.now();
      await switching();
      const switchMs = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 1000));
      running = false;
      await sampling;
      return { switchMs, freezeMs: Math.max(longest, performance.now() - lastAt) };
    };
    const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    const usable = [cameras[0].deviceId, cameras[2].deviceId];

    // The element: Ada and Bob in one room.
    const member = (name) => {
      const el = document.createElement('meeting-room');
      el.setAttribute('room', 'switch-bench');
      el.setAttribute('name', name);
      el.setAttribute('skip-prejoin', '');
      el.setAttribute('no-remember', '');
      document.body.append(el);
      return el;
    };
    const ada = member('Ada');
    await ada.join();
    const bob = member('Bob');
    await bob.join();
    await until(() => bob.call?.link(ada.clientId)?.connection.connectionState === 'connected');
    await until(async () => (await framesOf(bob.call.link(ada.clientId).connection)) > 30);

    // The floor: two bare connections, the first camera sent.
    const first = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, deviceId: { exact: usable[0] } },
    });
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const sender = a.addTransceiver(first.getVideoTracks()[0], { direction: 'sendonly' }).sender;
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
    await until(async () => (await framesOf(b)) > 30);

    let turn = 1;
    window.benchRun = async () => {
      const target = usable[turn++ % 2];
      const floor = await freezeDuring(b, async () => {
        const old = sender.track;
        const stream = await navigator.mediaDevices.getUserMedia({
          video: { width: { ideal: 1280 }, height: { ideal: 720 }, deviceId: { exact: target } },
        });
        await sender.replaceTrack(stream.getVideoTracks()[0]);
        old.stop();
      });
      const element = await freezeDuring(bob.call.link(ada.clientId).connection, () =>
        ada.setDevice('videoinput', target),
      );
      return { floor, element };
    };
  });

  const results = [];
  for (let i = 0; i < RUNS; i++) results.push(await page.evaluate(() => window.benchRun()));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${await browser.version()}`;
  const m = (side, key) => median(results.map((r) => r[side][key]));
  console.log(`Device switch, ${new Date().toISOString().slice(0, 10)}, ${machine}, median of ${RUNS} runs\n`);
  console.log('| | element | floor (bare replaceTrack) | ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const [key, label] of [
    ['switchMs', 'switch: call → new camera sent, old stopped (ms)'],
    ['freezeMs', "longest gap between Bob's decoded frames (ms)"],
  ]) {
    const e = m('element', key);
    const f = m('floor', key);
    console.log(`| ${label} | ${e.toFixed(0)} | ${f.toFixed(0)} | ${(e / f).toFixed(2)}× |`);
  }
} finally {
  await browser.close();
  await server.close();
}
