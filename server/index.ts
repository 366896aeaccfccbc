#!/usr/bin/env node
/**
 * Bootstrap: read the configuration, listen, and shut down cleanly on
 * SIGTERM/SIGINT. Everything else lives in testable modules.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMeetingServer } from './app.js';
import { ConfigError, loadConfig, usage } from './config.js';
import { RedisStore } from './redis-store.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(usage());
  process.exit(0);
}
let config;
try {
  config = loadConfig(process.env, process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`meeting-room: ${error.message} (--help lists every setting)`);
  process.exit(2);
}
if (config.staticDir === undefined) {
  // The build puts the demo and the widget next to the compiled server.
  const built = fileURLToPath(new URL('../public', import.meta.url));
  if (existsSync(built)) config.staticDir = built;
  else console.warn(`meeting-room: ${built} is missing (run npm run build); serving no static files`);
} else if (!existsSync(config.staticDir)) {
  console.error(`meeting-room: STATIC_DIR ${config.staticDir} does not exist`);
  process.exit(2);
}

let store;
if (config.redisUrl) {
  try {
    store = await RedisStore.connect(config.redisUrl);
  } catch (error) {
    console.error(`meeting-room: ${(error as Error).message}`);
    process.exit(1);
  }
}
const server = createMeetingServer(config, store ? { store } : {});
await server.listen();

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`meeting-room: shutdown after ${signal} failed`, error);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
