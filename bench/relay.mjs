#!/usr/bin/env node
/**
 * The signaling server against its floor, a raw `ws` relay (bench/raw-relay.mjs),
 * measured the same way in the same run. Each server runs in its own process
 * (with bench/probe.mjs reporting memory and event-loop delay from inside); this
 * process is the load generator, with plain `ws` clients.
 *
 *   throughput  50 pairs, each keeping 32 CANDIDATE messages in flight (every
 *               message received is sent back at once): relayed messages/s.
 *   latency     50 pairs, 20 CANDIDATE/s per client (2,000 msg/s, within the
 *               server's default rate limit): p50/p99 of send → receive.
 *   idle        1k, 5k, 10k joined sockets in rooms of five: memory per socket
 *               (RSS and heap growth over the empty server), then the latency
 *               run again beside the 10k sockets (one process, one core).
 *
 * Throughput and latency run in rounds that alternate between the two servers
 * (noise hits both alike): the median throughput of the rounds, percentiles of
 * the latency samples pooled over the rounds.
 * Bounded: every phase has a fixed duration and socket count (about 2 minutes).
 * Usage: npm run build && node bench/relay.mjs [--seconds 5] [--rounds 5]
 *        [--sizes 1000,5000,10000] [--only throughput|latency] [--profile dir] [--json]
 * `--profile dir` writes a V8 CPU profile of the meeting-room server (open it in Chrome DevTools).
 */
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { join, NO_ADDRESS_LIMITS, open } from './clients.mjs';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '1000,5000,10000' },
    rounds: { type: 'string', default: '5' },
    only: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(flags.seconds);
const IDLE_SIZES = flags.sizes.split(',').map(Number);
const log = (...args) => !flags.json && console.error(...args);

// ---------------------------------------------------------------------------
// Servers

let nextPort = 19000 + Math.floor(Math.random() * 1000) * 10;

