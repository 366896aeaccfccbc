/**
 * Server configuration: every knob with its default, read from environment
 * variables or `--kebab-case` flags (a flag wins over the variable). Invalid
 * values are refused at start with a message naming the variable.
 */
import type { BlockList } from 'node:net';
import { parseTrustedProxies, type AddressLimitSettings } from './addresses.js';
import type { JanusOptions } from './janus.js';
import { LOG_LEVELS } from './log.js';

export interface Limits extends AddressLimitSettings {
  /** Largest accepted text frame, in bytes. */
  maxFrameBytes: number;
  /** Sustained messages per second per socket. */
  messagesPerSecond: number;
  /** Messages a socket may send at once before the rate applies. */
  messageBurst: number;
  /** A socket refused for this long without a pause is closed with 1008. */
  floodCloseMs: number;
  /** Participants per room (a mesh: keep it small; with an SFU, larger). */
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
  /** A socket that sends nothing this long after it opened (one opened ahead of a join) is closed; 0: never. */
  quietSocketMs: number;
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
  /** Bearer token /metrics requires; open when absent. */
  metricsToken?: string;
  /** Proxies whose `X-Forwarded-For` names the client (per-address limits, logs); none when absent. */
  trustProxy?: BlockList;
  /** Allowed `Origin` values for the WebSocket; `undefined` allows any. */
  allowedOrigins?: string[];
  turn?: TurnConfig;
  /** STUN URLs handed out in WELCOME.iceServers (no credentials). */
  stunUrls: string[];
  /** Folder served as static files (the demo and the built widget). */
  staticDir?: string;
  /** Redis shared by several server processes; unset: rooms live in this process's memory. */
  redisUrl?: string;
  /** SFU mode: the Janus instance and when rooms use it; unset: every room is a mesh. */
  sfu?: SfuConfig;
  logLevel: string;
  limits: Limits;
}

export interface SfuConfig {
  /** The Janus instances (JANUS_URL, or several: JANUS_URLS); each room lives on one, chosen by load. */
  janus: JanusOptions[];
  /** `sfu`: every room's media through Janus; `auto`: a room moves there past `meshMax` and back below it. */
  mode: 'sfu' | 'auto';
  /** In `auto`: the largest mesh (a room moves to the SFU at meshMax + 1, back at meshMax - 1). */
  meshMax: number;
}

/** MAX_PARTICIPANTS's default when rooms can use the SFU. */
export const DEFAULT_SFU_MAX_PARTICIPANTS = 50;

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
  quietSocketMs: 60_000,
  chatHistory: 50,
  addressSockets: 100,
  addressJoinsPerMinute: 120,
  addressRoomsPerMinute: 30,
};

/** Default TURN credential lifetime: members get fresh ones at half of it, so it only has to cover one ICE gathering. */
export const DEFAULT_TURN_TTL = 600;

/** One documented setting: its variable (the flag is the key in kebab-case), what it does, its default. */
interface Setting {
  env: string;
  describe: string;
  default?: string | number;
}

