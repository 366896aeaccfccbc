#!/usr/bin/env node
/**
 * How many participants one Janus instance carries on this machine (issue
 * 20): two real Chromium pages with the element in one room on the SFU, and
 * lightweight synthetic participants (bench/synthetic-peer.mjs: werift, a
 * replayed 320×180 VP8 clip, no decoding) added STEP at a time. After each
 * step it waits for the subscriptions to settle, then measures for 5 s: the
 * frames per second each real page shows of the other real participant, what
 * each synthetic subscriber receives (of what the others publish), and the
 * CPU Janus and the whole machine use. It stops at the first step where a
 * real page's tile of the other falls under 15 fps, where a synthetic
 * subscriber gets less than 80 % of a stream (their one Node process is
 * saturated: the bench no longer measures Janus), or at MAX participants, and
 * prints a table for docs/PERFORMANCE.md.
 *
 * Needs root (unshare), janus, chromium: `npm run bench:sfu-load` (from
 * START=2 participants, STEP=4 at a time, to MAX=40 at most). Bounded: at most 20 s of settling and 5 s of measuring a
 * step.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import puppeteer from 'puppeteer-core';
import { inJanusNamespace, joinWithElement } from '../scripts/janus-namespace.mjs';

inJanusNamespace(import.meta.url);

const { startBenchServer } = await import('./sfu-server.mjs');
const { startJanus } = await import('../scripts/janus.mjs');
const { CHROMIUM, CALL_ARGS } = await import('../scripts/chromium.mjs');
const { recordClip, syntheticPeer } = await import('./synthetic-peer.mjs');

const START = Number(process.env.START ?? 2);
const STEP = Number(process.env.STEP ?? 4);
const MAX = Number(process.env.MAX ?? 40);
const FLOOR_FPS = 15;
const SETTLE_MS = 20_000;
const MEASURE_MS = 5000;
const CLIP_FPS = 15;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : 0);
const ticks = () => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return {
    busy: fields.reduce((a, b) => a + b, 0) - fields[3] - (fields[4] ?? 0),
    all: fields.reduce((a, b) => a + b, 0),
  };
};
/** CPU time of a process (user + system), in clock ticks. */
const processTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const HZ = 100;

