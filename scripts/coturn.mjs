/**
 * Starts a real coturn (`turnserver`, Debian package `coturn`) on loopback for
 * tests, in TURN REST API mode (`use-auth-secret`), and stops it by PID.
 * The flags follow what was checked on these machines; `--allow-loopback-peers`
 * is for tests only (production denies loopback and private peers).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';

/** A loopback port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits until a child process prints `marker` (stdout or stderr); rejects when it exits first or after
 * `timeoutMs`. Resolves with a function returning everything it printed so far.
 */
export function readyWhen(child, marker, what, timeoutMs) {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      output += chunk;
      if (output.includes(marker)) {
        clearTimeout(timer);
        resolve(() => output);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}

/**
 * Resolves with `{ port, secret, realm, stunUrl, turnUrl, stop() }` once coturn answers. By default it listens on
 * 127.0.0.1 and allows loopback peers (tests on one host); `ip` and `netns` run it inside a network namespace.
 */
export async function startCoturn({
  secret = 'coturn-test-secret-0123456789',
  realm = 'meeting-room.test',
  ip = '127.0.0.1',
  port: fixedPort,
  netns,
} = {}) {
  if (!existsSync(TURNSERVER)) {
    throw new Error(`${TURNSERVER} is missing: install the Debian package coturn (.ci/run does)`);
  }
  const port = fixedPort ?? (await freePort());
  const loopback = ip.startsWith('127.');
  const minPort = 40000 + Math.floor(Math.random() * 200) * 100;
  const dir = mkdtempSync(join(tmpdir(), 'coturn-'));
  const args = [
    '-c',
    '/dev/null',
    `--listening-ip=${ip}`,
    `--listening-port=${port}`,
    `--relay-ip=${ip}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 99}`,
    ...(loopback ? ['--allow-loopback-peers'] : []),
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    `--realm=${realm}`,
    '--fingerprint',
    '--no-multicast-peers',
    `--userdb=${join(dir, 'turndb')}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    '--log-file=stdout',
    '--simple-log',
  ];
  const child = netns
    ? spawn('ip', ['netns', 'exec', netns, TURNSERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Whatever happens to this process (a bench that throws, a test run cut short), coturn does not outlive it.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  const output = await readyWhen(child, 'Total General servers', 'coturn', 10_000);
  return {
    port,
    secret,
    realm,
    stunUrl: `stun:${ip}:${port}`,
    turnUrl: `turn:${ip}:${port}?transport=udp`,
    turnTcpUrl: `turn:${ip}:${port}?transport=tcp`,
    output,
    async stop() {
      // A process ended by a signal has exitCode null and signalCode set: a second stop() must not wait for it again.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