export const SETTINGS: Record<string, Setting> = {
  port: { env: 'PORT', describe: 'HTTP and WebSocket port (0 picks a free one)', default: 8787 },
  host: { env: 'HOST', describe: 'interface to listen on', default: '127.0.0.1' },
  authSecret: { env: 'MEETING_AUTH_SECRET', describe: 'HS256 secret (16+ chars); JOIN then needs a JWT' },
  adminToken: { env: 'ADMIN_TOKEN', describe: 'bearer token (16+ chars) for GET /api/rooms/:room; unset: 404' },
  metricsToken: { env: 'METRICS_TOKEN', describe: 'bearer token (16+ chars) GET /metrics requires; unset: open' },
  allowedOrigins: { env: 'ALLOWED_ORIGINS', describe: 'comma-separated Origin allow-list, or *', default: '*' },
  trustProxy: {
    env: 'TRUST_PROXY',
    describe: 'comma-separated proxy addresses/CIDRs (or "loopback") whose X-Forwarded-For names the client',
  },
  turnSecret: { env: 'TURN_SECRET', describe: 'coturn static-auth-secret (16+ chars)' },
  turnUrls: { env: 'TURN_URLS', describe: 'comma-separated turn:/turns: URLs (with TURN_SECRET)' },
  turnTtl: {
    env: 'TURN_TTL',
    describe: 'TURN credential lifetime in seconds; members get fresh ones at half of it',
    default: DEFAULT_TURN_TTL,
  },
  stunUrls: { env: 'STUN_URLS', describe: 'comma-separated stun: URLs' },
  staticDir: { env: 'STATIC_DIR', describe: 'folder served as static files', default: 'the built demo' },
  redisUrl: { env: 'REDIS_URL', describe: 'redis:// or rediss:// URL shared by several processes; unset: memory' },
  janusUrl: { env: 'JANUS_URL', describe: 'Janus WebSocket API, e.g. ws://127.0.0.1:8188; turns SFU mode on' },
  janusAdminUrl: { env: 'JANUS_ADMIN_URL', describe: 'Janus admin WebSocket API, e.g. ws://127.0.0.1:7188' },
  janusUrls: {
    env: 'JANUS_URLS',
    describe: 'several Janus instances instead of JANUS_URL: comma-separated WebSocket API URLs',
  },
  janusAdminUrls: {
    env: 'JANUS_ADMIN_URLS',
    describe: 'with JANUS_URLS: their admin API URLs, in the same order',
  },
  janusApiSecret: { env: 'JANUS_API_SECRET', describe: "Janus's api_secret (16+ chars; every instance's)" },
  janusAdminSecret: { env: 'JANUS_ADMIN_SECRET', describe: "Janus's admin_secret (16+ chars; every instance's)" },
  janusAdminKey: { env: 'JANUS_ADMIN_KEY', describe: "the VideoRoom plugin's admin_key (16+ chars)" },
  mediaMode: {
    env: 'MEDIA_MODE',
    describe: 'mesh, sfu or auto (a room moves to the SFU past MESH_MAX)',
    default: 'auto with JANUS_URL, else mesh',
  },
  meshMax: { env: 'MESH_MAX', describe: 'in auto: the largest mesh; back to it at MESH_MAX - 1', default: 4 },
  logLevel: { env: 'LOG_LEVEL', describe: `log level: ${LOG_LEVELS.join(', ')}`, default: 'info' },
  maxFrameBytes: {
    env: 'MAX_FRAME_BYTES',
    describe: 'largest text frame, bytes',
    default: DEFAULT_LIMITS.maxFrameBytes,
  },
  messagesPerSecond: {
    env: 'RATE_PER_SECOND',
    describe: 'messages per second per socket',
    default: DEFAULT_LIMITS.messagesPerSecond,
  },
  messageBurst: { env: 'RATE_BURST', describe: 'burst of messages per socket', default: DEFAULT_LIMITS.messageBurst },
  maxParticipants: {
    env: 'MAX_PARTICIPANTS',
    describe: 'participants per room',
    default: `${DEFAULT_LIMITS.maxParticipants} (mesh), ${DEFAULT_SFU_MAX_PARTICIPANTS} with the SFU`,
  },
  maxRooms: { env: 'MAX_ROOMS', describe: 'rooms per server', default: DEFAULT_LIMITS.maxRooms },
  maxConnections: { env: 'MAX_CONNECTIONS', describe: 'sockets per server', default: DEFAULT_LIMITS.maxConnections },
  addressSockets: {
    env: 'ADDRESS_SOCKETS',
    describe: 'open sockets per client address (IPv6: per /64); 0: no limit',
    default: DEFAULT_LIMITS.addressSockets,
  },
  addressJoinsPerMinute: {
    env: 'ADDRESS_JOINS_PER_MINUTE',
    describe: 'JOINs per client address per minute; 0: no limit',
    default: DEFAULT_LIMITS.addressJoinsPerMinute,
  },
  addressRoomsPerMinute: {
    env: 'ADDRESS_ROOMS_PER_MINUTE',
    describe: 'new rooms per client address per minute; 0: no limit',
    default: DEFAULT_LIMITS.addressRoomsPerMinute,
  },
  resumeWindowMs: {
    env: 'RESUME_WINDOW_MS',
    describe: 'ms a seat is kept after its socket drops',
    default: DEFAULT_LIMITS.resumeWindowMs,
  },
  heartbeatMs: { env: 'HEARTBEAT_MS', describe: 'ping interval, ms', default: DEFAULT_LIMITS.heartbeatMs },
  quietSocketMs: {
    env: 'QUIET_SOCKET_MS',
    describe: 'ms a new socket may send nothing before it is closed (4001); 0: no limit',
    default: DEFAULT_LIMITS.quietSocketMs,
  },
  chatHistory: {
    env: 'CHAT_HISTORY',
    describe: 'chat messages kept for late joiners (0: none)',
    default: DEFAULT_LIMITS.chatHistory,
  },
};

