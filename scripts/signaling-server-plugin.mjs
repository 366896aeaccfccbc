/**
 * A web-test-runner plugin that runs, for the browser tests, a real coturn on
 * loopback and two real signaling servers (the built `dist/server/app.js`) in
 * the test runner's process on free ports: `default` (no TURN) and `turn`
 * (hands out STUN and short-lived TURN credentials for that coturn).
 * Tests read the URLs from `window.__MEETING_TEST__` and act on a server with
 * `executeServerCommand('meeting-server', { server, action, ... })`:
 * `drop-connections` cuts every socket, `graph` returns a room's connection
 * graph, `metrics` returns the Prometheus text.
 */
import { mkdirSync } from 'node:fs';
import { WebSocketServer } from 'ws';
import { startCoturn } from './coturn.mjs';

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

export function signalingServerPlugin({ env = {} } = {}) {
  const servers = {};
  let coturn;
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
    },
    async serverStop() {
      await Promise.all(Object.values(servers).map((s) => s.close()));
      if (hostile) {
        for (const client of hostile.clients) client.terminate();
        await new Promise((resolve) => hostile.close(resolve));
      }
      await coturn?.stop();
    },
    async executeCommand({ command, payload }) {
      if (command !== 'meeting-server') return undefined;
      const server = servers[payload?.server ?? 'default'];
      if (!server) throw new Error(`no server ${payload?.server}`);
      if (payload.action === 'drop-connections') return { dropped: server.dropConnections() };
      if (payload.action === 'graph') return (await server.store.graph(payload.room)) ?? null;
      if (payload.action === 'metrics') return server.metrics.registry.metrics();
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
