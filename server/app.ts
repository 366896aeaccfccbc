/**
 * createMeetingServer: one HTTP server with the WebSocket at `/ws`, wired to
 * a RoomManager over a RoomStore. No globals, no side effects until
 * `listen()`, so tests start as many servers as they like.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES, SIGNAL_PATH } from '../src/protocol/index.js';
import { AddressLimits, clientAddress } from './addresses.js';
import { TokenVerifier } from './auth.js';
import type { ServerConfig } from './config.js';
import { Connection } from './connection.js';
import { createHttpHandler } from './http.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { RoomManager } from './rooms.js';
import { SfuPool } from './sfu.js';
import { MemoryStore, type RoomStore } from './store.js';
import { TurnProbe } from './turn-probe.js';
import { iceServersFor } from './turn.js';

/** How long shutdown waits for clients to answer the close handshake. */
const CLOSE_GRACE_MS = 2000;

export interface MeetingServer {
  readonly http: Server;
  readonly metrics: Metrics;
  readonly store: RoomStore;
  readonly rooms: RoomManager;
  /** The media servers (Janus instances) and this process's connections to them, in SFU mode. */
  readonly sfu: SfuPool | undefined;
  /** Resolves with the bound address, e.g. for PORT=0. */
  listen(): Promise<AddressInfo>;
  /** Stops accepting, closes every socket with 1001, and releases everything. */
  close(): Promise<void>;
  /**
   * Cuts every WebSocket without a close handshake, as a network failure
   * would; members keep their seats for the resume window. Returns the count.
   */
  dropConnections(): number;
}

export interface ServerDeps {
  store?: RoomStore;
  log?: Logger;
  metrics?: Metrics;
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function createMeetingServer(config: ServerConfig, deps: ServerDeps = {}): MeetingServer {
  const log = deps.log ?? createLogger(config.logLevel);
  const metrics = deps.metrics ?? new Metrics();
  const store = deps.store ?? new MemoryStore();
  const { limits } = config;
  const addresses = new AddressLimits(limits, metrics, log);
  const sfu = config.sfu
    ? new SfuPool(
        config.sfu.janus,
        (room, to, message) => store.publish(room, { to, message }),
        log,
        limits.maxParticipants,
      )
    : undefined;
  const rooms = new RoomManager({
    ...(config.sfu && sfu ? { media: { mode: config.sfu.mode, meshMax: config.sfu.meshMax, servers: sfu } } : {}),
    addresses,
    store,
    limits,
    metrics,
    log,
    verifier: config.authSecret ? new TokenVerifier(config.authSecret) : undefined,
    iceServersFor: (clientId) => iceServersFor(config, clientId),
    ...(config.turn ? { iceRefreshMs: (config.turn.ttlSeconds * 1000) / 2 } : {}),
  });
  if (sfu) sfu.onChange = (instance, up) => void rooms.sfuChanged(instance, up).catch(() => {});
  const relays = config.turn ? new TurnProbe(config.turn.urls) : undefined;
  const connections = new Set<Connection>();
  let accepting = true;
  let untrustedForwardLogged = false;

  const wss = new WebSocketServer({
    noServer: true,
    // Frames up to 4x the limit are read and answered with `too-large`; ws closes larger ones with 1009 itself.
    maxPayload: limits.maxFrameBytes * 4,
    perMessageDeflate: false,
  });

  const http = createServer(
    createHttpHandler({
      metrics,
      store,
      adminToken: config.adminToken,
      metricsToken: config.metricsToken,
      ...(relays ? { relays: () => relays.states() } : {}),
      ...(sfu ? { janus: () => sfu.states() } : {}),
      staticDir: config.staticDir,
      accepting: () => accepting,
    }),
  );

  http.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== SIGNAL_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!accepting || connections.size >= limits.maxConnections) {
      return refuseUpgrade(socket, 503, 'Service Unavailable');
    }
    const origin = req.headers.origin;
    if (config.allowedOrigins && (origin === undefined || !config.allowedOrigins.includes(origin))) {
      log.warn({ origin }, 'WebSocket refused: origin not allowed');
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const forwarded = req.headers['x-forwarded-for'];
    if (forwarded !== undefined && !config.trustProxy && !untrustedForwardLogged) {
      untrustedForwardLogged = true;
      log.warn(
        { from: req.socket.remoteAddress },
        'X-Forwarded-For ignored: set TRUST_PROXY to the proxy address, or every client counts as the proxy',
      );
    }
    const address = clientAddress(req.socket.remoteAddress, forwarded, config.trustProxy);
    if (!addresses.openSocket(address)) return refuseUpgrade(socket, 429, 'Too Many Requests');
    // The upgrade may still fail (a bad handshake): the count is given back when the socket goes either way.
    let counted = true;
    const release = () => {
      if (counted) addresses.closeSocket(address);
      counted = false;
    };
    socket.once('close', release);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new Connection(ws, { rooms, limits, metrics, log }, address);
      connections.add(connection);
      ws.once('close', () => connections.delete(connection));
    });
  });

  const heartbeat = setInterval(() => {
    for (const connection of connections) connection.heartbeat();
  }, limits.heartbeatMs);
  heartbeat.unref();

  metrics.counts = () => store.counts();
  if (sfu) metrics.sfuCounts = () => sfu.counts();

  return {
    http,
    metrics,
    store,
    rooms,
    sfu,
    listen: async () => {
      await sfu?.start();
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          relays?.start();
          http.off('error', reject);
          const address = http.address() as AddressInfo;
          log.info({ host: address.address, port: address.port }, 'listening');
          resolve(address);
        });
      });
    },
    dropConnections: () => {
      const count = wss.clients.size;
      for (const client of wss.clients) client.terminate();
      return count;
    },
    close: async () => {
      if (!accepting) return;
      accepting = false;
      clearInterval(heartbeat);
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      for (const connection of connections) connection.close(CLOSE_CODES.goingAway, 'server shutting down');
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const client of wss.clients) client.terminate();
      http.closeAllConnections();
      rooms.close();
      addresses.close();
      relays?.close();
      await sfu?.close();
      await closed;
      await store.close();
      log.info('stopped');
    },
  };
}
