#!/usr/bin/env node
/**
 * Upstream bytes per participant, mesh against SFU, at 3, 5 and 8 people
 * (issue 20): real Chromium pages with the element, the built server, and a
 * real Janus, inside a private network namespace (Janus never gathers on
 * loopback: ../shared/SFU.md). Each case joins N pages to a fresh room
 * (MEDIA_MODE=mesh or sfu), waits until every page shows every other's video,
 * waits 15 s more (bandwidth estimation ramps up from 300 kbit/s), then
 * reads every RTCPeerConnection of every page twice, 5 s apart: the
 * bytes its outbound RTP streams sent. Prints the median per participant in
 * kbit/s and the frames per second its remote tiles showed (the machine's
 * CPU shapes both: a mesh of 8 encodes seven times per page).
 *
 * Needs root (unshare), janus, chromium: `npm run bench:sfu`. Bounded: at
 * most 60 s of joining and 20 s of measuring a case.
 */
import { cpus } from 'node:os';
import puppeteer from 'puppeteer-core';
import { inJanusNamespace, joinWithElement } from '../scripts/janus-namespace.mjs';

inJanusNamespace(import.meta.url);

const { startBenchServer } = await import('./sfu-server.mjs');
const { startJanus } = await import('../scripts/janus.mjs');
const { CHROMIUM, CALL_ARGS } = await import('../scripts/chromium.mjs');

/** How long a case runs before it measures, and how long it measures. */
const WARMUP_MS = 15_000;
const MEASURE_MS = 5000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(check, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(200);
  }
}

const janus = await startJanus({ iceInterface: 'j0' });
const results = [];
try {
  for (const people of [3, 5, 8]) {
    for (const mode of ['mesh', 'sfu']) {
      const { server, url, wsUrl } = await startBenchServer({
        janus: mode === 'sfu' ? janus : undefined,
        maxParticipants: 50,
      });
      const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: CALL_ARGS });
      const room = `${mode}-${people}-${Date.now()}`;
      try {
        const pages = [];
        for (let i = 0; i < people; i++) {
          const page = await browser.newPage({ type: 'window' });
          // Every RTCPeerConnection the page makes, for its outbound bytes.
          await page.evaluateOnNewDocument(`
            globalThis.pcs = [];
            const Native = RTCPeerConnection;
            globalThis.RTCPeerConnection = class extends Native {
              constructor(...args) { super(...args); globalThis.pcs.push(this); }
            };`);
          await joinWithElement(page, url, wsUrl, room, `p${i}`);
          pages.push(page);
        }
        const frames = (page) =>
          page.evaluate(() =>
            [...document.querySelector('meeting-room').shadowRoot.querySelectorAll('video[data-remote]')].map(
              (v) => v.getVideoPlaybackQuality().totalVideoFrames,
            ),
          );
        try {
          await until(
            async () =>
              (await Promise.all(pages.map(frames))).every((f) => f.length === people - 1 && f.every((n) => n > 10)),
            `${people} in a ${mode}: every tile playing`,
          );
        } catch {
          // This machine could not carry it: recorded as such, the other cases still run.
          const row = { people, mode, upKbps: 'not every tile played within 60 s', tileFps: '-' };
          results.push(row);
          console.log(JSON.stringify(row));
          continue;
        }
        await sleep(WARMUP_MS); // past the start: bandwidth estimation ramps up from 300 kbit/s
        const sent = (page) =>
          page.evaluate(async () => {
            let bytes = 0;
            for (const pc of globalThis.pcs) {
              if (pc.connectionState === 'closed') continue;
              (await pc.getStats()).forEach((r) => {
                if (r.type === 'outbound-rtp') bytes += r.bytesSent ?? 0;
              });
            }
            return bytes;
          });
        const before = await Promise.all(pages.map(sent));
        const framesBefore = await Promise.all(pages.map(frames));
        const started = performance.now();
        await sleep(MEASURE_MS);
        const after = await Promise.all(pages.map(sent));
        const framesAfter = await Promise.all(pages.map(frames));
        const seconds = (performance.now() - started) / 1000;
        const kbps = after.map((b, i) => ((b - before[i]) * 8) / 1000 / seconds);
        const fps = framesAfter.flatMap((f, i) => f.map((n, j) => (n - (framesBefore[i][j] ?? 0)) / seconds));
        const row = { people, mode, upKbps: Math.round(median(kbps)), tileFps: Math.round(median(fps) * 10) / 10 };
        results.push(row);
        console.log(JSON.stringify(row));
      } finally {
        await browser.close();
        await server.close();
      }
    }
  }
} finally {
  await janus.stop();
}
console.log(
  `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`,
);
console.log('| people | mesh up (kbit/s) | SFU up (kbit/s) | mesh tile fps | SFU tile fps |');
console.log('| --- | --- | --- | --- | --- |');
for (const people of [3, 5, 8]) {
  const [mesh, sfu] = ['mesh', 'sfu'].map((mode) => results.find((r) => r.people === people && r.mode === mode));
  console.log(`| ${people} | ${mesh?.upKbps} | ${sfu?.upKbps} | ${mesh?.tileFps} | ${sfu?.tileFps} |`);
}
