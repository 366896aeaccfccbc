/**
 * The plain HTTP side of the server: health, metrics, the room graph API and
 * static files. Everything else is 404.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import type { Metrics } from './metrics.js';
import type { RoomStore } from './store.js';
import type { RelayState } from './turn-probe.js';

export interface HttpContext {
  metrics: Metrics;
  store: RoomStore;
  adminToken?: string;
  /** When set, /metrics answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  staticDir?: string;
  /** The last probe of each configured TURN URL (absent: no TURN configured). */
  relays?: () => Record<string, RelayState>;
  /**
   * The media servers (SFU mode), when configured, each up or down: one down
   * degrades (its rooms move to another, or stay a mesh meanwhile).
   */
  janus?: () => ('up' | 'down')[];
  /** False once shutdown began: /healthz then answers 503. */
  accepting: () => boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A chunk's name ends in a content hash (`call-view-DJ4c95Tn.js`): its content never changes under that name. */
const HASHED = /-[\w-]{8}\.js(\.map)?$/;
/** The embed file and its chunks (and their source maps): modules that pages on other origins load. */
const EMBED = /\.js(\.map)?$/;

/**
 * Caching and CORS for a static file: content-hashed chunks are immutable for
 * a year; the embed file (whose name stays) is cached briefly and revalidated
 * with its ETag, so a new release reaches pages within minutes; everything else
 * (the demo pages) is revalidated on every load. Modules are readable from any
 * origin, so a page elsewhere can load the embed from this server.
 */
export function staticHeaders(path: string): Record<string, string> {
  const headers: Record<string, string> = {
    'cache-control': HASHED.test(path)
      ? 'public, max-age=31536000, immutable'
      : EMBED.test(path)
        ? 'public, max-age=300, must-revalidate'
        : 'no-cache',
    vary: 'Accept-Encoding',
  };
  if (EMBED.test(path)) headers['access-control-allow-origin'] = '*';
  return headers;
}

export function createHttpHandler(ctx: HttpContext): Handler {
  const notFound = (res: ServerResponse) => json(res, 404, { error: 'not found' });
  const files = ctx.staticDir
    ? sirv(ctx.staticDir, { dev: false, etag: true, dotfiles: false, extensions: ['html'], brotli: true, gzip: true })
    : undefined;
  // Set before sirv answers, so that a 304 carries them too.
  const statics: Handler | undefined = files
    ? (req, res) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        for (const [name, value] of Object.entries(staticHeaders(path))) res.setHeader(name, value);
        files(req, res, () => notFound(res));
      }
    : undefined;

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      json(res, 405, { error: 'method not allowed' });
      return;
    }
    if (path === '/healthz') {
      // 503 only for what breaks this process (shutting down, its shared store gone): a TURN server down is
      // every process's problem, so it degrades the answer without taking processes out of a balancer.
      const store = ctx.store.healthy ?? true;
      const relays = ctx.relays?.();
      const instances = ctx.janus?.();
      const janusDown = instances?.includes('down') ?? false;
      // One instance: up or down; several: up, down (all of them) or partial, and each by its place in JANUS_URLS.
      const janus =
        instances && (!janusDown ? 'up' : instances.length === 1 || !instances.includes('up') ? 'down' : 'partial');
      const relaysDown = (relays !== undefined && Object.values(relays).some((state) => state === 'down')) || janusDown;
      const status = !ctx.accepting() ? 'shutting-down' : !store ? 'store-unreachable' : relaysDown ? 'degraded' : 'ok';
      json(res, status === 'ok' || status === 'degraded' ? 200 : 503, {
        status,
        ...ctx.store.counts(),
        dependencies: {
          store: ctx.store.healthy === undefined ? 'memory' : store ? 'up' : 'down',
          ...(relays ? { turn: relays } : {}),
          ...(janus ? { janus } : {}),
          ...(instances && instances.length > 1 ? { janusInstances: instances } : {}),
        },
      });
      return;
    }
    if (path === '/metrics') {
      if (ctx.metricsToken && !bearerMatches(req.headers.authorization, ctx.metricsToken)) {
        res.setHeader('www-authenticate', 'Bearer');
        json(res, 401, { error: 'unauthorized' });
        return;
      }
      ctx.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType });
          res.end(text);
        },
        () => json(res, 500, { error: 'metrics unavailable' }),
      );
      return;
    }
    const room = /^\/api\/rooms\/([^/]+)$/.exec(path);
    if (room) {
      if (!ctx.adminToken) return notFound(res);
      if (!bearerMatches(req.headers.authorization, ctx.adminToken)) {
        res.setHeader('www-authenticate', 'Bearer');
        json(res, 401, { error: 'unauthorized' });
        return;
      }
      let name: string;
      try {
        name = decodeURIComponent(room[1]!);
      } catch {
        return notFound(res);
      }
      ctx.store.graph(name).then(
        (graph) => (graph ? json(res, 200, graph) : json(res, 404, { error: 'no such room' })),
        () => json(res, 500, { error: 'graph unavailable' }),
      );
      return;
    }
    if (path === '/ws') {
      json(res, 426, { error: 'WebSocket upgrade required' });
      return;
    }
    if (statics) {
      statics(req, res);
      return;
    }
    notFound(res);
  };
}
