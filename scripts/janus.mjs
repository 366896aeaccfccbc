/**
 * Starts a real Janus (Debian package `janus`, VideoRoom plugin, WebSocket
 * transport) for tests, in the foreground with a configuration of its own
 * written to a temporary folder (../shared/SFU.md has what was checked): the
 * WebSocket API and the admin API on 127.0.0.1 only, an `api_secret`, an
 * `admin_secret` and a VideoRoom `admin_key` (so that only the signaling
 * server can create rooms), and the plugins and transports it does not use
 * disabled.
 * Media needs a non-loopback interface (Janus never gathers on loopback): run
 * it inside a network namespace for that (SFU.md); signaling works anywhere.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { freePort } from './coturn.mjs';

export const JANUS = process.env.JANUS_PATH ?? '/usr/bin/janus';
const LIB = '/usr/lib/x86_64-linux-gnu/janus';

/** Resolves once `url` accepts a WebSocket with `protocol`; rejects after `timeoutMs`. */
async function accepting(url, protocol, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const ws = new WebSocket(url, protocol);
      ws.once('open', () => (ws.close(), resolve(true)));
      ws.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Janus did not accept ${url} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Resolves with `{ url, adminUrl, apiSecret, adminSecret, adminKey, stop() }`
 * once Janus accepts WebSocket connections. `iceInterface`: the one interface
 * ICE may use (in a namespace, its non-loopback interface).
 */
export async function startJanus({
  apiSecret = 'janus-test-api-secret-0123456789',
  adminSecret = 'janus-test-admin-secret-0123456789',
  adminKey = 'janus-test-admin-key-0123456789',
  ip = '127.0.0.1',
  iceInterface,
  wsPort: givenWsPort,
  adminPort: givenAdminPort,
} = {}) {
  if (!existsSync(JANUS)) throw new Error(`${JANUS} is missing: install the Debian package janus (.ci/run does)`);
  const [wsPort, adminPort] = [givenWsPort ?? (await freePort()), givenAdminPort ?? (await freePort())];
  const rtpBase = 20000 + Math.floor(Math.random() * 200) * 100;
  const dir = mkdtempSync(join(tmpdir(), 'janus-'));
  const disabled = (kind) =>
    `${kind}: { disable = "${(
      {
        plugins: [
          'audiobridge',
          'duktape',
          'echotest',
          'lua',
          'nosip',
          'recordplay',
          'sip',
          'streaming',
          'textroom',
          'videocall',
          'voicemail',
        ],
        transports: ['http', 'mqtt', 'nanomsg', 'pfunix', 'rabbitmq'],
      }[kind] ?? []
    )
      .map((name) => `libjanus_${name}.so`)
      .join(',')}" }`;
  writeFileSync(
    join(dir, 'janus.jcfg'),
    [
      `general: { configs_folder = "${dir}" plugins_folder = "${LIB}/plugins" transports_folder = "${LIB}/transports"`,
      `  events_folder = "${LIB}/events" loggers_folder = "${LIB}/loggers" debug_level = 4`,
      `  api_secret = "${apiSecret}" admin_secret = "${adminSecret}" session_timeout = 60 }`,
      `media: { rtp_port_range = "${rtpBase}-${rtpBase + 99}" }`,
      // In a network namespace: gather on that interface only (Janus skips loopback interfaces anyway).
      `nat: { ignore_mdns = true${iceInterface ? ` ice_enforce_list = "${iceInterface}"` : ''} }`,
      disabled('plugins'),
      disabled('transports'),
      'loggers: { disable = "libjanus_jsonlog.so" }',
      'events: { broadcast = false }',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'janus.transport.websockets.jcfg'),
    `general: { json = "compact" ws = true ws_port = ${wsPort} ws_ip = "${ip}" wss = false }\n` +
      `admin: { admin_ws = true admin_ws_port = ${adminPort} admin_ws_ip = "${ip}" admin_wss = false }\n`,
  );
  // Room ids are strings: our room names, as they are (the server maps nothing).
  writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), `general: { admin_key = "${adminKey}" string_ids = true }\n`);
  const child = spawn(JANUS, ['-F', dir, '-o'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `ws://${ip}:${wsPort}`;
  const adminUrl = `ws://${ip}:${adminPort}`;
  try {
    await Promise.race([
      accepting(url, 'janus-protocol', 10_000),
      exited.then((code) => {
        throw new Error(`janus exited with ${code}:\n${output}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    adminUrl,
    apiSecret,
    adminSecret,
    adminKey,
    output: () => output,
    /** Its process id (the load bench reads its CPU time). */
    pid: child.pid,
    wsPort,
    adminPort,
    /** Kills it as a crash would (SIGKILL: no goodbye to anyone). */
    async kill() {
      process.off('exit', orphan);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
    async stop() {
      process.off('exit', orphan);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
