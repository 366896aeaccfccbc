/**
 * The server as a library (`meeting-room/server`): create it, listen, close.
 *
 *   import { createServer, loadConfig } from 'meeting-room/server';
 *   const server = createServer(loadConfig({ PORT: '8787' }));
 *   await server.listen();
 */
export {
  createMeetingServer as createServer,
  createMeetingServer,
  type MeetingServer,
  type ServerDeps,
} from './app.js';
export { loadConfig, DEFAULT_LIMITS, ConfigError, type ServerConfig, type Limits, type TurnConfig } from './config.js';
export {
  MemoryStore,
  type RoomStore,
  type MemberRecord,
  type PairRecord,
  type RoomGraph,
  type Envelope,
} from './store.js';
export { RedisStore, type RedisStoreOptions } from './redis-store.js';
export { Metrics } from './metrics.js';
export { createLogger, type Logger } from './log.js';
export { turnCredentials } from './turn.js';
