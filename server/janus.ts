/**
 * The signaling server's client of a Janus media server (SFU mode, issue 20):
 * the Janus WebSocket API (subprotocol `janus-protocol`, every request with
 * the `api_secret`) and its admin API (`janus-admin-protocol`, the
 * `admin_secret`), for the VideoRoom plugin. Only the signaling server talks
 * to Janus: browsers keep speaking our protocol and never see Janus's ids or
 * secrets. Rooms are made here, private and with `require_pvtid`, so that a
 * subscriber must present a private id that only a publisher of that room
 * holds (see ../shared/SFU.md, "Access control").
 *
 * This module is the transport and the room administration; mapping feeds to
 * participants and the switch between mesh and SFU build on it.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';

export interface JanusOptions {
  /** The WebSocket API, e.g. `ws://127.0.0.1:8188`. */
  url: string;
  apiSecret: string;
  /** The admin WebSocket API, e.g. `ws://127.0.0.1:7188`. */
  adminUrl: string;
  adminSecret: string;
  /** The VideoRoom plugin's `admin_key`: needed to create rooms. */
  adminKey: string;
  /** How long a request may wait for its answer. Default 10 s. */
  timeoutMs?: number;
}

/** A Janus error answer (`code` as Janus gives it, e.g. 403, 433). */
/** The connection to Janus closed (or was not open) before a request was answered: that instance is gone. */
export class JanusClosed extends Error {}

export class JanusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`Janus ${code}: ${message}`);
    this.name = 'JanusError';
  }
}

type Reply = Record<string, unknown> & { janus: string; transaction?: string };

/** An unsolicited message about one handle: a plugin event (with its data and perhaps an SDP), or webrtcup, media, hangup. */
export interface HandleEvent {
  janus: string;
  data?: Record<string, unknown>;
  jsep?: { type: string; sdp: string };
  /** For `media`: the stream's mid and whether Janus receives it. */
  mid?: string;
  receiving?: boolean;
}

/** One WebSocket to Janus (or its admin API) with request/answer by transaction. */
class Channel {
  #socket: WebSocket;
  #pending = new Map<
    string,
    { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; plugin: boolean }
  >();
  #timeoutMs: number;
  /** Unsolicited messages. */
  onEvent: ((message: Reply) => void) | undefined;
  /** The connection closed (Janus went away). */
  onClose: (() => void) | undefined;

  private constructor(socket: WebSocket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    socket.on('message', (data) => {
      let message: Reply;
      try {
        message = JSON.parse(String(data)) as Reply;
      } catch {
        return;
      }
      const waiting = message.transaction ? this.#pending.get(message.transaction) : undefined;
      // A plugin request's `ack` only says it was taken: its answer is the `event` with the same transaction.
      // (A keepalive's or a trickle's answer is the `ack` itself.) Anything else is unsolicited: a plugin event
      // (someone published, left, talks), webrtcup, media, hangup, or an event for an expired transaction.
      if (!waiting) {
        if (message.janus !== 'ack') this.onEvent?.(message);
        return;
      }
      if (message.janus === 'ack' && waiting.plugin) return;
      this.#pending.delete(message.transaction!);
      clearTimeout(waiting.timer);
      const error = (message['error'] ?? (message['plugindata'] as { data?: Record<string, unknown> })?.data) as
        { code?: number; reason?: string; error_code?: number; error?: string } | undefined;
      if (message.janus === 'error') waiting.reject(new JanusError(error?.code ?? 0, error?.reason ?? 'error'));
      else if (error?.error_code) waiting.reject(new JanusError(error.error_code, error.error ?? 'error'));
      else waiting.resolve(message);
    });
    socket.on('close', () => {
      for (const { reject, timer } of this.#pending.values()) {
        clearTimeout(timer);
        reject(new JanusClosed('the connection to Janus closed'));
      }
      this.#pending.clear();
      this.onClose?.();
    });
  }

