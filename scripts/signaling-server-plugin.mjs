/**
 * A web-test-runner plugin that runs, for the browser tests, a real coturn on
 * loopback and real signaling servers (the built `dist/server`) on free ports.
 * In the test runner's process: `default` (no TURN), `turn` (hands out STUN and
 * short-lived TURN credentials for that coturn) and `fast` (1 s heartbeat, 2 s
 * resume window). In child processes of their own: `process`, which a test can
 * kill (SIGKILL) and start again on the same port, and `redisA` and `redisB`,
 * two processes sharing rooms through a real redis-server.
 * Tests read the URLs from `window.__MEETING_TEST__` and act with
 * `executeServerCommand('meeting-server', { server, action, ... })`:
 * `drop-connections` cuts every socket, `graph` returns a room's connection
 * graph, `metrics` returns the Prometheus text, `kill` and `start` (process
 * server only), `silent-client` joins a room from Node with a client that
 * never answers pings, `restart-coturn` stops coturn and starts it again.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { WebSocket, WebSocketServer } from 'ws';
import { freePort, startCoturn } from './coturn.mjs';
import { startRedis } from './redis.mjs';

const dist = (file) => new URL(`../dist/server/${file}`, import.meta.url).href;

/**
 * A hostile signaling server: after a client's JOIN it sends garbage, a WELCOME naming a fake peer, broken and
 * out-of-order signaling from that peer, then one valid chat line. For tests of the element's robustness.
 */
function startHostileServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws) => {
    ws.once('message', (data) => {
      let join;
      try {
        join = JSON.parse(String(data));
      } catch {
        return;
      }
      const me = String(join.clientId);
      const peer = 'hostile-peer-1';
      const send = (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
      const media = { audioEnabled: true, videoEnabled: true };
      for (const m of [
        'not json',
        '[]',
        {
          type: 'CANDIDATE',
          from: peer,
          candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 9 typ host', sdpMid: '0' },
        },
        { type: 'WELCOME' },
        {
          type: 'WELCOME',
          clientId: me,
          room: join.room,
          resumeToken: 'x',
          peers: [{ clientId: peer, name: 'Mallory', ...media }],
        },
        {
          type: 'WELCOME',
          clientId: me,
          room: join.room,
          resumeToken: 'x',
          peers: [{ clientId: peer, name: 'Mallory', ...media }],
        },
        { type: 'OFFER', from: peer, sdp: 'v=0 this is not SDP', ...media },
        { type: 'ANSWER', from: peer, sdp: 'v=0 unexpected answer', ...media },
        { type: 'CANDIDATE', from: peer, candidate: { candidate: 'garbage', sdpMid: '9' } },
        { type: 'CANDIDATE', from: 'nobody-0001', candidate: null },
        { type: 'JOIN', from: me, name: 'me again', ...media },
        { type: 'LEAVE', from: 'nobody-0001' },
        { type: 'AUDIO_TOGGLE', from: peer, enabled: 'maybe' },
        { type: 'VIDEO_TOGGLE', from: peer, enabled: false },
        { type: 'CHAT_MESSAGE', from: peer, name: 'Mallory', text: 'x'.repeat(20_000), id: 'big', seq: 1, ts: 1 },
        { type: 'ERROR', code: 'bogus-code', message: 'made up' },
        { type: 'CHAT_MESSAGE', from: peer, name: 'Mallory', text: 'still here', id: 'ok-1', seq: 2, ts: Date.now() },
      ]) {
        send(m);
      }
    });
  });
  return new Promise((resolve) => wss.once('listening', () => resolve(wss)));
}

/** The built server in a child process on a fixed port, so that a test can SIGKILL it and start it again. */
function processServer(port, env, logFile) {
  let child;
  const httpUrl = `http://127.0.0.1:${port}`;
  const start = async () => {
    const log = openSync(logFile, 'a');
    child = spawn(process.execPath, [new URL('../dist/server/index.js', import.meta.url).pathname], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', log, log],
    });
    const orphan = () => child.kill('SIGKILL');
    process.once('exit', orphan);
    child.once('exit', () => process.off('exit', orphan));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${httpUrl}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      if (i > 300 || child.exitCode !== null) throw new Error(`the process server did not start (see ${logFile})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const kill = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  return { start, kill, httpUrl, signalUrl: `ws://127.0.0.1:${port}/ws` };
}

/** Joins `room` from Node with a client that never answers the server's pings (ws answers them by default). */
function silentClient(signalUrl, room) {
  const clientId = `silent-${Math.random().toString(36).slice(2, 10)}`;
  const ws = new WebSocket(signalUrl, { autoPong: false });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      ws.send(
        JSON.stringify({ type: 'JOIN', room, clientId, name: 'Silent', audioEnabled: false, videoEnabled: false }),
      ),
    );
    ws.on('message', (data) => {
      if (String(data).startsWith('{"type":"WELCOME"')) resolve({ clientId });
    });
  });
}