/** Starts a server under test in its own process; resolves once it accepts sockets. */
async function startServer(kind) {
  const port = nextPort++;
  const probe = new URL('./probe.mjs', import.meta.url).pathname;
  const child =
    kind === 'raw'
      ? fork(new URL('./raw-relay.mjs', import.meta.url).pathname, [String(port)], {
          execArgv: ['--expose-gc', '--import', probe],
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        })
      : fork(new URL('../dist/server/index.js', import.meta.url).pathname, [], {
          execArgv: [
            '--expose-gc',
            '--import',
            probe,
            ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] : []),
          ],
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
          env: {
            ...process.env,
            PORT: String(port),
            LOG_LEVEL: 'warn',
            ...NO_ADDRESS_LIMITS,
            // Throughput is measured beyond the per-socket rate limit; everything else uses the defaults.
            RATE_PER_SECOND: kind === 'unlimited' ? '100000' : '50',
            RATE_BURST: kind === 'unlimited' ? '100000' : '200',
          },
        });
  const url = kind === 'raw' ? `ws://127.0.0.1:${port}` : `ws://127.0.0.1:${port}/ws`;
  for (let i = 0; ; i++) {
    try {
      const ws = await open(url);
      ws.close();
      break;
    } catch (error) {
      if (i > 100 || child.exitCode !== null) throw new Error(`${kind} server did not start: ${error}`);
      await sleep(50);
    }
  }
  const ask = (message) =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send(message);
    });
  return {
    url,
    stats: () => ask('stats'),
    resetLag: () => ask('reset'),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------
// Clients

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` joined clients in rooms of `roomSize`, opened `parallel` at a time. */
async function joinMany(url, count, roomSize, tag, parallel = 200) {
  const clients = new Array(count);
  for (let start = 0; start < count; start += parallel) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + parallel); i++) {
      const id = `${tag}-client-${i}`;
      batch.push(join(url, `${tag}-room-${Math.floor(i / roomSize)}`, id).then((ws) => (clients[i] = { ws, id })));
    }
    await Promise.all(batch);
  }
  return clients;
}

async function closeAll(clients) {
  await Promise.all(
    clients.map(
      ({ ws }) =>
        new Promise((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', resolve);
          ws.terminate();
        }),
    ),
  );
}

/** A CANDIDATE as a browser sends it; `mark` rides in the candidate string. */
const candidate = (to, mark) =>
  JSON.stringify({
    type: 'CANDIDATE',
    to,
    candidate: {
      candidate: `candidate:842163049 1 udp 1677729535 192.0.2.10 ${mark} typ srflx raddr 0.0.0.0 rport 0 generation 0`,
      sdpMid: '0',
      sdpMLineIndex: 0,
      usernameFragment: 'f3Kq',
    },
    candidateType: 'srflx',
  });
const MARK = /192\.0\.2\.10 ([\d.]+) typ/;

// ---------------------------------------------------------------------------
// Phases

/** Pairs ping-pong `window` messages each as fast as the server relays them. */
async function throughput(server, tag, seconds, pairs = 50, window = 32) {
  const clients = await joinMany(server.url, pairs * 2, 2, tag);
  let counting = false;
  let relayed = 0;
  for (let i = 0; i < clients.length; i++) {
    const self = clients[i];
    const partner = clients[i ^ 1];
    const reply = candidate(partner.id, 1);
    self.ws.on('message', (data) => {
      if (data.length < 20 || data[9] !== 0x43) return; // {"type":"C…: a CANDIDATE
      if (counting) relayed++;
      self.ws.send(reply);
    });
  }
  for (let i = 0; i < clients.length; i += 2) {
    const message = candidate(clients[i + 1].id, 1);
    for (let k = 0; k < window; k++) clients[i].ws.send(message);
  }
  await sleep(1000); // warm-up
  await server.resetLag();
  const cpuBefore = (await server.stats()).cpuMicros;
  counting = true;
  const started = performance.now();
  await sleep(seconds * 1000);
  counting = false;
  const perSecond = relayed / ((performance.now() - started) / 1000);
  const after = await server.stats();
  await closeAll(clients);
  return {
    perSecond: Math.round(perSecond),
    cpuMicrosPerMessage: Math.round(((after.cpuMicros - cpuBefore) / relayed) * 100) / 100,
    lag: after.lag,
  };
}

/** Every client sends `rate` CANDIDATE/s to its partner; the receiver takes the latency from the mark. */
async function latency(url, tag, seconds, pairs = 50, rate = 20) {
  const clients = await joinMany(url, pairs * 2, 2, tag);
  const samples = [];
  let sent = 0;
  let recording = false;
  for (const self of clients) {
    self.ws.on('message', (data) => {
      const match = MARK.exec(String(data));
      if (match && recording) samples.push(performance.now() - Number(match[1]));
    });
  }
  const timers = clients.map((self, i) => {
    const partner = clients[i ^ 1];
    // Spread the clients over the interval, as real clients are.
    return setTimeout(
      () => {
        timers[i] = setInterval(() => {
          sent++;
          self.ws.send(candidate(partner.id, performance.now().toFixed(3)));
        }, 1000 / rate);
      },
      Math.random() * (1000 / rate),
    );
  });
  await sleep(1000);
  recording = true;
  sent = 0;
  await sleep(seconds * 1000);
  recording = false;
  for (const t of timers) clearInterval(t);
  await sleep(200);
  await closeAll(clients);
  return { samples, sent };
}

/** p50 and p99 (ms, two decimals) of latency samples. */
function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const pct = (p) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 100) / 100;
  return { p50: pct(0.5), p99: pct(0.99), samples: sorted.length };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function idle(server, tag, size) {
  const before = await server.stats();
  const clients = await joinMany(server.url, size, 5, tag);
  await sleep(500);
  const after = await server.stats();
  return {
    clients,
    rssPerSocket: Math.round((after.rss - before.rss) / size),
    heapPerSocket: Math.round((after.heapUsed - before.heapUsed) / size),
  };
}

// ---------------------------------------------------------------------------
// Run

const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`,
  raw: {},
  server: {},
};
const ROUNDS = Number(flags.rounds);

// Rounds alternate between the two servers, so that the machine's drifting load hits both alike.
if (flags.only !== 'latency') {
  const runs = { raw: [], server: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 ? ['server', 'raw'] : ['raw', 'server']) {
      const server = await startServer(kind === 'raw' ? 'raw' : 'unlimited');
      const t = await throughput(server, `t${kind}${round}`, SECONDS);
      await server.stop();
      runs[kind].push(t);
      log(`throughput ${kind} round ${round + 1}: ${t.perSecond} msg/s, ${t.cpuMicrosPerMessage} µs CPU per message`);
    }
  }
  for (const kind of ['raw', 'server']) {
    result[kind].throughput = median(runs[kind].map((t) => t.perSecond));
    result[kind].throughputRuns = runs[kind].map((t) => t.perSecond);
    result[kind].cpuMicrosPerMessage = median(runs[kind].map((t) => t.cpuMicrosPerMessage));
    result[kind].lagAtSaturation = median(runs[kind].map((t) => t.lag.p99));
  }
}

