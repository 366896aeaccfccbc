/**
 * Server configuration: every knob with its default, read from environment
 * variables or `--kebab-case` flags (a flag wins over the variable). Invalid
 * values are refused at start with a message naming the variable.
 */
import { LOG_LEVELS } from './log.js';

export interface Limits {
  /** Largest accepted text frame, in bytes. */
  maxFrameBytes: number;
  /** Sustained messages per second per socket. */
  messagesPerSecond: number;
  /** Messages a socket may send at once before the rate applies. */
  messageBurst: number;
  /** A socket refused for this long without a pause is closed with 1008. */
  floodCloseMs: number;
  /** Participants per room (a mesh: keep it small). */
  maxParticipants: number;
  /** Rooms per server process. */
  maxRooms: number;
  /** WebSocket connections per server process. */
  maxConnections: number;
  /** How long a member's seat is kept after its socket went away. */
  resumeWindowMs: number;
  /** Messages kept for a member while it is away (oldest dropped first). */
  resumeQueueLength: number;
  /** Interval of WebSocket pings; a socket that misses one is terminated. */
  heartbeatMs: number;
  /** Chat messages a room keeps for late joiners (WELCOME.chat); 0 keeps none. */
  chatHistory: number;
}

export interface TurnConfig {
  secret: string;
  urls: string[];
  ttlSeconds: number;
}

export interface ServerConfig {
  port: number;
  host: string;
  /** HS256 secret for JOIN tokens; rooms are open when absent. */
  authSecret?: string;
  /** Bearer token for the admin API; the API answers 404 when absent. */
  adminToken?: string;
  /** Allowed `Origin` values for the WebSocket; `undefined` allows any. */
  allowedOrigins?: string[];
  turn?: TurnConfig;
  /** STUN URLs handed out in WELCOME.iceServers (no credentials). */
  stunUrls: string[];
  /** Folder served as static files (the demo and the built widget). */
  staticDir?: string;
  /** Redis shared by several server processes; unset: rooms live in this process's memory. */
  redisUrl?: string;
  logLevel: string;
  limits: Limits;
}

export const DEFAULT_LIMITS: Limits = {
  maxFrameBytes: 64 * 1024,
  messagesPerSecond: 50,
  messageBurst: 200,
  floodCloseMs: 2000,
  maxParticipants: 8,
  maxRooms: 10_000,
  maxConnections: 20_000,
  resumeWindowMs: 10_000,
  resumeQueueLength: 256,
  heartbeatMs: 30_000,
  chatHistory: 50,
};

/** One documented setting: its variable, flag and parser. */
interface Setting {
  env: string;
  describe: string;
}

