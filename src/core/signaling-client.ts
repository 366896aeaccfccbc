/**
 * The signaling client: one reconnecting WebSocket to the meeting-room
 * server (redialled with jittered, growing delays; a dial that does not open
 * within 5 s is abandoned and tried again). It JOINs on every (re)connect
 * with the same clientId and its resumeToken, so a dropped socket resumes the
 * same seat. While away
 * it keeps only what stays meaningful after a reconnect: chat lines (in a
 * bounded queue) and the latest media toggles. SDP, ICE candidates and
 * reports are never replayed; the call layer renegotiates instead.
 */
import type { ClientMessage, ErrorMessage, ServerMessage, WelcomeMessage } from '../protocol/index.js';
import { Emitter } from './emitter.js';
import { isServerMessage } from './server-messages.js';

export type SignalingState = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'closed';

/** Microphone and camera as announced in JOIN. */
export interface MediaState {
  audioEnabled: boolean;
  videoEnabled: boolean;
}

export interface SignalingOptions {
  /** ws: or wss: URL of the server's `/ws` endpoint. */
  url: string;
  room: string;
  /** Kept for the life of the page; random when absent. */
  clientId?: string;
  name?: string;
  token?: string;
  audioEnabled: boolean;
  videoEnabled: boolean;
  /** Most messages kept while disconnected; the oldest are dropped first. */
  maxQueued?: number;
  /** Upper bound of the jittered reconnect delay, in ms. */
  maxReconnectDelayMs?: number;
  /** A dial that has not opened after this long (ms) is abandoned and tried again. Default 5000. */
  connectTimeoutMs?: number;
  /** A WebSocket class, for non-browser use. */
  WebSocket?: typeof WebSocket;
}

export interface SignalingEvents extends Record<string, unknown> {
  state: SignalingState;
  /** WELCOME. `resumed` is true when the server kept our seat (peers saw nothing). */
  welcome: { message: WelcomeMessage; resumed: boolean };
  /** Every other server message. */
  message: Exclude<ServerMessage, WelcomeMessage | ErrorMessage>;
  /** ERROR from the server, or a transport problem (`code: 'transport'`). */
  error: { code: ErrorMessage['code'] | 'transport' | 'replaced'; message: string; ref?: string };
}

/** WebSocket readyState OPEN (the global WebSocket may be absent outside browsers). */
const OPEN = 1;

const noop = (): void => {};

/** Messages that are stale after a reconnect and must never be replayed. */
const EPHEMERAL = new Set<ClientMessage['type']>(['OFFER', 'ANSWER', 'CANDIDATE', 'CONNECTION_STATE', 'ANALYTICS']);

export function randomClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Full-jitter backoff: attempt n waits a random time up to min(cap, 500 ms x 2^n). */
export function reconnectDelay(attempt: number, capMs: number, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  return Math.floor(random() * Math.min(capMs, 500 * 2 ** attempt));
}

/** The socket `preconnect` opened, until a dial to its URL takes it. */
let early: { url: string; socket: WebSocket } | undefined;

/**
 * Opens the signaling socket before the person joins (the pointer on Join,
 * the pre-join view), so that the join skips the socket's opening: on a real
 * network a TCP (and TLS) handshake and the WebSocket upgrade, two or three
 * round trips. The first dial to `url` takes it; one per page (one for
 * another URL is closed). A socket that
 * closed meanwhile (the server closes one that sends nothing for a minute) is
 * replaced; one not taken closes with the page. Throws on a URL that is not
 * ws: or wss:.
 */
export function preconnect(url: string): void {
  if (early?.url === url && early.socket.readyState <= OPEN) return;
  early?.socket.close(); // another server's (an element for another one was pointed at last): not taken now
  const socket = new WebSocket(url);
  early = { url, socket };
}

// One not taken when the page goes is closed with it (an open socket keeps a page out of the back/forward cache).
globalThis.addEventListener?.('pagehide', () => {
  early?.socket.close();
  early = undefined;
});

export class SignalingClient extends Emitter<SignalingEvents> {
  readonly clientId: string;
  #state: SignalingState = 'idle';
  #socket: WebSocket | undefined;
  /** The pending redial, or the open timeout of the socket being dialled. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  #resumeToken: string | undefined;
  #queue: ClientMessage[] = [];
  /** The latest toggle of each kind made while away: peers of a resumed seat learn it only this way. */
  #toggles = new Map<'AUDIO_TOGGLE' | 'VIDEO_TOGGLE', ClientMessage>();
  #attempt = 0;
  #options: SignalingOptions;
  #media: MediaState;
  /** Pending until the local media is known; JOIN waits for it. */
  #ready: Promise<void> | undefined;
  /** Counts socket openings, so that a JOIN held for the media goes out on the socket it was meant for. */
  #opens = 0;
  #ignored = 0;

  constructor(options: SignalingOptions) {
    super();
    this.#options = options;
    this.clientId = options.clientId ?? randomClientId();
    this.#media = { audioEnabled: options.audioEnabled, videoEnabled: options.videoEnabled };
  }

  get state(): SignalingState {
    return this.#state;
  }

  /** Server messages ignored because they were not valid protocol messages. */
  get ignoredMessages(): number {
    return this.#ignored;
  }

