#!/usr/bin/env node
/**
 * Reconnect storm: 1,000 real SignalingClients (the element's own client code,
 * with its jittered backoff) joined in rooms of five; the server
 * process is killed (SIGKILL) and started again on the same port. Measures the
 * time until every client has rejoined, from the kill and from the moment the
 * new process accepts connections, and shows how the jittered backoff spreads
 * the rejoins over time (a thundering herd would arrive all at once).
 *
 * Bounded: the clients give up waiting after 60 s; everything is closed at the end.
 * Usage: npm run build && node bench/reconnect-storm.mjs [--clients 1000] [--json]
 */
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { SignalingClient } from '../dist/src/core/signaling-client.js';
import { NO_ADDRESS_LIMITS } from './clients.mjs';

const { values: flags } = parseArgs({
  options: { clients: { type: 'string', default: '1000' }, json: { type: 'boolean', default: false } },
});
const CLIENTS = Number(flags.clients);
const ROOM_SIZE = 5;
const port = 21000 + Math.floor(Math.random() * 2000);
const log = (...args) => !flags.json && console.error(...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the server process; resolves once it accepts a WebSocket. */
async function startServer() {
  const child = fork(new URL('../dist/server/index.js', import.meta.url).pathname, [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...NO_ADDRESS_LIMITS,
    },
  });
  for (let i = 0; ; i++) {
    const ok = await new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      ws.once('open', () => {
        ws.close();
        resolve(true);
      });
      ws.once('error', () => resolve(false));
    });
    if (ok) return child;
    if (i > 400 || child.exitCode !== null) throw new Error('the server did not start');
    await sleep(10);
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

let server = await startServer();
const clients = [];
const joinedAt = new Array(CLIENTS).fill(undefined);
let phase = 'first';
for (let i = 0; i < CLIENTS; i++) {
  const client = new SignalingClient({
    url: `ws://127.0.0.1:${port}/ws`,
    room: `storm-${Math.floor(i / ROOM_SIZE)}`,
    audioEnabled: true,
    videoEnabled: true,
    WebSocket,
  });
  client.on('state', (state) => {
    if (state === 'joined' && phase === 'storm') joinedAt[i] ??= performance.now();
  });
  clients.push(client);
}
log(`joining ${CLIENTS} clients…`);
for (let i = 0; i < CLIENTS; i += 100) {
  for (const client of clients.slice(i, i + 100)) client.connect();
  await sleep(20);
}
const deadline = Date.now() + 60_000;
while (clients.some((c) => c.state !== 'joined')) {
  if (Date.now() > deadline) throw new Error('not every client joined');
  await sleep(50);
}
log('all joined; killing the server…');

phase = 'storm';
const killedAt = performance.now();
server.kill('SIGKILL');
await new Promise((resolve) => server.once('exit', resolve));
server = await startServer();
const readyAt = performance.now();
log(`new server accepts connections after ${Math.round(readyAt - killedAt)} ms; waiting for the rejoins…`);
while (joinedAt.some((t) => t === undefined)) {
  if (Date.now() > deadline + 60_000) break;
  await sleep(20);
}
const missing = joinedAt.filter((t) => t === undefined).length;
const fromReady = joinedAt
  .filter((t) => t !== undefined)
  .map((t) => t - readyAt)
  .sort((a, b) => a - b);
const buckets = new Map();
for (const t of fromReady) {
  const b = Math.max(0, Math.floor(t / 500));
  buckets.set(b, (buckets.get(b) ?? 0) + 1);
}
for (const client of clients) client.close();
server.kill('SIGTERM');

const s = (ms) => Math.round(ms) / 1000;
const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`,
  clients: CLIENTS,
  missing,
  restartMs: Math.round(readyAt - killedAt),
  allRejoinedFromKillS: s(fromReady.at(-1) + (readyAt - killedAt)),
  allRejoinedFromRestartS: s(fromReady.at(-1)),
  fromRestartS: {
    p10: s(quantile(fromReady, 0.1)),
    p50: s(quantile(fromReady, 0.5)),
    p90: s(quantile(fromReady, 0.9)),
    max: s(fromReady.at(-1)),
  },
  perHalfSecond: [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, n]) => ({ fromS: b / 2, rejoined: n })),
};
if (flags.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`Reconnect storm, ${result.date.slice(0, 10)}, ${result.machine}\n`);
  console.log(
    `${CLIENTS} clients, server SIGKILLed and restarted (${result.restartMs} ms until it accepted connections).`,
  );
  console.log(
    `All rejoined ${result.allRejoinedFromKillS} s after the kill, ${result.allRejoinedFromRestartS} s after the restart` +
      ` (p10 ${result.fromRestartS.p10} s, p50 ${result.fromRestartS.p50} s, p90 ${result.fromRestartS.p90} s); missing: ${missing}.\n`,
  );
  console.log('| seconds after restart | rejoined |');
  console.log('| --- | --- |');
  for (const { fromS, rejoined } of result.perHalfSecond)
    console.log(`| ${fromS.toFixed(1)}–${(fromS + 0.5).toFixed(1)} | ${rejoined} |`);
}
process.exit(missing === 0 ? 0 : 1);