export const SETTINGS: Record<string, Setting> = {
  port: { env: 'PORT', describe: 'HTTP and WebSocket port (0 picks a free one)' },
  host: { env: 'HOST', describe: 'interface to listen on' },
  authSecret: { env: 'MEETING_AUTH_SECRET', describe: 'HS256 secret; JOIN then needs a JWT' },
  adminToken: { env: 'ADMIN_TOKEN', describe: 'bearer token for GET /api/rooms/:room' },
  allowedOrigins: { env: 'ALLOWED_ORIGINS', describe: 'comma-separated Origin allow-list, or *' },
  turnSecret: { env: 'TURN_SECRET', describe: 'coturn static-auth-secret' },
  turnUrls: { env: 'TURN_URLS', describe: 'comma-separated turn:/turns: URLs' },
  turnTtl: { env: 'TURN_TTL', describe: 'TURN credential lifetime in seconds' },
  stunUrls: { env: 'STUN_URLS', describe: 'comma-separated stun: URLs' },
  staticDir: { env: 'STATIC_DIR', describe: 'folder served as static files' },
  redisUrl: { env: 'REDIS_URL', describe: 'redis:// or rediss:// URL shared by several processes' },
  logLevel: { env: 'LOG_LEVEL', describe: 'pino log level' },
  maxFrameBytes: { env: 'MAX_FRAME_BYTES', describe: 'largest text frame' },
  messagesPerSecond: { env: 'RATE_PER_SECOND', describe: 'messages per second per socket' },
  messageBurst: { env: 'RATE_BURST', describe: 'burst of messages per socket' },
  maxParticipants: { env: 'MAX_PARTICIPANTS', describe: 'participants per room' },
  maxRooms: { env: 'MAX_ROOMS', describe: 'rooms per server' },
  maxConnections: { env: 'MAX_CONNECTIONS', describe: 'sockets per server' },
  resumeWindowMs: { env: 'RESUME_WINDOW_MS', describe: 'seat kept after a socket drops' },
  heartbeatMs: { env: 'HEARTBEAT_MS', describe: 'ping interval' },
  chatHistory: { env: 'CHAT_HISTORY', describe: 'chat messages kept for late joiners (0: none)' },
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Parses `--flag value` and `--flag=value` pairs. */
function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new ConfigError(`flag ${arg} needs a value`);
      }
      flags.set(arg.slice(2), value);
      i++;
    }
  }
  const known = new Set(Object.keys(SETTINGS).map(kebab));
  for (const name of flags.keys()) {
    if (!known.has(name)) throw new ConfigError(`unknown flag --${name}`);
  }
  return flags;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads the configuration from `env` and `argv` (without node and script). */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  argv: readonly string[] = [],
): ServerConfig {
  const flags = parseFlags(argv);
  const raw = (key: keyof typeof SETTINGS): string | undefined => {
    const value = flags.get(kebab(key)) ?? env[SETTINGS[key]!.env];
    return value === undefined || value === '' ? undefined : value;
  };
  const int = (key: keyof typeof SETTINGS, fallback: number, min: number, max: number): number => {
    const value = raw(key);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${SETTINGS[key]!.env} must be an integer from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
  const secret = (key: keyof typeof SETTINGS): string | undefined => {
    const value = raw(key);
    if (value !== undefined && value.length < 16) {
      throw new ConfigError(`${SETTINGS[key]!.env} must be at least 16 characters`);
    }
    return value;
  };

  const origins = raw('allowedOrigins');
  const turnSecret = secret('turnSecret');
  const turnUrls = list(raw('turnUrls'));
  if ((turnSecret === undefined) !== (turnUrls.length === 0)) {
    throw new ConfigError('TURN_SECRET and TURN_URLS must be set together');
  }
  for (const url of turnUrls) {
    if (!/^turns?:/.test(url)) throw new ConfigError(`TURN_URLS entry "${url}" must start with turn: or turns:`);
  }
  const stunUrls = list(raw('stunUrls'));
  for (const url of stunUrls) {
    if (!/^stuns?:/.test(url)) throw new ConfigError(`STUN_URLS entry "${url}" must start with stun: or stuns:`);
  }

  const redisUrl = raw('redisUrl');
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL');
  }

  const logLevel = raw('logLevel') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const d = DEFAULT_LIMITS;
  const config: ServerConfig = {
    port: int('port', 8787, 0, 65535),
    host: raw('host') ?? '127.0.0.1',
    authSecret: secret('authSecret'),
    adminToken: secret('adminToken'),
    allowedOrigins: origins === undefined || origins === '*' ? undefined : list(origins),
    turn:
      turnSecret === undefined
        ? undefined
        : { secret: turnSecret, urls: turnUrls, ttlSeconds: int('turnTtl', 3600, 60, 86_400) },
    stunUrls,
    staticDir: raw('staticDir'),
    redisUrl,
    logLevel,
    limits: {
      ...d,
      maxFrameBytes: int('maxFrameBytes', d.maxFrameBytes, 1024, 1024 * 1024),
      messagesPerSecond: int('messagesPerSecond', d.messagesPerSecond, 1, 100_000),
      messageBurst: int('messageBurst', d.messageBurst, 1, 100_000),
      maxParticipants: int('maxParticipants', d.maxParticipants, 2, 64),
      maxRooms: int('maxRooms', d.maxRooms, 1, 1_000_000),
      maxConnections: int('maxConnections', d.maxConnections, 1, 1_000_000),
      resumeWindowMs: int('resumeWindowMs', d.resumeWindowMs, 0, 600_000),
      heartbeatMs: int('heartbeatMs', d.heartbeatMs, 100, 600_000),
      chatHistory: int('chatHistory', d.chatHistory, 0, 1000),
    },
  };
  return config;
}