const janus = await startJanus({ iceInterface: 'j0' });
const { server, url, wsUrl } = await startBenchServer({ janus, maxParticipants: 200 });
const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: CALL_ARGS });
const room = `load-${Date.now()}`;
const synthetic = [];
const rows = [];
try {
  const recorder = await browser.newPage();
  await recorder.goto(`${url}/cms.html`);
  const frames = await recordClip(recorder, { fps: CLIP_FPS });
  await recorder.close();
  const clipKbps = Math.round((frames.reduce((n, f) => n + f.data.length, 0) * 8 * CLIP_FPS) / frames.length / 1000);
  console.log(`clip: ${frames.length} frames, ${clipKbps} kbit/s`);

  const pages = [];
  for (const name of ['Real A', 'Real B']) {
    const page = await browser.newPage({ type: 'window' });
    await joinWithElement(page, url, wsUrl, room, name);
    pages.push(page);
  }
  /** Frames each page presented of the other real participant's tile, and of all its remote tiles. */
  const frameCounts = (page) =>
    page.evaluate(() => {
      const tiles = [
        ...document.querySelector('meeting-room').shadowRoot.querySelectorAll('[part~="tile"][data-client-id]'),
      ];
      const count = (t) => t.querySelector('video[data-remote]')?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
      const real = tiles.find((t) => (t.getAttribute('aria-label') ?? '').includes('Real'));
      return { real: real ? count(real) : 0, all: tiles.map(count), tiles: tiles.length };
    });

  for (let people = Math.max(2, START); people <= MAX; people += STEP) {
    console.error(`${people} participants: adding ${people - 2 - synthetic.length} synthetic`);
    try {
      while (synthetic.length < people - 2) {
        synthetic.push(
          await syntheticPeer({ wsUrl, room, name: `Synthetic ${synthetic.length + 1}`, frames, fps: CLIP_FPS }),
        );
      }
    } catch (error) {
      // A participant that cannot even connect: the machine (or Janus) is past what it carries.
      rows.push({ people, stopped: String(error) });
      console.log(JSON.stringify(rows.at(-1)));
      break;
    }
    // Settled: every page has a tile per other member, every synthetic subscriber receives every other publisher.
    const deadline = Date.now() + SETTLE_MS;
    while (Date.now() < deadline) {
      const views = await Promise.all(pages.map(frameCounts));
      const subs = synthetic.map((s) => Object.keys(s.received()).length);
      if (views.every((v) => v.tiles === people - 1) && subs.every((n) => n >= people - 1)) break;
      if (Date.now() + 500 >= deadline) {
        console.error(`not settled in ${SETTLE_MS} ms: tiles ${views.map((v) => v.tiles)}, subscriptions ${subs}`);
      }
      await sleep(500);
    }
    await sleep(3000);
    const before = {
      pages: await Promise.all(pages.map(frameCounts)),
      synthetic: synthetic.map((s) => s.received()),
      janus: processTicks(janus.pid),
      machine: ticks(),
      at: performance.now(),
    };
    await sleep(MEASURE_MS);
    const after = {
      pages: await Promise.all(pages.map(frameCounts)),
      synthetic: synthetic.map((s) => s.received()),
      janus: processTicks(janus.pid),
      machine: ticks(),
      at: performance.now(),
    };
    const seconds = (after.at - before.at) / 1000;
    const realFps = after.pages.map((p, i) => (p.real - before.pages[i].real) / seconds);
    const allFps = after.pages.flatMap((p, i) => p.all.map((n, j) => (n - (before.pages[i].all[j] ?? 0)) / seconds));
    // What each synthetic subscriber received from each synthetic publisher, as a share of what the clip carries.
    const ids = new Set(synthetic.map((p) => p.clientId));
    const shares = after.synthetic.flatMap((got, i) =>
      Object.entries(got)
        .filter(([from]) => ids.has(from))
        .map(([from, bytes]) => ((bytes - (before.synthetic[i][from] ?? 0)) * 8) / 1000 / seconds / clipKbps),
    );
    const row = {
      people,
      realTileFps: realFps.map((f) => Math.round(f * 10) / 10),
      medianTileFps: Math.round(median(allFps) * 10) / 10,
      // What a synthetic subscriber gets of what the others publish (each sends the clip at clipKbps).
      syntheticReceivedShare: shares.length ? Math.round(median(shares) * 100) / 100 : '-',
      syntheticReceivedMin: shares.length ? Math.round(Math.min(...shares) * 100) / 100 : '-',
      janusCpu: Math.round(((after.janus - before.janus) / HZ / seconds) * 100) / 100,
      machineBusy:
        Math.round(((after.machine.busy - before.machine.busy) / (after.machine.all - before.machine.all)) * 100) / 100,
      errors: synthetic.flatMap((s) => s.errors).length,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
    if (realFps.some((f) => f < FLOOR_FPS)) break;
    // The synthetic peers' own process cannot keep up any more: past here the bench measures this machine, not Janus.
    if (typeof row.syntheticReceivedMin === 'number' && row.syntheticReceivedMin < 0.8) break;
  }
} finally {
  await Promise.allSettled(synthetic.map((s) => s.close()));
  await browser.close();
  await server.close();
  await janus.stop();
}
console.log(
  `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`,
);
console.log(
  '| people | real tiles fps (A sees B, B sees A) | median fps of all tiles | synthetic streams received (median, min share of sent) | Janus CPU (cores) | machine busy |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  if (r.stopped) {
    console.log(`| ${r.people} | ${r.stopped} | | | | |`);
    continue;
  }
  console.log(
    `| ${r.people} | ${r.realTileFps.join(', ')} | ${r.medianTileFps} | ${r.syntheticReceivedShare}, ${r.syntheticReceivedMin} | ${r.janusCpu} | ${r.machineBusy} |`,
  );
}
