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
import { startCoturn } from './coturn.mjs';

const dist = (file) => new URL(`../dist/server/${file}`, import.meta.url).href;

export function signalingServerPlugin({ env = {} } = {}) {
  const servers = {};
  let coturn;
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
    },
    async serverStop() {
      await Promise.all(Object.values(servers).map((s) => s.close()));
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
