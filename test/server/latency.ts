/**
 * Relay latency of established pairs, for the tests that load the server
 * (flood, join storm): pairs of plain sockets sending timestamped CANDIDATEs.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
// @ts-expect-error: a plain ES module of the benchmarks, without types
import { join } from '../../bench/clients.mjs';
import { newId, sleep } from './helpers.js';

export interface Pair {
  a: WebSocket;
  b: WebSocket;
  ids: [string, string];
}

export async function joinPair(url: string, room: string): Promise<Pair> {
  const ids: [string, string] = [`p-${newId()}`, `p-${newId()}`];
  const sockets = (await Promise.all(ids.map((clientId) => join(url, room, clientId)))) as WebSocket[];
  return { a: sockets[0]!, b: sockets[1]!, ids };
}

/** Each side of every pair sends `rate` CANDIDATE/s to the other for `ms`; returns the latency samples. */
export async function exchange(pairs: Pair[], ms: number, rate = 20): Promise<number[]> {
  const samples: number[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];
  const listeners: [WebSocket, (data: Buffer) => void][] = [];
  for (const { a, b, ids } of pairs) {
    for (const [from, to] of [
      [a, ids[1]],
      [b, ids[0]],
    ] as const) {
      const onMessage = (data: Buffer) => {
        const mark = / t=([\d.]+)/.exec(String(data));
        if (mark) samples.push(performance.now() - Number(mark[1]));
      };
      from.on('message', onMessage);
      listeners.push([from, onMessage]);
      timers.push(
        setInterval(() => {
          const candidate = `candidate:1 1 udp 2122260223 192.0.2.1 9 typ host t=${performance.now().toFixed(3)}`;
          from.send(JSON.stringify({ type: 'CANDIDATE', to, candidate: { candidate, sdpMid: '0' } }));
        }, 1000 / rate),
      );
    }
  }
  await sleep(ms);
  for (const t of timers) clearInterval(t);
  await sleep(200);
  for (const [ws, listener] of listeners) ws.off('message', listener);
  return samples;
}

export const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length * p)]!;
export const p95 = (xs: number[]) => pct(xs, 0.95);
export const p99 = (xs: number[]) => pct(xs, 0.99);
