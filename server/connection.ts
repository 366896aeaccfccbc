/**
 * One client socket and the per-message pipeline:
 * rate limit → frame checks → guarded parse → validate → authorize → route.
 * Messages of one socket are handled strictly in order, also when routing
 * waits on the store.
 */
import type { RawData, WebSocket } from 'ws';
import { CLOSE_CODES, type ClientMessage, type ErrorCode, type ServerMessage } from '../src/protocol/index.js';
import type { Limits } from './config.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { parseClientMessage } from './parse.js';
import { TokenBucket } from './rate-limit.js';
import { Refusal, type ClientSocket, type RoomManager, type Session } from './rooms.js';

/** At most one `rate-limited` ERROR per this many ms, so refusals do not amplify a flood. */
const RATE_ERROR_INTERVAL_MS = 250;

/**
 * A socket over its rate is not read for this long: its frames wait in the
 * kernel instead of costing this process a parse each (a flooder's frames
 * otherwise slow every other socket down). Sustained, it is closed as before.
 */
const OVER_RATE_PAUSE_MS = 50;

export interface ConnectionContext {
  rooms: RoomManager;
  limits: Limits;
  metrics: Metrics;
  log: Logger;
}

export class Connection implements ClientSocket {
  session: Session | undefined;
  /** Cleared by each heartbeat, set by each pong. */
  alive = true;
  readonly #ws: WebSocket;
  readonly #ctx: ConnectionContext;
  readonly #bucket: TokenBucket;
  readonly #queue: ClientMessage[] = [];
  #busy = false;
  #lastRateError = -Infinity;
  /** Set while the socket is not read because it went over its rate (see OVER_RATE_PAUSE_MS). */
  #pauseTimer: ReturnType<typeof setTimeout> | undefined;
  /** Until the first frame: a socket opened ahead of a join (the client's preconnect) is not kept for ever. */
  #quietTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    ws: WebSocket,
    ctx: ConnectionContext,
    /** The client's address (see addresses.ts), for per-address limits. */
    readonly address = 'unknown',
  ) {
    this.#ws = ws;
    this.#ctx = ctx;
    this.#bucket = new TokenBucket(
      ctx.limits.messagesPerSecond,
      ctx.limits.messageBurst,
      ctx.limits.floodCloseMs,
      performance.now(),
    );
    ws.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('error', (error) => ctx.log.debug({ err: error.message }, 'socket error'));
    if (ctx.limits.quietSocketMs > 0) {
      this.#quietTimer = setTimeout(() => {
        ctx.log.debug({ address }, 'socket closed: nothing sent');
        this.close(CLOSE_CODES.quiet, `nothing sent within ${ctx.limits.quietSocketMs} ms`);
      }, ctx.limits.quietSocketMs);
      ws.once('message', () => clearTimeout(this.#quietTimer)); // the first frame, off the per-message path
    }
    ws.once('close', () => {
      clearTimeout(this.#quietTimer);
      clearTimeout(this.#pauseTimer);
      this.#queue.length = 0;
      ctx.metrics.connections.dec();
      ctx.rooms.detach(this);
    });
    ctx.metrics.connections.inc();
  }

  get open(): boolean {
    return this.#ws.readyState === this.#ws.OPEN;
  }

  send(message: ServerMessage): void {
    if (this.open) this.#ws.send(JSON.stringify(message));
  }

  close(code: number, reason: string): void {
    if (this.open) this.#ctx.metrics.closes.inc({ reason: String(code) });
    this.#ws.close(code, reason);
  }

  /** Heartbeat tick: a socket that did not answer the last ping is dead. */
  heartbeat(): void {
    if (!this.alive) {
      this.#ctx.metrics.closes.inc({ reason: 'heartbeat' });
      this.#ws.terminate();
      return;
    }
    this.alive = false;
    this.#ws.ping();
  }

  #error(code: ErrorCode, message: string, ref?: string): void {
    this.#ctx.metrics.errors.inc({ code });
    this.send({ type: 'ERROR', code, message, ...(ref === undefined ? {} : { ref }) });
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    if (!this.open) return;
    const now = performance.now();
    const verdict = this.#bucket.take(now);
    if (verdict === 'flooding') {
      // Stop reading first: a flooder's backlog (megabytes in the kernel) would otherwise all be parsed while
      // the close handshake waits for its answer. It gets the close frame, then a second to go.
      this.#ws.pause();
      this.close(CLOSE_CODES.policyViolation, 'message rate limit exceeded');
      setTimeout(() => this.#ws.terminate(), 1000).unref();
      return;
    }
    if (verdict === 'limited') {
      if (!this.#pauseTimer) {
        this.#ws.pause();
        this.#pauseTimer = setTimeout(() => {
          this.#pauseTimer = undefined;
          if (this.open) this.#ws.resume();
        }, OVER_RATE_PAUSE_MS);
      }
      if (now - this.#lastRateError >= RATE_ERROR_INTERVAL_MS) {
        this.#lastRateError = now;
        this.#error('rate-limited', `over ${this.#ctx.limits.messagesPerSecond} messages per second; message dropped`);
      } else {
        this.#ctx.metrics.errors.inc({ code: 'rate-limited' });
      }
      return;
    }
    if (isBinary) {
      this.#error('bad-message', 'binary frames are not accepted; send JSON text');
      return;
    }
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (size > this.#ctx.limits.maxFrameBytes) {
      this.#error('too-large', `frames are limited to ${this.#ctx.limits.maxFrameBytes} bytes`);
      this.close(CLOSE_CODES.tooLarge, 'frame too large');
      return;
    }
    // ws hands over a Buffer (binaryType 'nodebuffer'): decode it in place, without a copy.
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data).toString('utf8');
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.#error(parsed.code, parsed.message, parsed.ref);
      return;
    }
    this.#ctx.metrics.countMessage(parsed.message.type);
    this.#queue.push(parsed.message);
    if (!this.#busy) this.#drain();
  }

  /**
   * Handles queued messages one after another. A message handled at once (a
   * relay) costs no promise; one that waits on the store holds the queue until
   * it is done, so the order of a socket's messages is kept.
   */
  #drain(): void {
    while (this.#queue.length > 0) {
      const message = this.#queue.shift()!;
      let pending: void | Promise<void>;
      try {
        pending = this.#ctx.rooms.handle(this, message);
      } catch (error) {
        this.#failed(error, message);
        continue;
      }
      if (pending) {
        this.#busy = true;
        pending
          .catch((error: unknown) => this.#failed(error, message))
          .finally(() => {
            this.#busy = false;
            this.#drain();
          });
        return;
      }
    }
  }

  #failed(error: unknown, message: ClientMessage): void {
    if (error instanceof Refusal) {
      this.#error(error.code, error.message, message.type);
    } else {
      this.#ctx.log.error({ err: error, type: message.type }, 'message handler failed');
      this.#error('unavailable', 'the server cannot handle this right now; try again', message.type);
    }
  }
}
