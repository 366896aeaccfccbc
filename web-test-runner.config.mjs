import { mkdirSync } from 'node:fs';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { CHROMIUM, CHROMIUM_ARGS } from './scripts/chromium.mjs';
import { screenshotPlugin } from './scripts/screenshot-plugin.mjs';
import { signalingServerPlugin } from './scripts/signaling-server-plugin.mjs';
import { summaryReporter } from './scripts/summary-reporter.mjs';

const cache = new URL('./.cache/chromium/', import.meta.url).pathname;
mkdirSync(cache, { recursive: true });

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 10 * 60 * 1000,
  testFramework: { config: { timeout: 30000 } },
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: new URL('./tsconfig.json', import.meta.url).pathname, target: 'es2022' }),
    screenshotPlugin(),
    signalingServerPlugin({
      env: {
        ADMIN_TOKEN: 'browser-test-admin-token',
        RESUME_WINDOW_MS: '10000',
        // Every page of the suite joins from 127.0.0.1: no per-address allowances (tested in test/server/addresses.test.ts).
        ADDRESS_SOCKETS: '0',
        ADDRESS_JOINS_PER_MINUTE: '0',
        ADDRESS_ROOMS_PER_MINUTE: '0',
      },
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM,
        env: { ...process.env, XDG_CONFIG_HOME: cache, XDG_CACHE_HOME: cache },
        args: [
          ...CHROMIUM_ARGS,
          '--allow-loopback-in-peer-connection',
          // The policy real browsers ship (a page that captures camera or microphone is exempt: see the autoplay test).
          '--autoplay-policy=document-user-activation-required',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
  reporters: [defaultReporter(), summaryReporter(new URL('./.cache/wtr-summary.json', import.meta.url).pathname)],
};
