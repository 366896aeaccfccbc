/**
 * Is the TURN server reachable from here? A STUN Binding request to each
 * configured URL (UDP, TCP or TLS as the URL says; coturn answers Binding
 * without credentials), repeated in the background, so that `/healthz` can
 * say which relays are up without waiting on the network.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;

export type RelayState = 'up' | 'down' | 'unknown';

interface Target {
  url: string;
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
}

/** Reads `turn:host:port?transport=tcp` / `turns:host` into where and how to probe. */
export function probeTarget(url: string): Target | undefined {
  const match = /^(turns?):(\[[^\]]+\]|[^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(url);
  if (!match) return undefined;
  const secure = match[1]!.toLowerCase() === 'turns';
  const host = match[2]!.replace(/^\[|\]$/g, '');
  const transport = secure ? 'tls' : ((match[4]?.toLowerCase() as 'udp' | 'tcp' | undefined) ?? 'udp');
  return { url, host, port: Number(match[3] ?? (secure ? 5349 : 3478)), transport };
}

function bindingRequest(): { packet: Buffer; id: Buffer } {
  const id = randomBytes(12);
  const packet = Buffer.alloc(20);
  packet.writeUInt16BE(BINDING_REQUEST, 0);
  packet.writeUInt16BE(0, 2);
  packet.writeUInt32BE(MAGIC_COOKIE, 4);
  id.copy(packet, 8);
  return { packet, id };
}

function isAnswer(data: Buffer, id: Buffer): boolean {
  return data.length >= 20 && data.readUInt16BE(0) === BINDING_SUCCESS && data.subarray(8, 20).equals(id);
}

/** One Binding round trip to `target`; resolves true on a matching success response within `timeoutMs`. */
export function probe(target: Target, timeoutMs = 2000): Promise<boolean> {
  const { packet, id } = bindingRequest();
  return new Promise((resolve) => {
    let release = () => {};
    let done = false;
    const settle = (up: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      release();
      resolve(up);
    };
    const timer = setTimeout(() => settle(false), timeoutMs);
    if (target.transport === 'udp') {
      const socket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
      release = () => socket.close();
      socket.on('error', () => settle(false));
      socket.on('message', (data) => isAnswer(data, id) && settle(true));
      socket.send(packet, target.port, target.host);
      return;
    }
    const socket: Socket =
      target.transport === 'tls'
        ? connectTls({ host: target.host, port: target.port, servername: target.host, rejectUnauthorized: false })
        : connectTcp({ host: target.host, port: target.port });
    release = () => socket.destroy();
    let received = Buffer.alloc(0);
    socket.on('error', () => settle(false));
    socket.once(target.transport === 'tls' ? 'secureConnect' : 'connect', () => socket.write(packet));
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (received.length >= 20) settle(isAnswer(received, id));
    });
  });
}

/** Probes every URL from `start()` on, every `intervalMs`; `states()` is the last result of each. */
export class TurnProbe {
  readonly #targets: Target[];
  readonly #states = new Map<string, RelayState>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    urls: readonly string[],
    private readonly intervalMs = 30_000,
  ) {
    this.#targets = urls.flatMap((url) => probeTarget(url) ?? []);
    for (const url of urls) this.#states.set(url, probeTarget(url) ? 'unknown' : 'down');
  }

  /** Probes now, then every interval. */
  start(): void {
    if (this.#timer) return;
    void this.run();
    this.#timer = setInterval(() => void this.run(), this.intervalMs);
    this.#timer.unref();
  }

  /** Probes every target once; resolves when all have answered or timed out. */
  async run(): Promise<void> {
    await Promise.all(
      this.#targets.map(async (target) => this.#states.set(target.url, (await probe(target)) ? 'up' : 'down')),
    );
  }

  states(): Record<string, RelayState> {
    return Object.fromEntries(this.#states);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
