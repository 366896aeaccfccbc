/**
 * A web-test-runner plugin that runs the real signaling server (the built
 * `dist/server/app.js`) in the test runner's process on a free loopback port,
 * and lets browser tests act on it through `executeServerCommand`:
 * `meeting-server` with `{ action: 'drop-connections' }` cuts every socket,
 * and `{ action: 'graph', room }` returns a room's connection graph.
 * Tests read its URL from `window.__MEETING_TEST__`.
 */
import { existsSync, mkdirSync } from 'node:fs';

export function signalingServerPlugin({ env = {} } = {}) {
  let server;
  let info;
  return {
    name: 'meeting-room-signaling-server',
    async serverStart() {
      const app = new URL('../dist/server/app.js', import.meta.url);
      if (!existsSync(app)) throw new Error('dist/server/app.js is missing: run `npm run build` first');
      const { createMeetingServer } = await import(app.href);
      const { loadConfig } = await import(new URL('../dist/server/config.js', import.meta.url).href);
      const { createLogger } = await import(new URL('../dist/server/log.js', import.meta.url).href);
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
      // The server's log goes to a file, to read when a browser test fails.
      const logDir = new URL('../.cache/', import.meta.url).pathname;
      mkdirSync(logDir, { recursive: true });
      const { pino } = await import('pino');
      const log = createLogger(
        config.logLevel,
        pino.destination({ dest: `${logDir}signaling-server.log`, sync: true }),
      );
      server = createMeetingServer(config, { log });
      const { port } = await server.listen();
      info = {
        signalUrl: `ws://127.0.0.1:${port}/ws`,
        httpUrl: `http://127.0.0.1:${port}`,
        adminToken: env.ADMIN_TOKEN,
      };
    },
    async serverStop() {
      await server?.close();
    },
    async executeCommand({ command, payload }) {
      if (command !== 'meeting-server') return undefined;
      if (payload?.action === 'drop-connections') return { dropped: server.dropConnections() };
      if (payload?.action === 'graph') return (await server.store.graph(payload.room)) ?? null;
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