/** `--help`: every setting, its flag, variable and default. */
export function usage(): string {
  const rows = Object.entries(SETTINGS).map(([key, s]) => {
    const left = `  --${kebab(key)} / ${s.env}`;
    const tail = s.default === undefined ? '' : ` (default: ${s.default})`;
    return `${left.padEnd(48)} ${s.describe}${tail}`;
  });
  return [
    'Usage: meeting-room-server [--flag value ...]',
    '',
    'Every setting is an environment variable or a flag (a flag wins).',
    '',
    ...rows,
    '',
    'Docs: docs/DEPLOY.md (set-up), docs/PROTOCOL.md (the wire), docs/SCALING.md (several processes).',
  ].join('\n');
}

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
    if (value?.startsWith('replace-with')) {
      throw new ConfigError(`${SETTINGS[key]!.env} still has the example value: use \`openssl rand -base64 32\``);
    }
    return value;
  };

  const proxies = (): BlockList | undefined => {
    const value = raw('trustProxy');
    if (value === undefined) return undefined;
    try {
      return parseTrustedProxies(list(value));
    } catch (error) {
      throw new ConfigError(`TRUST_PROXY: ${(error as Error).message}`);
    }
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

  const sfu = sfuConfig(raw, secret, int);

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
    metricsToken: secret('metricsToken'),
    trustProxy: proxies(),
    allowedOrigins: origins === undefined || origins === '*' ? undefined : list(origins),
    turn:
      turnSecret === undefined
        ? undefined
        : { secret: turnSecret, urls: turnUrls, ttlSeconds: int('turnTtl', DEFAULT_TURN_TTL, 10, 86_400) },
    stunUrls,
    staticDir: raw('staticDir'),
    redisUrl,
    ...(sfu ? { sfu } : {}),
    logLevel,
    limits: {
      ...d,
      maxFrameBytes: int('maxFrameBytes', d.maxFrameBytes, 1024, 1024 * 1024),
      messagesPerSecond: int('messagesPerSecond', d.messagesPerSecond, 1, 100_000),
      messageBurst: int('messageBurst', d.messageBurst, 1, 100_000),
      maxParticipants: int(
        'maxParticipants',
        sfu ? DEFAULT_SFU_MAX_PARTICIPANTS : d.maxParticipants,
        2,
        sfu ? 200 : 64,
      ),
      maxRooms: int('maxRooms', d.maxRooms, 1, 1_000_000),
      maxConnections: int('maxConnections', d.maxConnections, 1, 1_000_000),
      resumeWindowMs: int('resumeWindowMs', d.resumeWindowMs, 0, 600_000),
      heartbeatMs: int('heartbeatMs', d.heartbeatMs, 100, 600_000),
      quietSocketMs: int('quietSocketMs', d.quietSocketMs, 0, 3_600_000),
      chatHistory: int('chatHistory', d.chatHistory, 0, 1000),
      addressSockets: int('addressSockets', d.addressSockets, 0, 1_000_000),
      addressJoinsPerMinute: int('addressJoinsPerMinute', d.addressJoinsPerMinute, 0, 1_000_000),
      addressRoomsPerMinute: int('addressRoomsPerMinute', d.addressRoomsPerMinute, 0, 1_000_000),
    },
  };
  return config;
}