if (flags.only !== 'throughput') {
  const servers = { raw: await startServer('raw'), server: await startServer('server') };
  const pooled = { raw: [], server: [] };
  const lag = { raw: [], server: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 ? ['server', 'raw'] : ['raw', 'server']) {
      await servers[kind].resetLag();
      const { samples } = await latency(servers[kind].url, `l${kind}${round}`, SECONDS);
      lag[kind].push((await servers[kind].stats()).lag.p99);
      pooled[kind].push(...samples);
      log(`latency ${kind} round ${round + 1}: ${JSON.stringify(percentiles(samples))}`);
    }
  }
  for (const kind of ['raw', 'server']) {
    await servers[kind].stop();
    result[kind].latency = percentiles(pooled[kind]);
    result[kind].lagAtModerate = median(lag[kind]);
  }

  for (const kind of ['raw', 'server']) {
    const entry = result[kind];
    entry.idle = {};
    for (const size of IDLE_SIZES) {
      const fresh = await startServer(kind);
      const { clients, rssPerSocket, heapPerSocket } = await idle(fresh, `i${kind}${size}`, size);
      entry.idle[size] = { rssPerSocket, heapPerSocket };
      log(`${kind}, ${size} idle sockets: ${rssPerSocket} B RSS, ${heapPerSocket} B heap per socket`);
      if (size === Math.max(...IDLE_SIZES)) {
        await fresh.resetLag();
        entry.latencyBesideIdle = percentiles((await latency(fresh.url, `b${kind}`, SECONDS)).samples);
        entry.lagBesideIdle = (await fresh.stats()).lag.p99;
        entry.idleSockets = size;
        log(`${kind}, latency beside ${size} sockets: ${JSON.stringify(entry.latencyBesideIdle)}`);
      }
      await closeAll(clients);
      await fresh.stop();
    }
  }
}

if (flags.json || flags.only) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const { raw, server } = result;
  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  console.log(`Signaling relay, ${result.date.slice(0, 10)}, ${result.machine}\n`);
  console.log('| measure | raw ws relay | meeting-room server | ratio | goal |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| throughput (msg/s) | ${raw.throughput} | ${server.throughput} | ${ratio(server.throughput, raw.throughput)} | ≥ 0.90× |`,
  );
  console.log(
    `| latency p50 at 2,000 msg/s (ms) | ${raw.latency.p50} | ${server.latency.p50} | ${ratio(server.latency.p50, raw.latency.p50)} | |`,
  );
  console.log(
    `| latency p99 at 2,000 msg/s (ms) | ${raw.latency.p99} | ${server.latency.p99} | ${ratio(server.latency.p99, raw.latency.p99)} | ≤ 1.20× |`,
  );
  for (const size of IDLE_SIZES) {
    console.log(
      `| RSS per idle socket at ${size} (B) | ${raw.idle[size].rssPerSocket} | ${server.idle[size].rssPerSocket} | ${ratio(server.idle[size].rssPerSocket, raw.idle[size].rssPerSocket)} | ≤ 1.50× |`,
    );
    console.log(
      `| heap per idle socket at ${size} (B) | ${raw.idle[size].heapPerSocket} | ${server.idle[size].heapPerSocket} | ${ratio(server.idle[size].heapPerSocket, raw.idle[size].heapPerSocket)} | |`,
    );
  }
  console.log(
    `| latency p99 beside ${raw.idleSockets} sockets (ms) | ${raw.latencyBesideIdle.p99} | ${server.latencyBesideIdle.p99} | ${ratio(server.latencyBesideIdle.p99, raw.latencyBesideIdle.p99)} | |`,
  );
  console.log(
    `| CPU per relayed message at saturation (µs) | ${raw.cpuMicrosPerMessage} | ${server.cpuMicrosPerMessage} | ${ratio(server.cpuMicrosPerMessage, raw.cpuMicrosPerMessage)} | |`,
  );
  console.log(`| event-loop delay p99 at saturation (ms) | ${raw.lagAtSaturation} | ${server.lagAtSaturation} | | |`);
  console.log(`| event-loop delay p99 at 2,000 msg/s (ms) | ${raw.lagAtModerate} | ${server.lagAtModerate} | | |`);
  console.log(
    `| event-loop delay p99 beside ${raw.idleSockets} sockets (ms) | ${raw.lagBesideIdle} | ${server.lagBesideIdle} | | |`,
  );
}