  static open(url: string, protocol: string, timeoutMs: number): Promise<Channel> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocol);
      socket.once('open', () => resolve(new Channel(socket, timeoutMs)));
      socket.once('error', reject);
    });
  }

  request(message: Record<string, unknown>): Promise<Reply> {
    const transaction = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transaction);
        reject(new Error(`Janus did not answer ${String(message['janus'])} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(transaction, { resolve, reject, timer, plugin: message['janus'] === 'message' });
      this.#socket.send(JSON.stringify({ ...message, transaction }), (error) => {
        if (!error || !this.#pending.delete(transaction)) return;
        clearTimeout(timer);
        reject(new JanusClosed(`the connection to Janus closed: ${error.message}`));
      });
    });
  }

  close(): void {
    this.#socket.close();
  }
}

/** Options of a VideoRoom made by the server. */
export interface RoomOptions {
  /** Publishers at most. Default 16. */
  publishers?: number;
}

export class Janus {
  #api: Channel;
  #admin: Channel;
  #options: JanusOptions;
  #keepalive: NodeJS.Timeout | undefined;
  #handlers = new Map<number, (event: HandleEvent) => void>();
  #closed = false;
  readonly sessionId: number;
  /** Called once when the connection to Janus is lost (not after close()). */
  onLost: (() => void) | undefined;

  private constructor(api: Channel, admin: Channel, options: JanusOptions, sessionId: number) {
    this.#api = api;
    this.#admin = admin;
    this.#options = options;
    this.sessionId = sessionId;
    api.onEvent = (message) => {
      const handler = typeof message['sender'] === 'number' ? this.#handlers.get(message['sender']) : undefined;
      if (!handler) return;
      const plugin = message['plugindata'] as { data?: Record<string, unknown> } | undefined;
      handler({
        janus: message.janus,
        ...(plugin?.data ? { data: plugin.data } : {}),
        ...(message['jsep'] ? { jsep: message['jsep'] as { type: string; sdp: string } } : {}),
        ...(typeof message['mid'] === 'string' ? { mid: message['mid'] } : {}),
        ...(typeof message['receiving'] === 'boolean' ? { receiving: message['receiving'] } : {}),
      });
    };
    const lost = () => {
      if (this.#closed) return;
      this.#closed = true;
      clearInterval(this.#keepalive);
      api.close();
      admin.close();
      this.onLost?.();
    };
    api.onClose = lost;
    admin.onClose = lost;
    // Janus ends a session after `session_timeout` (60 s) without a request.
    this.#keepalive = setInterval(() => void this.keepalive().catch(() => {}), 25_000);
    this.#keepalive.unref();
  }

  /** Connects to both APIs and opens a session. */
  static async connect(options: JanusOptions): Promise<Janus> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const api = await Channel.open(options.url, 'janus-protocol', timeoutMs);
    const admin = await Channel.open(options.adminUrl, 'janus-admin-protocol', timeoutMs).catch((error: unknown) => {
      api.close();
      throw error;
    });
    try {
      const created = await api.request({ janus: 'create', apisecret: options.apiSecret });
      return new Janus(api, admin, options, (created['data'] as { id: number }).id);
    } catch (error) {
      api.close();
      admin.close();
      throw error;
    }
  }

  /** A session request (the api_secret and session id added). */
  #call(message: Record<string, unknown>): Promise<Reply> {
    return this.#api.request({ ...message, session_id: this.sessionId, apisecret: this.#options.apiSecret });
  }

  /** A VideoRoom request through the admin API: needs no session or handle. */
  async #videoroom(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.#admin.request({
      janus: 'message_plugin',
      admin_secret: this.#options.adminSecret,
      plugin: 'janus.plugin.videoroom',
      request: { ...request, admin_key: this.#options.adminKey },
    });
    const response = (reply['response'] ?? {}) as Record<string, unknown>;
    if (typeof response['error_code'] === 'number') {
      throw new JanusError(response['error_code'], String(response['error'] ?? 'error'));
    }
    return response;
  }

  /**
   * Makes the VideoRoom for one of our rooms (its name is the Janus room id:
   * the plugin runs with `string_ids`): private (not listed), `require_pvtid`
   * (a subscriber must present a publisher's private id of this room), talking
   * events on, and a room `secret` only this server knows. Idempotent.
   */
  async createRoom(room: string, { publishers = 16 }: RoomOptions = {}): Promise<void> {
    const { exists } = await this.#videoroom({ request: 'exists', room });
    if (exists === true) return;
    await this.#videoroom({
      request: 'create',
      room,
      secret: this.#options.adminKey,
      is_private: true,
      require_pvtid: true,
      publishers,
      audiolevel_event: true,
      permanent: false,
    }).catch((error: unknown) => {
      // 427: made meanwhile (by another signaling process, or a request racing this one).
      if (!(error instanceof JanusError && error.code === 427)) throw error;
    });
  }

  /** The rooms on this instance, private ones too (the admin key lists them), with how many may publish in each. */
  async rooms(): Promise<{ room: string; maxPublishers: number }[]> {
    const { list } = await this.#videoroom({ request: 'list' });
    return ((list ?? []) as { room: string; max_publishers: number }[]).map((r) => ({
      room: r.room,
      maxPublishers: r.max_publishers,
    }));
  }

  async destroyRoom(room: string): Promise<void> {
    await this.#videoroom({ request: 'destroy', room, secret: this.#options.adminKey }).catch((error: unknown) => {
      if (!(error instanceof JanusError && error.code === 426)) throw error; // 426: no such room
    });
  }

  /** Attaches a VideoRoom handle; resolves with its id. */
  async attach(): Promise<number> {
    const reply = await this.#call({ janus: 'attach', plugin: 'janus.plugin.videoroom' });
    return (reply['data'] as { id: number }).id;
  }

  /** A request on a handle; resolves with the plugin's answer (`plugindata.data`) and its jsep, if any. */
  async message(
    handle: number,
    body: Record<string, unknown>,
    jsep?: { type: string; sdp: string },
  ): Promise<{ data: Record<string, unknown>; jsep?: { type: string; sdp: string } }> {
    const reply = await this.#call({ janus: 'message', handle_id: handle, body, ...(jsep ? { jsep } : {}) });
    const data = ((reply['plugindata'] as { data?: Record<string, unknown> })?.data ?? {}) as Record<string, unknown>;
    const answer = reply['jsep'] as { type: string; sdp: string } | undefined;
    return answer ? { data, jsep: answer } : { data };
  }

  /** Receives the unsolicited events of a handle (one listener a handle); returns the function that stops it. */
  listen(handle: number, listener: (event: HandleEvent) => void): () => void {
    this.#handlers.set(handle, listener);
    return () => {
      if (this.#handlers.get(handle) === listener) this.#handlers.delete(handle);
    };
  }

  /** Sends a browser's ICE candidate (null: its gathering ended) to a handle. */
  async trickle(handle: number, candidate: Record<string, unknown> | null): Promise<void> {
    await this.#call({ janus: 'trickle', handle_id: handle, candidate: candidate ?? { completed: true } });
  }

  async detach(handle: number): Promise<void> {
    this.#handlers.delete(handle);
    await this.#call({ janus: 'detach', handle_id: handle });
  }

  /** False once the connection to Janus was lost or closed. */
  get connected(): boolean {
    return !this.#closed;
  }

  /** Keeps the session alive now (the client does it every 25 s by itself). */
  async keepalive(): Promise<void> {
    await this.#call({ janus: 'keepalive' });
  }

  /** Ends the session and both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepalive);
    await this.#call({ janus: 'destroy' }).catch(() => {});
    this.#api.close();
    this.#admin.close();
  }
}
