/**
 * A web-test-runner plugin that starts the real signaling server (the built
 * `dist/server/index.js`) on a free loopback port for the browser tests and
 * stops it afterwards. Tests read its URL from `window.__MEETING_TEST__`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';

export function signalingServerPlugin({ env = {} } = {}) {
  let child;
  let info;
  return {
    name: 'meeting-room-signaling-server',
    async serverStart() {
      const entry = new URL('../dist/server/index.js', import.meta.url);
      if (!existsSync(entry)) throw new Error('dist/server/index.js is missing: run `npm run build` first');
      child = spawn(process.execPath, [entry.pathname], {
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      // The server's log goes to a file, to read when a browser test fails.
      const logDir = new URL('../.cache/', import.meta.url).pathname;
      mkdirSync(logDir, { recursive: true });
      child.stdout.pipe(createWriteStream(`${logDir}signaling-server.log`));
      const port = await new Promise((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`signaling server did not start: ${output}`)), 15000);
        child.once('exit', (code) => reject(new Error(`signaling server exited with ${code}: ${output}`)));
        child.stdout.on('data', (chunk) => {
          output += chunk;
          const match = /"port":(\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(Number(match[1]));
          }
        });
      });
      info = {
        signalUrl: `ws://127.0.0.1:${port}/ws`,
        httpUrl: `http://127.0.0.1:${port}`,
        adminToken: env.ADMIN_TOKEN,
      };
    },
    async serverStop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
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