/** The SFU settings: all of Janus's or none (one instance, or several with JANUS_URLS); MEDIA_MODE and MESH_MAX. */
function sfuConfig(
  raw: (key: keyof typeof SETTINGS) => string | undefined,
  secret: (key: keyof typeof SETTINGS) => string | undefined,
  int: (key: keyof typeof SETTINGS, fallback: number, min: number, max: number) => number,
): SfuConfig | undefined {
  const several = raw('janusUrls') !== undefined || raw('janusAdminUrls') !== undefined;
  if (several && (raw('janusUrl') !== undefined || raw('janusAdminUrl') !== undefined)) {
    throw new ConfigError(
      'set JANUS_URL and JANUS_ADMIN_URL (one instance) or JANUS_URLS and JANUS_ADMIN_URLS, not both',
    );
  }
  const [urlKey, adminKey] = several
    ? (['janusUrls', 'janusAdminUrls'] as const)
    : (['janusUrl', 'janusAdminUrl'] as const);
  const named = SETTINGS[urlKey]!.env;
  const configured = raw(urlKey) !== undefined;
  const mode = raw('mediaMode') ?? (configured ? 'auto' : 'mesh');
  if (mode !== 'mesh' && mode !== 'sfu' && mode !== 'auto') {
    throw new ConfigError(`MEDIA_MODE must be mesh, sfu or auto, got "${mode}"`);
  }
  const keys = [adminKey, 'janusApiSecret', 'janusAdminSecret', 'janusAdminKey'] as const;
  if (!configured) {
    if (mode !== 'mesh') throw new ConfigError(`MEDIA_MODE ${mode} needs JANUS_URL (and the other JANUS_ settings)`);
    const stray = keys.find((key) => raw(key) !== undefined);
    if (stray) throw new ConfigError(`${SETTINGS[stray]!.env} is set but ${named} is not`);
    return undefined;
  }
  if (mode === 'mesh') return undefined;
  const [urls, adminUrls] = [urlKey, adminKey].map((key) => {
    const values = several ? list(raw(key)) : [raw(key)].filter((v) => v !== undefined);
    if (values.length === 0) throw new ConfigError(`${SETTINGS[key]!.env} must be set with ${named}`);
    for (const value of values) {
      if (!/^wss?:\/\/\S+$/.test(value)) throw new ConfigError(`${SETTINGS[key]!.env} must be a ws:// or wss:// URL`);
    }
    return values;
  }) as [string[], string[]];
  if (urls.length !== adminUrls.length) {
    throw new ConfigError(`JANUS_URLS has ${urls.length} URLs and JANUS_ADMIN_URLS ${adminUrls.length}: one each`);
  }
  if (new Set(urls).size !== urls.length) throw new ConfigError('JANUS_URLS names an instance twice');
  const [apiSecret, adminSecret, adminKeyValue] = (
    ['janusApiSecret', 'janusAdminSecret', 'janusAdminKey'] as const
  ).map((key) => {
    const value = secret(key);
    if (value === undefined) throw new ConfigError(`${SETTINGS[key]!.env} must be set with ${named}`);
    return value;
  });
  return {
    janus: urls.map((url, i) => ({
      url,
      adminUrl: adminUrls[i]!,
      apiSecret: apiSecret!,
      adminSecret: adminSecret!,
      adminKey: adminKeyValue!,
    })),
    mode,
    meshMax: int('meshMax', 4, 2, 16),
  };
}