  /**
   * Opens the socket and joins. With `ready`, the socket opens at once but
   * JOIN waits for it: a caller opens the connection while the camera starts
   * and JOIN still carries the real microphone and camera state.
   */
  connect(ready?: Promise<MediaState>): void {
    if (this.#state !== 'idle') return;
    if (ready) {
      this.#ready = ready.then((media) => {
        this.#media = { ...media };
      });
    }
    this.#setState('connecting');
    this.#dial();
  }

  /**
   * Opens a socket after the attempt's delay (the first at once), or takes the one `preconnect` opened (open
   * already, or still opening). Each socket gets its own handlers.
   */
  #dial(): void {
    const delay = reconnectDelay(this.#attempt++, this.#options.maxReconnectDelayMs ?? 10_000);
    const dial = () => {
      const { url } = this.#options;
      const taken = early?.url === url && early.socket.readyState <= OPEN ? early.socket : undefined;
      if (taken) early = undefined;
      const socket = taken ?? new (this.#options.WebSocket ?? WebSocket)(url);
      this.#socket = socket;
      this.#timer = setTimeout(() => {
        this.#handleError();
        this.#handleClose({ code: 1006 }, socket);
      }, this.#options.connectTimeoutMs ?? 5000);
      const opened = () => {
        clearTimeout(this.#timer);
        this.#handleOpen();
      };
      socket.onopen = opened;
      socket.onmessage = this.#handleMessage;
      socket.onerror = this.#handleError;
      socket.onclose = (event) => this.#handleClose(event, socket);
      if (socket.readyState === OPEN) opened();
    };
    if (delay) this.#timer = setTimeout(dial, delay);
    else dial();
  }

  /** Lets go of a socket: its late events are ignored (ws in Node needs an error listener to stay). */
  #release(socket: WebSocket, code?: number, reason?: string): void {
    socket.onopen = socket.onmessage = socket.onclose = null;
    socket.onerror = noop;
    socket.close(code, reason);
  }

  /**
   * Sends a message now when joined. Otherwise: SDP, candidates and reports
   * are dropped (returns false), the latest media toggle of each kind is kept
   * and sent after the next WELCOME, and chat lines wait in a bounded queue.
   */
  send(message: ClientMessage): boolean {
    if (message.type === 'AUDIO_TOGGLE') this.#media.audioEnabled = message.enabled;
    if (message.type === 'VIDEO_TOGGLE') this.#media.videoEnabled = message.enabled;
    if (this.#state === 'joined' && this.#socket?.readyState === OPEN) {
      this.#socket.send(JSON.stringify(message));
      return true;
    }
    if (EPHEMERAL.has(message.type) || this.#state === 'closed') return false;
    if (message.type === 'AUDIO_TOGGLE' || message.type === 'VIDEO_TOGGLE') {
      this.#toggles.set(message.type, message);
      return true;
    }
    this.#queue.push(message);
    const max = this.#options.maxQueued ?? 50;
    if (this.#queue.length > max) this.#queue.splice(0, this.#queue.length - max);
    return true;
  }

  /** Sends LEAVE when it can, closes the socket and stops reconnecting. */
  close(): void {
    if (this.#state === 'closed') return;
    const socket = this.#socket;
    if (socket && this.#state === 'joined' && socket.readyState === OPEN) {
      socket.send(JSON.stringify({ type: 'LEAVE' } satisfies ClientMessage));
    }
    this.#queue = [];
    this.#toggles.clear();
    this.#socket = undefined;
    clearTimeout(this.#timer);
    if (socket) this.#release(socket, 1000, 'left');
    this.#setState('closed');
    this.removeAllListeners();
  }

  #setState(state: SignalingState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }

  #handleOpen = (): void => {
    const opened = ++this.#opens;
    if (!this.#ready) return this.#sendJoin();
    // JOIN tells the room our microphone and camera: it waits for them (the socket did not).
    void this.#ready.then(() => {
      this.#ready = undefined;
      if (opened === this.#opens && this.#socket?.readyState === OPEN) this.#sendJoin();
    });
  };

  #sendJoin(): void {
    const { room, name, token } = this.#options;
    this.#socket?.send(
      JSON.stringify({
        type: 'JOIN',
        room,
        clientId: this.clientId,
        ...(name ? { name } : {}),
        ...(token ? { token } : {}),
        ...(this.#resumeToken ? { resumeToken: this.#resumeToken } : {}),
        ...this.#media,
      } satisfies ClientMessage),
    );
  }

  #handleMessage = (event: MessageEvent): void => {
    let data: unknown;
    try {
      data = JSON.parse(String(event.data));
    } catch {
      data = undefined;
    }
    // A server that sends garbage, or a message without the fields its type needs, is ignored, not trusted.
    if (!isServerMessage(data)) {
      this.#ignored++;
      return;
    }
    const message = data;
    if (message.type === 'WELCOME') {
      const resumed = this.#resumeToken !== undefined && message.resumeToken === this.#resumeToken;
      this.#resumeToken = message.resumeToken;
      this.#attempt = 0;
      this.#setState('joined');
      this.emit('welcome', { message, resumed });
      const queued = [...this.#toggles.values(), ...this.#queue];
      this.#toggles.clear();
      this.#queue = [];
      for (const m of queued) this.send(m);
      return;
    }
    if (message.type === 'ERROR') {
      this.emit('error', {
        code: message.code,
        message: message.message,
        ...(message.ref ? { ref: message.ref } : {}),
      });
      return;
    }
    this.emit('message', message);
  };

  #handleClose(event: { code: number }, socket: WebSocket): void {
    if (this.#state === 'closed' || socket !== this.#socket) return;
    clearTimeout(this.#timer);
    this.#release(socket);
    this.#socket = undefined;
    if (event.code === 4000) {
      this.emit('error', { code: 'replaced', message: 'this seat was taken over by another connection' });
      this.close();
      return;
    }
    this.#setState(this.#state === 'joined' || this.#state === 'reconnecting' ? 'reconnecting' : 'connecting');
    this.#dial();
  }

  #handleError = (): void => {
    if (this.#state === 'closed') return;
    this.emit('error', { code: 'transport', message: `cannot reach the signaling server at ${this.#options.url}` });
  };
}
