/** Test helpers: a real server on a random loopback port and a scripted WebSocket client. */
import { randomUUID } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';
import { createMeetingServer, type MeetingServer } from '../../server/app.js';
import { DEFAULT_LIMITS, type Limits, type ServerConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { Metrics } from '../../server/metrics.js';
import type { ServerMessage, WelcomeMessage } from '../../src/protocol/index.js';

export interface TestServer {
  server: MeetingServer;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export type ConfigOverrides = Partial<Omit<ServerConfig, 'limits'>> & { limits?: Partial<Limits> };

export function testConfig(overrides: ConfigOverrides = {}): ServerConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    stunUrls: [],
    logLevel: 'silent',
    ...overrides,
    // Tests connect from 127.0.0.1 by the hundred: per-address allowances only where a test asks for them.
    limits: {
      ...DEFAULT_LIMITS,
      addressSockets: 0,
      addressJoinsPerMinute: 0,
      addressRoomsPerMinute: 0,
      ...overrides.limits,
    },
  };
}

export async function startServer(overrides: ConfigOverrides = {}): Promise<TestServer> {
  const config = testConfig(overrides);
  const server = createMeetingServer(config, {
    log: createLogger(config.logLevel),
    metrics: new Metrics({ defaultMetrics: false }),
  });
  const address = await server.listen();
  const url = `http://127.0.0.1:${address.port}`;
  return { server, url, wsUrl: `ws://127.0.0.1:${address.port}/ws`, close: () => server.close() };
}

/** A server that is closed when the test `t` ends, whatever its outcome. */
export async function serverFor(
  t: { after(fn: () => Promise<void>): void },
  overrides: ConfigOverrides = {},
): Promise<TestServer> {
  const srv = await startServer(overrides);
  t.after(() => srv.close());
  return srv;
}

export const newId = () => `c${randomUUID().replaceAll('-', '').slice(0, 15)}`;

type Message = ServerMessage & Record<string, unknown>;

/** A WebSocket client that records every message and lets a test wait for one. */
export class TestClient {
  readonly messages: Message[] = [];
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  clientId = newId();
  resumeToken: string | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Message;
      const index = this.#waiters.findIndex((w) => w.match(message));
      if (index >= 0) this.#waiters.splice(index, 1)[0]!.resolve(message);
      else this.messages.push(message);
    });
  }

  static connect(url: string, options?: ClientOptions): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message matching `type` (and `match`), taken from what arrived or waited for. */
  next<T extends Message = Message>(
    type?: string,
    match: (m: Message) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<T> {
    const wanted = (m: Message) => (type === undefined || m.type === type) && match(m);
    const index = this.messages.findIndex(wanted);
    if (index >= 0) return Promise.resolve(this.messages.splice(index, 1)[0] as T);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        match: wanted,
        resolve: (m: Message) => {
          clearTimeout(timer);
          resolve(m as T);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `${this.clientId}: no ${type ?? 'message'} within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Sends `message` and waits for the ERROR that answers it. */
  async expectError(message: unknown, code: string): Promise<Message> {
    this.send(message);
    const error = await this.next('ERROR');
    if (error['code'] !== code) throw new Error(`expected ${code}, got ${JSON.stringify(error)}`);
    return error;
  }

  /** Waits `ms` and returns what arrived of `type` in that time (consumed). */
  async drain(ms: number, type?: string): Promise<Message[]> {
    await new Promise((r) => setTimeout(r, ms));
    const taken = this.messages.filter((m) => type === undefined || m.type === type);
    for (const m of taken) this.messages.splice(this.messages.indexOf(m), 1);
    return taken;
  }

  async join(room: string, extra: Record<string, unknown> = {}): Promise<WelcomeMessage> {
    this.send({ type: 'JOIN', room, clientId: this.clientId, audioEnabled: true, videoEnabled: true, ...extra });
    const reply = await this.next(undefined, (m) => m.type === 'WELCOME' || m.type === 'ERROR');
    if (reply.type !== 'WELCOME') throw new Error(`join refused: ${JSON.stringify(reply)}`);
    this.resumeToken = reply.resumeToken;
    return reply;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** Connects `n` clients and joins them all to `room`, each after the previous one. */
export async function joinAll(wsUrl: string, room: string, n: number): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  for (let i = 0; i < n; i++) {
    const client = await TestClient.connect(wsUrl);
    await client.join(room, { name: `p${i}` });
    for (const other of clients) await other.next('JOIN', (m) => m['from'] === client.clientId);
    clients.push(client);
  }
  return clients;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for a server process's "listening" log line and returns its port, and
 * a function that returns everything the process printed so far.
 */
export function listeningPort(
  child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null },
  timeoutMs = 15_000,
): Promise<{ port: number; output: () => string }> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not listen: ${output}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ port: Number(match[1]), output: () => output });
      }
    });
  });
}

/** A port nothing listens on right now (for a server process started with a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
