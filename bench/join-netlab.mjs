#!/usr/bin/env node
/**
 * Joining on a real network (issue 22): the newcomer on a host whose router
 * adds 20 ms each way (40 ms of round trip to everything: the signaling
 * server, coturn and the members, through the lab's NFQUEUE helper), the
 * members on another host, and a camera that takes 800 ms to start
 * (getUserMedia wrapped in the newcomer's page, said here as in the loopback
 * bench). From `join()`: the newcomer's own preview and the first frame of
 * every member.
 *
 * Floor, in the same lab and the same run: the same browsers with bare
 * RTCPeerConnections and a raw WebSocket through the same signaling server
 * (JOIN, then each member offers; the newcomer answers and adds its camera
 * when it arrives), the same camera and the same STUN and TURN servers. Goal: the first remote frame no later
 * than max(camera start, the floor's network setup) + 10 %.
 *
 * Needs root (network namespaces), like `npm run netlab`.
 * Usage: npm run build && node bench/join-netlab.mjs [--runs 5] [--members 1,3] [--hover 400]
 * `--hover N`: the pointer rests on the newcomer's Join button N ms before join() (the element opens its
 * signaling socket on it; the floor's raw socket still opens at its join).
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { turnCredentials } from '../dist/server/turn.js';
import { startCoturn } from '../scripts/coturn.mjs';
import {
  buildHelper,
  buildPublic,
  buildSide,
  cleanUpOnExit,
  launchIn,
  PORT,
  PUB,
  PUB_IP,
  removeSide,
  startSignaling,
  TURN_PORT,
} from '../scripts/netlab.mjs';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    members: { type: 'string', default: '1,3' },
    hover: { type: 'string', default: '0' },
  },
});
const HOVER_MS = Number(flags.hover);
const RUNS = Number(flags.runs);
const CAMERA_MS = 800;
const ONE_WAY_MS = 20;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Page helpers, in both browsers. */
function pageHelpers(cameraMs) {
  const capture = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await capture(constraints);
    if (window.slowCamera) await new Promise((resolve) => setTimeout(resolve, cameraMs));
    return stream;
  };
  const firstFrame = (video) =>
    new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));
  const until = (predicate) =>
    new Promise((resolve) => {
      const tick = () => (predicate() ? resolve() : setTimeout(tick, 10));
      tick();
    });
  const signalUrl = `ws://${location.host}/ws`;
  const members = [];
  /** A raw socket joining `room` as `id`; each peer's messages go to `handle` in arrival order (a candidate never
   * before the description it belongs to). Resolves the socket once JOIN is sent. */
  const rawSocket = async (room, id, handle) => {
    const ws = new WebSocket(signalUrl);
    await new Promise((resolve) => (ws.onopen = resolve));
    const chains = new Map();
    ws.onmessage = (event) => {
      const m = JSON.parse(event.data);
      const from = m.from ?? '';
      chains.set(
        from,
        (chains.get(from) ?? Promise.resolve()).then(() => handle(m, ws)),
      );
    };
    ws.send(JSON.stringify({ type: 'JOIN', room, clientId: id, audioEnabled: true, videoEnabled: true }));
    return ws;
  };
  /** A bare connection to `peer` that trickles its candidates over `ws`. */
  const bareConnection = (ws, peer, iceServers) => {
    const pc = new RTCPeerConnection({ iceServers });
    pc.onicecandidate = (e) =>
      e.candidate && ws.send(JSON.stringify({ type: 'CANDIDATE', to: peer, candidate: e.candidate }));
    return pc;
  };
  /** Sends our local description to `to`. */
  const sendDescription = (ws, pc, type, to) =>
    ws.send(JSON.stringify({ type, to, sdp: pc.localDescription.sdp, audioEnabled: true, videoEnabled: true }));

  /**
   * When each socket made from now on opened, and its first WELCOME, OFFER in and ANSWER out (ms from `clock.t0`
   * as it is when they happen: before the click it is the click's planned time, so a socket opened ahead of the
   * join has a negative time).
   */
  const recordSockets = (clock, phases) => {
    const Native = window.WebSocket;
    const at = (key) => (phases[key] ??= Math.round(performance.now() - clock.t0));
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('open', () => at('open'));
        this.addEventListener('message', (event) => {
          const type = JSON.parse(event.data).type;
          if (type === 'WELCOME' || type === 'OFFER') at(type.toLowerCase());
        });
      }
      send(data) {
        if (JSON.parse(data).type === 'ANSWER') at('answer');
        super.send(data);
      }
    };
    return () => (window.WebSocket = Native);
  };

  window.bench = {
    /** A member element, joined and connected to the `others` members before it. */
    async member(room, name, others) {
      const el = document.createElement('meeting-room');
      Object.entries({ room, name, 'signal-url': signalUrl, 'skip-prejoin': '' }).forEach(([k, v]) =>
        el.setAttribute(k, v),
      );
      document.body.append(el);
      members.push(el);
      await el.join();
      await until(() => el.call?.participants.filter((p) => p.connectionState === 'connected').length === others);
    },

    /**
     * The newcomer element: own preview and the first frame of `count` members, in ms from join(). With
     * `hoverMs`, the pointer rests on Join that long before the click (as a mouse does; the element opens the
     * signaling socket then).
     */
    async element(room, count, hoverMs = 0) {
      window.slowCamera = true;
      const el = document.createElement('meeting-room');
      Object.entries({ room, name: 'newcomer', 'signal-url': signalUrl, 'skip-prejoin': '' }).forEach(([k, v]) =>
        el.setAttribute(k, v),
      );
      document.body.append(el);
      const result = {};
      const clock = { t0: performance.now() + hoverMs };
      const restore = recordSockets(clock, result);
      if (hoverMs) {
        await el.updateComplete;
        el.shadowRoot.querySelector('[part~="join-button"]').dispatchEvent(new PointerEvent('pointerenter'));
        await new Promise((resolve) => setTimeout(resolve, hoverMs));
      }
      const t0 = (clock.t0 = performance.now());
      const joining = el.join();
      await until(() => el.call);
      el.call.on('local-media', (m) => {
        if (m.stream?.getVideoTracks().length) result.preview ??= performance.now() - t0;
      });
      const seen = new Map();
      await new Promise((resolve) => {
        const check = () => {
          for (const video of el.shadowRoot.querySelectorAll('[part~="remote"] video')) {
            if (!seen.has(video)) seen.set(video, firstFrame(video));
          }
          if (seen.size >= count) {
            observer.disconnect();
            resolve();
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(el.shadowRoot, { subtree: true, childList: true });
        check();
      });
      result.frame = Math.max(...(await Promise.all(seen.values()))) - t0;
      await joining;
      await until(() => result.preview !== undefined);
      window.slowCamera = false;
      restore();
      el.remove();
      return result;
    },

    /** Floor, member side: a raw socket in `room`; offers its camera to whoever joins after it. */
    async floorMember(room, id, iceServers) {
      // As the element captures: 1280×720 where the camera has it.
      const media = await capture({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
      const pcs = new Map();
      const ws = await rawSocket(room, id, async (m, ws) => {
        if (m.type === 'JOIN') {
          const pc = bareConnection(ws, m.from, iceServers);
          pcs.set(m.from, pc);
          for (const track of media.getTracks()) pc.addTrack(track, media);
          await pc.setLocalDescription();
          sendDescription(ws, pc, 'OFFER', m.from);
        } else if (m.type === 'ANSWER') await pcs.get(m.from)?.setRemoteDescription({ type: 'answer', sdp: m.sdp });
        else if (m.type === 'CANDIDATE' && m.candidate) await pcs.get(m.from)?.addIceCandidate(m.candidate);
      });
      window.floorMembers = [...(window.floorMembers ?? []), { ws, pcs, media }];
    },

    /**
     * Floor, newcomer side: its camera starts while a raw socket joins; each member's offer is answered at
     * once and the camera is added by replaceTrack when it arrives. `frame`: the first frame of every member;
     * `camera`: when the camera delivered.
     */
    async floorNewcomer(room, id, count, iceServers) {
      window.slowCamera = true;
      const t0 = performance.now();
      const result = {};
      const restore = recordSockets({ t0 }, result);
      const camera = navigator.mediaDevices.getUserMedia({ audio: true, video: true }).then((stream) => {
        result.camera = performance.now() - t0;
        return stream;
      });
      const frames = [];
      const pcs = [];
      const ws = await rawSocket(room, id, async (m, ws) => {
        if (m.type === 'OFFER') {
          const pc = bareConnection(ws, m.from, iceServers);
          pc.byPeer = m.from;
          pcs.push(pc);
          const video = document.createElement('video');
          video.muted = video.autoplay = video.playsInline = true;
          document.body.append(video);
          pc.ontrack = (e) => (video.srcObject = e.streams[0]);
          frames.push(
            (async () => {
              await until(() => video.srcObject);
              const at = await firstFrame(video);
              video.remove();
              return at;
            })(),
          );
          await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
          for (const t of pc.getTransceivers()) t.direction = 'sendrecv';
          await pc.setLocalDescription();
          sendDescription(ws, pc, 'ANSWER', m.from);
          void camera.then((stream) => {
            const [audio, video] = pc.getTransceivers();
            void audio.sender.replaceTrack(stream.getAudioTracks()[0]);
            void video.sender.replaceTrack(stream.getVideoTracks()[0]);
          });
        } else if (m.type === 'CANDIDATE' && m.candidate) {
          await pcs.find((pc) => pc.byPeer === m.from)?.addIceCandidate(m.candidate);
        }
      });
      await until(() => frames.length === count);
      result.frame = Math.max(...(await Promise.all(frames))) - t0;
      await camera;
      window.slowCamera = false;
      restore();
      ws.close();
      for (const pc of pcs) pc.close();
      return result;
    },

    leave() {
      for (const el of members.splice(0)) el.remove();
      for (const { ws, pcs, media } of window.floorMembers ?? []) {
        ws.close();
        for (const pc of pcs.values()) pc.close();
        for (const t of media.getTracks()) t.stop();
      }
      window.floorMembers = [];
    },
  };
}

async function openPage(browser) {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`http://${PUB_IP}:${PORT}/healthz`, { timeout: 15_000 });
  await page.setContent('<!doctype html><html lang="en"><body></body></html>');
  await page.addScriptTag({ url: '/meeting-room.js', type: 'module' });
  await page.waitForFunction(() => customElements.get('meeting-room'));
  await page.evaluate(pageHelpers, CAMERA_MS);
  return page;
}

if (process.getuid?.() !== 0) throw new Error('the network lab needs root (network namespaces, iptables)');
cleanUpOnExit();
buildHelper();
buildPublic();
const coturn = await startCoturn({ ip: PUB_IP, port: TURN_PORT, netns: PUB });
const signaling = await startSignaling(coturn);
const newcomerSide = buildSide(0, { nat: 'none', impair: { delayMs: ONE_WAY_MS, lossPercent: 0 } });
const memberSide = buildSide(1, { nat: 'none' });
// The floor gets the ICE servers the signaling server hands the element: the same STUN and TURN, the same gathering.
const iceServers = (id) => [
  { urls: coturn.stunUrl },
  turnCredentials({ secret: coturn.secret, urls: [coturn.turnUrl, coturn.turnTcpUrl], ttlSeconds: 600 }, id),
];
const browsers = [await launchIn(newcomerSide.host), await launchIn(memberSide.host)];
const [newcomerPage, memberPage] = [await openPage(browsers[0]), await openPage(browsers[1])];
const rows = [];
try {
  for (const count of flags.members.split(',').map(Number)) {
    const element = [];
    const floor = [];
    for (let run = 0; run <= RUNS; run++) {
      const room = `jn-${count}-${run}-${Date.now()}`;
      for (let i = 0; i < count; i++) {
        await memberPage.evaluate((r, n, o) => window.bench.member(r, n, o), room, `member-${i}`, i);
      }
      const e = await newcomerPage.evaluate((r, c, h) => window.bench.element(r, c, h), room, count, HOVER_MS);
      await memberPage.evaluate(() => window.bench.leave());
      const floorRoom = `${room}-floor`;
      for (let i = 0; i < count; i++) {
        const id = `floor-member-${i}-${run}-${count}`;
        await memberPage.evaluate((r, m, ice) => window.bench.floorMember(r, m, ice), floorRoom, id, iceServers(id));
      }
      const newcomerId = `floor-newcomer-${run}-${count}`;
      const f = await newcomerPage.evaluate(
        (r, id, c, ice) => window.bench.floorNewcomer(r, id, c, ice),
        floorRoom,
        newcomerId,
        count,
        iceServers(newcomerId),
      );
      await memberPage.evaluate(() => window.bench.leave());
      await new Promise((r) => setTimeout(r, 300));
      console.error(`${count + 1} participants, run ${run}: element ${JSON.stringify(e)}, floor ${JSON.stringify(f)}`);
      if (run === 0) continue; // warm-up
      element.push(e);
      floor.push(f);
    }
    const network = Math.round(median(floor.map((f) => f.frame)));
    const camera = Math.round(median(floor.map((f) => f.camera)));
    const goal = Math.round(1.1 * Math.max(camera, network));
    const phases = (runs) =>
      ['open', 'welcome', 'offer', 'answer'].map((k) => Math.round(median(runs.map((r) => r[k])))).join(' / ');
    rows.push({
      participants: count + 1,
      floorPhases: phases(floor),
      elementPhases: phases(element),
      floorFrame: network,
      camera,
      goal,
      preview: Math.round(median(element.map((e) => e.preview))),
      frame: Math.round(median(element.map((e) => e.frame))),
    });
  }
} finally {
  await Promise.all(browsers.map((b) => b.close().catch(() => {})));
  removeSide(newcomerSide);
  removeSide(memberSide);
  signaling.kill('SIGTERM');
  await coturn.stop();
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
console.log(
  `Joining over ${2 * ONE_WAY_MS} ms RTT with a ${CAMERA_MS} ms camera${HOVER_MS ? `, the pointer on Join ${HOVER_MS} ms before the click` : ''}, ${new Date().toISOString().slice(0, 10)}, ${machine}, median of ${RUNS} runs (ms from join())\n`,
);
console.log(
  '| participants | camera (floor) | floor: socket open / WELCOME / OFFER in / ANSWER out | floor: first remote frame | goal | element: socket open / WELCOME / OFFER in / ANSWER out | element: own preview | element: first remote frame | result |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.participants} | ${r.camera} | ${r.floorPhases} | ${r.floorFrame} | ≤ ${r.goal} | ${r.elementPhases} | ${r.preview} | ${r.frame} | ${r.frame <= r.goal ? 'met' : 'missed'} |`,
  );
}
process.exit(0);
