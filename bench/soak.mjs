#!/usr/bin/env node
/**
 * Soak: many sockets in rooms of five exchanging realistic signaling traffic
 * for a while, every message checked on arrival. Each client sends, once a
 * second on average, a CANDIDATE to a random member of its room, and every
 * tenth message a CHAT_MESSAGE to the room; each carries its sender, intended
 * receiver and a per-(sender, receiver) sequence number. Receivers count
 * lost (a gap), duplicated (a repeat) and misrouted (not for me, or from
 * another room) messages. The server runs in its own process (bench/probe.mjs
 * reports its memory); relay latency is taken on arrival.
 *
 * Used by `npm run bench:soak` (10,000 sockets, 60 s) and by
 * test/server/soak.test.ts (a smaller run that must lose nothing).
 * Usage: npm run build && node bench/soak.mjs [--sockets 10000] [--seconds 60] [--json]
 */
import { fork } from 'node:child_process';
import { assertFreshBuild } from '../scripts/fresh-build.mjs';
import { cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { healthy, NO_ADDRESS_LIMITS } from './clients.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the built server with the memory probe; `port` fixed, default limits. */
export async function startProbedServer(port, env = {}) {
  assertFreshBuild('server'); // measure the code as it is, not an old build
  const child = fork(new URL('../dist/server/index.js', import.meta.url).pathname, [], {
    execArgv: [
      '--expose-gc',
      '--import',
      new URL('./probe.mjs', import.meta.url).pathname,
      // SOAK_PROFILE=dir: a V8 CPU profile of the server (open it in Chrome DevTools).
      ...(process.env.SOAK_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SOAK_PROFILE}`] : []),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      MAX_CONNECTIONS: '50000',
      ...NO_ADDRESS_LIMITS,
      ...env,
    },
  });
  await healthy(port, { exited: () => child.exitCode !== null });
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', resolve);
        child.send('stats');
      }),
    resetLag: () =>
      new Promise((resolve) => {
        child.once('message', resolve);
        child.send('reset');
      }),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the soak against `url`; resolves with the counts and latencies. */
export async function runSoak({
  url,
  sockets,
  seconds,
  roomSize = 5,
  stats,
  resetLag,
  log = () => {},
  sampleMs = 5000,
}) {
  const clients = [];
  const tag = Math.random().toString(36).slice(2, 8);
  for (let i = 0; i < sockets; i++) {
    clients.push({ id: `soak-${tag}-${i}`, room: `soak-${tag}-${Math.floor(i / roomSize)}`, index: i });
  }
  const byRoom = new Map();
  for (const c of clients) byRoom.set(c.room, [...(byRoom.get(c.room) ?? []), c]);
  const counts = { sent: 0, received: 0, lost: 0, duplicated: 0, misrouted: 0, errors: 0, closed: 0 };
  const latencies = [];
  let measuring = false;

  const onMessage = (self) => (data) => {
    const text = String(data);
    if (text.startsWith('{"type":"ERROR"')) {
      counts.errors++;
      return;
    }
    const isCandidate = text.startsWith('{"type":"CANDIDATE"');
    const isChat = text.startsWith('{"type":"CHAT_MESSAGE"');
    if (!isCandidate && !isChat) return; // WELCOME, JOIN of room mates
    // Regular expressions rather than JSON.parse: this process must stay cheaper than the server it measures.
    const mark = /soak (\S+) (\S+) (\S+) (\d+) ([\d.]+)/.exec(text);
    const sender = /"from":"([^"]+)"/.exec(text)?.[1];
    if (!mark) {
      counts.misrouted++;
      return;
    }
    const [, from, to, room, seqText, sentAt] = mark;
    if (from !== sender || room !== self.room || (to !== '*' && to !== self.id)) {
      counts.misrouted++;
      return;
    }
    const key = `${from}>${to}`;
    const seq = Number(seqText);
    const expected = (self.next.get(key) ?? 0) + 1;
    if (seq < expected) counts.duplicated++;
    else {
      counts.lost += seq - expected;
      self.next.set(key, seq);
    }
    counts.received++;
    if (measuring) latencies.push(performance.now() - Number(sentAt));
  };

  // Join in batches.
  for (let start = 0; start < sockets; start += 250) {
    await Promise.all(
      clients.slice(start, start + 250).map(
        (c) =>
          new Promise((resolve, reject) => {
            c.next = new Map();
            c.seq = new Map();
            c.ws = new WebSocket(url, { perMessageDeflate: false });
            c.ws.once('error', reject);
            c.ws.on('close', () => counts.closed++);
            c.ws.once('open', () =>
              c.ws.send(
                JSON.stringify({ type: 'JOIN', room: c.room, clientId: c.id, audioEnabled: true, videoEnabled: true }),
              ),
            );
            c.ws.on('message', function welcome(data) {
              if (!String(data).startsWith('{"type":"WELCOME"')) return;
              c.ws.off('message', welcome);
              c.ws.on('message', onMessage(c));
              resolve();
            });
          }),
      ),
    );
  }
  log(`${sockets} sockets joined`);
  const afterJoin = await stats?.();

  const send = (c) => {
    const mates = byRoom.get(c.room).filter((m) => m !== c);
    if (mates.length === 0 || c.ws.readyState !== WebSocket.OPEN) return;
    const chat = Math.random() < 0.1;
    const to = chat ? '*' : mates[Math.floor(Math.random() * mates.length)].id;
    const key = to;
    const seq = (c.seq.get(key) ?? 0) + 1;
    c.seq.set(key, seq);
    const mark = `soak ${c.id} ${to} ${c.room} ${seq} ${performance.now().toFixed(3)}`;
    counts.sent += chat ? mates.length + 1 : 1; // a chat line reaches every mate, and comes back to us
    c.ws.send(
      JSON.stringify(
        chat
          ? { type: 'CHAT_MESSAGE', text: mark }
          : {
              type: 'CANDIDATE',
              to,
              candidate: { candidate: `candidate:1 1 udp 2122260223 192.0.2.1 9 typ host ${mark}`, sdpMid: '0' },
              candidateType: 'host',
            },
      ),
    );
  };
  // Each client sends about once a second, spread evenly.
  const timers = clients.map((c) =>
    setTimeout(() => (c.timer = setInterval(() => send(c), 1000)), Math.random() * 1000),
  );
  await sleep(1000);
  measuring = true;
  await resetLag?.();
  // The generator's own event-loop delay: latency figures mean little if this process was the bottleneck.
  const ownLag = monitorEventLoopDelay({ resolution: 1 });
  ownLag.enable();
  const memory = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await sleep(Math.min(sampleMs, seconds * 1000));
    const s = await stats?.();
    if (s) memory.push(Math.round(s.rss / 1048576));
    log(`${Math.round((performance.now() - started) / 1000)} s: ${counts.received} received, rss ${memory.at(-1)} MB`);
  }
  measuring = false;
  ownLag.disable();
  const serverLag = (await stats?.())?.lag;
  for (const t of timers) clearTimeout(t);
  for (const c of clients) clearInterval(c.timer);
  await sleep(1500); // the last messages land
  const closedDuringRun = counts.closed;
  for (const c of clients) c.ws.terminate();
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 100) / 100;
  return {
    sockets,
    seconds,
    ...counts,
    closed: closedDuringRun,
    // Sent but never received (a gap at the very end would not show as a sequence gap).
    missing: counts.sent - counts.received,
    p50: pct(0.5),
    p99: pct(0.99),
    serverLagP99Ms: serverLag?.p99,
    generatorLagP99Ms: Math.round(ownLag.percentile(99) / 1e4) / 100,
    rssAfterJoinMb: afterJoin ? Math.round(afterJoin.rss / 1048576) : undefined,
    rssMb: memory,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: flags } = parseArgs({
    options: {
      sockets: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '60' },
      json: { type: 'boolean', default: false },
    },
  });
  const server = await startProbedServer(23000 + Math.floor(Math.random() * 2000));
  const result = await runSoak({
    url: server.url,
    sockets: Number(flags.sockets),
    seconds: Number(flags.seconds),
    stats: server.stats,
    resetLag: server.resetLag,
    log: flags.json ? () => {} : (line) => console.error(line),
  });
  await server.stop();
  const date = new Date().toISOString();
  const machine = `${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`;
  if (flags.json) console.log(JSON.stringify({ date, machine, ...result }, null, 2));
  else {
    console.log(`Soak, ${date.slice(0, 10)}, ${machine}\n`);
    console.log(
      `${result.sockets} sockets in rooms of 5 for ${result.seconds} s: ${result.received} messages received, ` +
        `lost ${result.lost}, missing ${result.missing}, duplicated ${result.duplicated}, misrouted ${result.misrouted}, ` +
        `errors ${result.errors}, ` +
        `sockets closed ${result.closed}; relay latency p50 ${result.p50} ms, p99 ${result.p99} ms; ` +
        `event-loop delay p99: server ${result.serverLagP99Ms} ms, load generator ${result.generatorLagP99Ms} ms; ` +
        `server RSS ${result.rssAfterJoinMb} MB after joining, then ${result.rssMb.join(', ')} MB.`,
    );
  }
  const bad = result.lost + result.missing + result.duplicated + result.misrouted + result.errors + result.closed;
  process.exit(bad === 0 ? 0 : 1);
}