export function signalingServerPlugin({ env = {} } = {}) {
  const servers = {};
  let coturn;
  /** Servers in child processes: `process` (in-memory), `redisA` and `redisB` (sharing a real redis-server). */
  const procs = {};
  let redis;
  let hostile;
  let info;
  return {
    name: 'meeting-room-signaling-server',
    async serverStart() {
      const { createMeetingServer } = await import(dist('app.js')).catch(() => {
        throw new Error('dist/server is missing: run `npm run build` first');
      });
      const { loadConfig } = await import(dist('config.js'));
      const { createLogger } = await import(dist('log.js'));
      const { pino } = await import('pino');
      const logDir = new URL('../.cache/', import.meta.url).pathname;
      mkdirSync(logDir, { recursive: true });
      coturn = await startCoturn();
      const variants = {
        default: {},
        turn: { TURN_SECRET: coturn.secret, TURN_URLS: coturn.turnUrl, STUN_URLS: coturn.stunUrl, TURN_TTL: '600' },
        // Credentials that expire within a test: members must live on the fresh ones (ICE_SERVERS).
        turnShort: { TURN_SECRET: coturn.secret, TURN_URLS: coturn.turnUrl, TURN_TTL: '10' },
        fast: { HEARTBEAT_MS: '1000', RESUME_WINDOW_MS: '2000' },
      };
      info = { coturn: { stunUrl: coturn.stunUrl, turnUrl: coturn.turnUrl, realm: coturn.realm } };
      for (const [name, extra] of Object.entries(variants)) {
        const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env, ...extra });
        // Each server's log goes to a file, to read when a browser test fails.
        const log = createLogger(
          config.logLevel,
          pino.destination({ dest: `${logDir}signaling-${name}.log`, sync: true }),
        );
        const server = createMeetingServer(config, { log });
        const { port } = await server.listen();
        servers[name] = server;
        info[name] = { signalUrl: `ws://127.0.0.1:${port}/ws`, httpUrl: `http://127.0.0.1:${port}` };
      }
      Object.assign(info, info.default, { adminToken: env.ADMIN_TOKEN });
      hostile = await startHostileServer();
      info.hostile = { signalUrl: `ws://127.0.0.1:${hostile.address().port}/ws` };
      redis = await startRedis();
      const processes = {
        process: env,
        redisA: { ...env, REDIS_URL: redis.url },
        redisB: { ...env, REDIS_URL: redis.url },
      };
      for (const [name, processEnv] of Object.entries(processes)) {
        const proc = processServer(await freePort(), processEnv, `${logDir}signaling-${name}.log`);
        await proc.start();
        procs[name] = proc;
        info[name] = { signalUrl: proc.signalUrl, httpUrl: proc.httpUrl };
      }
    },
    async serverStop() {
      await Promise.all(Object.values(servers).map((s) => s.close()));
      if (hostile) {
        for (const client of hostile.clients) client.terminate();
        await new Promise((resolve) => hostile.close(resolve));
      }
      await Promise.all(Object.values(procs).map((proc) => proc.kill()));
      await redis?.stop();
      await coturn?.stop();
    },
    async executeCommand({ command, payload }) {
      if (command !== 'meeting-server') return undefined;
      // Stopped and started by two commands, for outages longer than a command may take (20 s).
      if (payload?.action === 'stop-coturn') return (await coturn.stop(), true);
      if (payload?.action === 'start-coturn') {
        coturn = await startCoturn({ port: coturn.port });
        return true;
      }
      if (payload?.action === 'restart-coturn') {
        const { port } = coturn;
        await coturn.stop();
        const stoppedAt = Date.now();
        if (payload.downMs) await new Promise((resolve) => setTimeout(resolve, payload.downMs));
        coturn = await startCoturn({ port });
        return { downMs: Date.now() - stoppedAt };
      }
      const proc = procs[payload?.server];
      if (proc) {
        if (payload.action === 'kill') return (await proc.kill(), true);
        if (payload.action === 'start') return (await proc.start(), true);
        if (payload.action === 'graph') {
          const res = await fetch(`${proc.httpUrl}/api/rooms/${payload.room}`, {
            headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
          });
          return res.ok ? res.json() : null;
        }
        if (payload.action === 'metrics') return (await fetch(`${proc.httpUrl}/metrics`)).text();
        throw new Error(`unknown process-server action ${JSON.stringify(payload)}`);
      }
      const server = servers[payload?.server ?? 'default'];
      if (!server) throw new Error(`no server ${payload?.server}`);
      if (payload.action === 'drop-connections') return { dropped: server.dropConnections() };
      if (payload.action === 'graph') return (await server.store.graph(payload.room)) ?? null;
      if (payload.action === 'metrics') return server.metrics.registry.metrics();
      if (payload.action === 'silent-client') return silentClient(info[payload.server].signalUrl, payload.room);
      throw new Error(`unknown meeting-server action ${JSON.stringify(payload)}`);
    },
    transform(context) {
      if (context.response.is('html') && info) {
        return {
          body: context.body.replace(
            '<head>',
            `<head><script>window.__MEETING_TEST__ = ${JSON.stringify(info)};</script>`,
          ),
        };
      }
      return undefined;
    },
  };
}
