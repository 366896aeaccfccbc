/**
 * Starts a real redis-server (Debian package `redis-server`) on a free
 * loopback port for tests and benchmarks, without persistence, and stops it
 * by PID.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, readyWhen } from './coturn.mjs';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

/** Resolves with `{ url, port, stop() }` once Redis accepts connections. */
export async function startRedis({ port: fixedPort } = {}) {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} is missing: install the Debian package redis-server (.ci/run does)`);
  }
  const port = fixedPort ?? (await freePort());
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Whatever happens to this process, redis-server does not outlive it.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  await readyWhen(child, 'Ready to accept connections', 'redis-server', 10_000);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
