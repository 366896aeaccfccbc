/**
 * Loaded with `node --import ./bench/probe.mjs` into a server under test: answers
 * the benchmark over the IPC channel with the process's memory and event-loop
 * delay, so both servers are measured the same way from inside.
 *   'stats' → { rss, heapUsed, cpuMicros, lag: { p50, p99, max } } (lag in ms), 'reset' → clears the lag histogram.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const lag = monitorEventLoopDelay({ resolution: 1 });
lag.enable();
process.on('message', (message) => {
  if (message === 'reset') {
    lag.reset();
    process.send?.({ reset: true });
  } else if (message === 'stats') {
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    const cpu = process.cpuUsage();
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    process.send?.({
      rss,
      heapUsed,
      cpuMicros: cpu.user + cpu.system,
      lag: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
    });
  }
});
// The IPC channel must not keep a server alive that was told to stop.
process.channel?.unref();
