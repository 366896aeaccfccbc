#!/usr/bin/env node
/**
 * Relay latency with several processes: pairs of clients on the same process
 * and pairs split across two processes sharing a real redis-server, against
 * one in-memory process (the floor), in the same run. 50 pairs, 20 CANDIDATE/s
 * per client (within the default rate limit), rounds alternating the three
 * set-ups; p50/p99 of the samples pooled over the rounds.
 * Usage: npm run build && node bench/cluster.mjs [--rounds 3] [--seconds 4] [--json]
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { freePort } from '../scripts/coturn.mjs';
import { healthy, join, NO_ADDRESS_LIMITS } from './clients.mjs';
import { startRedis } from '../scripts/redis.mjs';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
    json: { type: 'boolean', default: false },
  },
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => !flags.json && console.error(line);

async function startProcess(env) {
  const port = await freePort();
  const child = spawn(process.execPath, [new URL('../dist/server/index.js', import.meta.url).pathname], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...NO_ADDRESS_LIMITS,
    },
    stdio: 'ignore',
  });
  await healthy(port, { exited: () => child.exitCode !== null });
  return { url: `ws://127.0.0.1:${port}/ws`, stop: () => child.kill('SIGTERM') };
}

/** 50 pairs, the first client of each on `urlA`, the second on `urlB`; latency samples of `seconds`. */
async function measure(urlA, urlB, tag, seconds, pairs = 50, rate = 20) {
  const clients = [];
  for (let i = 0; i < pairs; i++) {
    const ids = [`${tag}-${i}-a`, `${tag}-${i}-b`];
    const [a, b] = await Promise.all([join(urlA, `${tag}-${i}`, ids[0]), join(urlB, `${tag}-${i}`, ids[1])]);
    clients.push({ ws: a, to: ids[1] }, { ws: b, to: ids[0] });
  }
  const samples = [];
  let recording = false;
  for (const { ws } of clients) {
    ws.on('message', (data) => {
      const mark = / t=([\d.]+)/.exec(String(data));
      if (mark && recording) samples.push(performance.now() - Number(mark[1]));
    });
  }
  const timers = clients.map(({ ws, to }) =>
    setInterval(() => {
      const candidate = `candidate:1 1 udp 2122260223 192.0.2.1 9 typ host t=${performance.now().toFixed(3)}`;
      ws.send(JSON.stringify({ type: 'CANDIDATE', to, candidate: { candidate, sdpMid: '0' } }));
    }, 1000 / rate),
  );
  await sleep(1000);
  recording = true;
  await sleep(seconds * 1000);
  recording = false;
  for (const t of timers) clearInterval(t);
  await sleep(200);
  for (const { ws } of clients) ws.terminate();
  return samples;
}

const percentiles = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 100) / 100;
  return { p50: at(0.5), p99: at(0.99), samples: s.length };
};

const redis = await startRedis();
const memory = await startProcess({});
const a = await startProcess({ REDIS_URL: redis.url });
const b = await startProcess({ REDIS_URL: redis.url });
const setups = {
  'one process, in memory (floor)': [memory.url, memory.url],
  'Redis, both on one process': [a.url, a.url],
  'Redis, on two processes': [a.url, b.url],
};
const pooled = Object.fromEntries(Object.keys(setups).map((k) => [k, []]));
try {
  for (let round = 0; round < Number(flags.rounds); round++) {
    const order = Object.keys(setups);
    if (round % 2) order.reverse();
    for (const name of order) {
      const samples = await measure(...setups[name], `c${round}-${order.indexOf(name)}`, Number(flags.seconds));
      pooled[name].push(...samples);
      log(`round ${round + 1}, ${name}: ${JSON.stringify(percentiles(samples))}`);
    }
  }
} finally {
  for (const s of [memory, a, b]) s.stop();
  await redis.stop();
}

const floor = percentiles(pooled['one process, in memory (floor)']);
const rows = Object.entries(pooled).map(([name, samples]) => ({ name, ...percentiles(samples) }));
const date = new Date().toISOString();
const machine = `${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`;
if (flags.json) console.log(JSON.stringify({ date, machine, rows }, null, 2));
else {
  console.log(`Cluster relay latency, ${date.slice(0, 10)}, ${machine}, 2,000 msg/s\n`);
  console.log('| set-up | p50 ms | p99 ms | p50 vs floor | p99 vs floor |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.p50} | ${r.p99} | ${(r.p50 / floor.p50).toFixed(2)}× | ${(r.p99 / floor.p99).toFixed(2)}× |`,
    );
  }
}
