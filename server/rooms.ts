/**
 * RoomManager: joins (with the permission check), resumes, departures, and
 * routing of validated messages within the sender's room. Membership, the
 * connection graph and fan-out go through a `RoomStore`; this class keeps
 * only what belongs to this process: the sessions whose sockets it holds and
 * their resume windows.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type {
  AnalyticsMessage,
  AnswerMessage,
  CandidateMessage,
  CandidateType,
  ClientMessage,
  ChatBroadcast,
  ConnectionStateMessage,
  ErrorCode,
  ForwardedAnswer,
  ForwardedCandidate,
  ForwardedOffer,
  HandMessage,
  IceServerConfig,
  JoinMessage,
  MediaMode,
  OfferMessage,
  PeerInfo,
  ServerMessage,
} from '../src/protocol/index.js';
import { CLOSE_CODES, REACTION_LIMIT } from '../src/protocol/index.js';
import type { AddressLimits } from './addresses.js';
import type { TokenVerifier } from './auth.js';
import type { Limits } from './config.js';
import type { Logger } from './log.js';
import { JanusClosed, JanusError } from './janus.js';
import type { Metrics } from './metrics.js';
import { SfuRefusal, type Sfu } from './sfu.js';
import type { Envelope, MemberRecord, RoomStore } from './store.js';

/** The Janus instances as the rooms see them (SfuPool): which this process reaches, and their SFUs. */
export interface MediaServers {
  up(): string[];
  sfu(instance: string): Sfu | undefined;
  all(): Sfu[];
}

/** What RoomManager needs of a client socket. */
export interface ClientSocket {
  /** The seat this socket holds, once WELCOME was sent. */
  session: Session | undefined;
  /** False once the socket closed; a JOIN that completes after that starts the resume window. */
  readonly open: boolean;
  /** The client's address, for per-address limits (absent: not limited). */
  readonly address?: string;
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** A refusal, answered to the sender as an ERROR. */
export class Refusal {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
  ) {}
}

export type LeaveCause = 'leave' | 'timeout' | 'shutdown';

/** A member whose socket this process holds (or held, within the resume window). */
export class Session {
  socket: ClientSocket | undefined;
  /** The seat this session holds (MemberRecord.seat); a resume gives the member a new one. */
  seat: string;
  /**
   * Set on a session resumed here from another process until its own takeover
   * envelope comes back: everything published before it is forwarded by the
   * old process (from its queue), so it is not delivered here twice.
   */
  awaitingTakeover = false;
  resumeTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * While true, messages are queued even with a socket: between joining the
   * room and sending WELCOME (which waits for the chat history), so that
   * nothing reaches the socket before WELCOME.
   */
  holding = false;
  /**
   * The last chat `seq` the member got in WELCOME's history: a broadcast of it
   * or an earlier one that arrives later (another process published it before
   * the history was read) is not delivered again.
   */
  chatSeen = 0;
  /** Times of the member's recent reactions, for their own rate limit. */
  readonly reactions: number[] = [];
  /** Messages addressed to the member while it had no socket. */
  readonly pending: ServerMessage[] = [];
  /** Last reported state of each link, for metrics. */
  readonly links = new Map<string, { connected: boolean; local?: CandidateType; remote?: CandidateType }>();

  constructor(
    readonly room: string,
    readonly clientId: string,
    readonly name: string,
    readonly role: string | undefined,
    seat: string,
    socket: ClientSocket,
  ) {
    this.seat = seat;
    this.socket = socket;
  }

  /** Another socket took this seat: the resume timer stops and the old socket, if any, is closed (4000). */
  replaced(): void {
    clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    const old = this.socket;
    this.socket = undefined;
    if (old) {
      old.session = undefined;
      old.close(CLOSE_CODES.replaced, 'resumed by a newer connection');
    }
  }

  deliver(message: ServerMessage, queueLength: number): void {
    if (this.awaitingTakeover) return;
    if (message.type === 'CHAT_MESSAGE' && message.seq <= this.chatSeen) return;
    if (this.socket && !this.holding) {
      this.socket.send(message);
      return;
    }
    if (this.pending.length >= queueLength) this.pending.shift();
    this.pending.push(message);
  }
}

export interface RoomManagerOptions {
  store: RoomStore;
  limits: Limits;
  metrics: Metrics;
  log: Logger;
  /** Present when JOIN needs a token. */
  verifier?: TokenVerifier;
  /** ICE servers (e.g. TURN credentials) handed to a member in WELCOME. */
  iceServersFor?: (clientId: string) => IceServerConfig[] | undefined;
  /** How often members get fresh ICE servers (ICE_SERVERS), e.g. half the TURN credentials' lifetime. */
  iceRefreshMs?: number;
  /** Per-address allowances of JOINs and new rooms. */
  addresses?: AddressLimits;
  /** SFU mode: when rooms use it, and the Janus instances (see SfuPool). */
  media?: { mode: 'sfu' | 'auto'; meshMax: number; servers: MediaServers };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The longest a session resumed from another process waits for its own takeover to come back. */
const TAKEOVER_WAIT_MS = 2000;

/** How often a process looks for members of dead processes (shared stores only). */
const ORPHAN_SWEEP_MS = 1000;

export class RoomManager {
  readonly #store: RoomStore;
  readonly #limits: Limits;
  readonly #metrics: Metrics;
  readonly #log: Logger;
  readonly #options: RoomManagerOptions;
  /** Local sessions by room, then clientId. */
  readonly #rooms = new Map<string, Map<string, Session>>();
  readonly #unsubscribe: () => void;
  readonly #sweepTimer: ReturnType<typeof setInterval> | undefined;
  readonly #iceTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: RoomManagerOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#limits = options.limits;
    this.#metrics = options.metrics;
    this.#log = options.log;
    this.#unsubscribe = this.#store.subscribe((room, envelope) => this.#deliverLocal(room, envelope));
    // A shared store: members of a process that died are announced gone by the survivors, once the resume
    // window passed without them taking their seat elsewhere.
    if (this.#store.orphans) {
      this.#sweepTimer = setInterval(() => void this.#sweep().catch(() => {}), ORPHAN_SWEEP_MS);
      this.#sweepTimer.unref();
    }
    const { iceServersFor, iceRefreshMs } = options;
    if (iceServersFor && iceRefreshMs) {
      this.#iceTimer = setInterval(() => {
        for (const sessions of this.#rooms.values()) {
          for (const session of sessions.values()) {
            const iceServers = iceServersFor(session.clientId);
            // A member away now gets fresh ones in the WELCOME of its resume.
            if (iceServers && session.socket && !session.holding) {
              session.socket.send({ type: 'ICE_SERVERS', iceServers });
            }
          }
        }
      }, iceRefreshMs);
      this.#iceTimer.unref();
    }
  }

  async #sweep(): Promise<void> {
    for (const orphan of (await this.#store.orphans?.(this.#limits.resumeWindowMs)) ?? []) {
      if (await this.#store.remove(orphan.room, orphan.clientId, orphan.seat)) {
        this.#metrics.leaves.inc({ cause: 'timeout' });
        this.#log.info({ room: orphan.room, clientId: orphan.clientId }, 'member of a dead process left');
        this.#store.publish(orphan.room, {
          except: orphan.clientId,
          message: { type: 'LEAVE', from: orphan.clientId },
        });
      }
    }
  }

  /**
   * Routes one validated message from a socket. Relaying SDP or a candidate to
   * a member with a session on this process is done at once (the hot path);
   * anything that waits on the store returns a promise. Refusals are thrown or
   * rejected.
   */
  handle(socket: ClientSocket, message: ClientMessage): void | Promise<void> {
    const session = socket.session;
    if (
      session &&
      (message.type === 'OFFER' || message.type === 'ANSWER' || message.type === 'CANDIDATE') &&
      message.to !== session.clientId &&
      this.#rooms.get(session.room)?.has(message.to)
    ) {
      this.#relay(session, message);
      return;
    }
    return this.#handle(socket, message);
  }

  async #handle(socket: ClientSocket, message: ClientMessage): Promise<void> {
    const session = socket.session;
    if (message.type === 'JOIN') {
      if (session) throw new Refusal('already-joined', `already in room "${session.room}"; send LEAVE first`);
      return this.#join(socket, message);
    }
    if (!session) throw new Refusal('not-joined', `send JOIN before ${message.type}`);
    switch (message.type) {
      case 'LEAVE':
        socket.session = undefined;
        session.socket = undefined;
        return this.#depart(session, 'leave');
      case 'OFFER':
      case 'ANSWER':
      case 'CANDIDATE':
        await this.#requirePeer(session, message.to);
        this.#relay(session, message);
        return;
      case 'SCREEN_SHARE':
        if (message.enabled) {
          // One sharer at a time: this newer share ends any other, and everyone (that sharer too) is told.
          for (const ended of await this.#store.startShare(session.room, session.clientId)) {
            this.#store.publish(session.room, {
              message: { type: 'SCREEN_SHARE', enabled: false, from: ended, by: session.clientId },
            });
          }
        } else {
          await this.#store.setMedia(session.room, session.clientId, { screenSharing: false });
        }
        this.#store.publish(session.room, {
          except: session.clientId,
          message: { type: 'SCREEN_SHARE', enabled: message.enabled, from: session.clientId },
        });
        return;
      case 'AUDIO_TOGGLE':
      case 'VIDEO_TOGGLE':
        await this.#store.setMedia(
          session.room,
          session.clientId,
          message.type === 'AUDIO_TOGGLE' ? { audioEnabled: message.enabled } : { videoEnabled: message.enabled },
        );
        this.#store.publish(session.room, {
          except: session.clientId,
          message: {
            type: message.type,
            enabled: message.enabled,
            from: session.clientId,
            ...(message.type === 'VIDEO_TOGGLE' && message.background && !message.enabled ? { background: true } : {}),
          },
        });
        return;
      case 'CHAT_MESSAGE': {
        await this.#store.addChat(
          session.room,
          {
            type: 'CHAT_MESSAGE',
            from: session.clientId,
            name: session.name,
            text: message.text,
            id: randomUUID(),
            ts: Date.now(),
          },
          this.#limits.chatHistory,
        );
        return;
      }
      case 'HAND':
        return this.#hand(session, message);
      case 'REACTION': {
        const now = Date.now();
        const recent = session.reactions.filter((t) => now - t < REACTION_LIMIT.windowMs);
        if (recent.length >= REACTION_LIMIT.count) {
          throw new Refusal(
            'rate-limited',
            `at most ${REACTION_LIMIT.count} reactions per ${REACTION_LIMIT.windowMs / 1000} s`,
          );
        }
        session.reactions.splice(0, session.reactions.length, ...recent, now);
        this.#store.publish(session.room, {
          message: { type: 'REACTION', from: session.clientId, emoji: message.emoji },
        });
        return;
      }
      case 'SFU_PUBLISH':
        // Only a room on the SFU takes publications: a member of a mesh room gets no handles on Janus. (Dropped
        // without an answer: an honest one raced the room's switch back, and MEDIA_MODE told it what to do.)
        if (this.#options.media && (await this.#store.mode(session.room)) !== 'sfu') return;
        return this.#sfuRequest(session.room, (sfu) => {
          // Handles it may still have on another instance (its room moved) go: it publishes here now.
          for (const other of this.#options.media!.servers.all()) {
            if (other !== sfu) void other.stop(session.room, session.clientId);
          }
          return sfu.publish(session.room, session.clientId, message.sdp);
        });
      case 'SFU_START':
        return this.#sfuRequest(session.room, (sfu) => sfu.start(session.room, session.clientId, message.sdp));
      case 'SFU_CANDIDATE':
        return this.#sfuRequest(session.room, (sfu) =>
          sfu.candidate(session.room, session.clientId, message.target, message.candidate),
        );
      case 'SFU_LAYER': {
        // Advisory, and racing with departures and switches (the browser asks as its tiles change): a peer not in
        // the sender's subscription (gone a moment ago, or never in its room), or no media server at the moment,
        // changes nothing and gets no answer.
        const sfu = await this.#sfuOf(session.room);
        return sfu
          ?.layer(session.room, session.clientId, message.peer, message.layer)
          .catch((error: unknown) => this.#log.warn({ err: error }, 'the media server refused a layer request'));
      }
      case 'SFU_STATE': {
        const { type: _type, ...report } = message;
        return this.#store.reportSfu(session.room, { clientId: session.clientId, ...report, updatedAt: Date.now() });
      }
      case 'SFU_STOP':
        return this.#stopSfu(session.room, session.clientId);
      case 'SFU_RECEIVING':
        await this.#requirePeer(session, message.peer);
        this.#store.publish(session.room, {
          to: message.peer,
          message: { type: 'SFU_RECEIVING', from: session.clientId },
        });
        return;
      case 'CONNECTION_STATE':
        return this.#report(session, message);
      case 'ANALYTICS':
        return this.#analytics(session, message);
    }
  }

  /**
   * Runs a member's SFU request on its room's instance; what Janus or the SFU
   * refuses is answered as an ERROR. With no media server up the request is
   * dropped without an answer: the room goes (or went) back to the mesh, and
   * MEDIA_MODE says so (an answer would only reach the page as an error about
   * connections it is leaving anyway).
   */
  async #sfuRequest(room: string, request: (sfu: Sfu) => Promise<void>): Promise<void> {
    const sfu = await this.#sfuOf(room);
    if (!sfu) return;
    try {
      await request(sfu);
    } catch (error) {
      if (error instanceof SfuRefusal) throw new Refusal('bad-message', error.message);
      // Its instance died under the request: dropped as with none up (the room moves, and its members hear it).
      if (error instanceof JanusClosed) return;
      if (error instanceof JanusError) {
        this.#log.warn({ err: error }, 'the media server refused a request');
        throw new Refusal('bad-message', `the media server refused it: ${error.message}`);
      }
      throw error;
    }
  }

  /**
   * The SFU of the instance the room lives on: placed by load on first use
   * (the store makes every process agree), and placed again when this process
   * cannot reach it (the room's members then start their SFU afresh there).
   * Undefined while no instance can be reached.
   */
  async #sfuOf(room: string): Promise<Sfu | undefined> {
    const { servers } = this.#options.media ?? {};
    if (!servers) return undefined;
    const lives = await this.#store.janus(room);
    const sfu = lives === undefined ? undefined : servers.sfu(lives);
    if (sfu) return sfu;
    const up = servers.up();
    if (up.length === 0) return undefined;
    const placement = await this.#store.placeJanus(room, up, lives);
    if (placement?.placed && lives !== undefined) this.#moved(room, lives, placement.instance);
    return placement && servers.sfu(placement.instance);
  }

  /** The room's SFU moved to another instance: every member starts its SFU afresh there. */
  #moved(room: string, from: string, to: string): void {
    this.#metrics.sfuMoves.inc();
    this.#log.warn({ room, from, to }, 'the room moved to another media server');
    this.#store.publish(room, { message: { type: 'SFU_RESTART' } });
  }

  /** A member no longer uses the SFU: its handles go, on whichever instance has them. */
  #stopSfu(room: string, clientId: string): void {
    for (const sfu of this.#options.media?.servers.all() ?? []) void sfu.stop(room, clientId);
  }

  /**
   * The room's media mode for its `count` members, switched when it crossed
   * the threshold (`auto`: to the SFU past meshMax, back to the mesh at
   * meshMax - 1 or fewer). The one process whose switch took announces it.
   */
  async #mediaMode(room: string, count: number): Promise<MediaMode> {
    const media = this.#options.media;
    if (!media?.servers.up().length) return media ? this.#store.mode(room) : 'mesh';
    const wanted: MediaMode | undefined =
      media.mode === 'sfu' || count > media.meshMax ? 'sfu' : count <= media.meshMax - 1 ? 'mesh' : undefined;
    if (wanted && (await this.#store.setMode(room, wanted))) {
      this.#metrics.mediaSwitches.inc({ to: wanted });
      this.#log.info({ room, mode: wanted, members: count }, 'room media mode switched');
      this.#store.publish(room, { message: { type: 'MEDIA_MODE', mode: wanted } });
      return wanted;
    }
    return this.#store.mode(room);
  }

  /**
   * A hand up or down, ordered by the server's time of raising (kept in the
   * store, so every process agrees). Lowering someone else's hand takes the
   * token role `host`.
   */
  async #hand(session: Session, message: HandMessage): Promise<void> {
    const target = message.for ?? session.clientId;
    if (target !== session.clientId) {
      if (message.raised) throw new Refusal('unauthorized', 'only your own hand can be raised');
      if (session.role !== 'host') throw new Refusal('unauthorized', "only a host may lower someone else's hand");
      await this.#requirePeer(session, target);
    }
    if (message.raised) {
      const raised = await this.#store.raiseHand(session.room, target, Date.now());
      if (!raised?.changed) return; // up already (or gone): nothing changed
      this.#store.publish(session.room, { message: { type: 'HAND', from: target, raised: true, at: raised.at } });
      return;
    }
    if (!(await this.#store.lowerHand(session.room, target))) return;
    this.#store.publish(session.room, {
      message: {
        type: 'HAND',
        from: target,
        raised: false,
        ...(target === session.clientId ? {} : { by: session.clientId }),
      },
    });
  }

  #relay(session: Session, message: OfferMessage | AnswerMessage | CandidateMessage): void {
    const from = session.clientId;
    // Built field by field: an object rest/spread that drops `to` was a measurable cost on this path.
    let forward: ForwardedOffer | ForwardedAnswer | ForwardedCandidate;
    if (message.type === 'CANDIDATE') {
      this.#metrics.countCandidate(message.candidateType);
      forward = { type: 'CANDIDATE', from, candidate: message.candidate };
      if (message.candidateType !== undefined) forward.candidateType = message.candidateType;
    } else {
      const { type, sdp, audioEnabled, videoEnabled } = message;
      forward = { type, from, sdp, audioEnabled, videoEnabled };
    }
    this.#store.publish(session.room, { to: message.to, message: forward });
  }

  /** The socket of a session went away: keep the seat for the resume window. */
  detach(socket: ClientSocket): void {
    const session = socket.session;
    socket.session = undefined;
    if (!session || session.socket !== socket) return;
    session.socket = undefined;
    if (this.#limits.resumeWindowMs === 0) {
      void this.#depart(session, 'timeout');
      return;
    }
    session.resumeTimer = setTimeout(() => void this.#depart(session, 'timeout'), this.#limits.resumeWindowMs);
  }

  /**
   * A media server (Janus instance) came or went. Gone: each room of this
   * process that lives on it moves to another instance (its members start
   * their SFU afresh there: SFU_RESTART), or, with none left, goes back to the
   * mesh. Either way its media through Janus is lost for the seconds the new
   * path takes. Back: the rooms large enough for the SFU move to it again. One
   * process's move takes (the store orders it), and every member hears it.
   */
  async sfuChanged(instance: string, up: boolean): Promise<void> {
    const servers = this.#options.media?.servers;
    if (!servers) return;
    for (const [room, sessions] of [...this.#rooms]) {
      if (up) {
        // A room on the mesh placed on an instance this process does not reach: placed again first, quietly
        // (nobody has handles there), so that its members do not publish and then start afresh elsewhere.
        const lived = await this.#store.janus(room);
        if (lived !== undefined && !servers.sfu(lived) && (await this.#store.mode(room)) === 'mesh') {
          await this.#store.placeJanus(room, servers.up(), lived);
        }
        const count = (await this.#store.graph(room))?.members.length ?? sessions.size;
        await this.#mediaMode(room, count);
        continue;
      }
      const others = servers.up();
      const lived = await this.#store.janus(room);
      // With another instance up, only the rooms on the lost one are concerned (one not placed yet has no media
      // on Janus: it is placed when its members publish).
      if (others.length > 0 && lived !== instance) continue;
      const media = this.#options.media!;
      const count = (await this.#store.graph(room))?.members.length ?? sessions.size;
      // A room the mesh can carry (in auto) goes back to it, and so does every room when no instance is left; a
      // larger one moves to another instance (it is placed there for later either way).
      const placement = others.length > 0 ? await this.#store.placeJanus(room, others, instance) : undefined;
      if (others.length > 0 && !(media.mode === 'auto' && count <= media.meshMax)) {
        if (placement?.placed && (await this.#store.mode(room)) === 'sfu')
          this.#moved(room, instance, placement.instance);
      } else if (await this.#store.setMode(room, 'mesh')) {
        this.#metrics.mediaSwitches.inc({ to: 'mesh' });
        this.#log.warn({ room }, 'the media server went away: the room is a mesh again');
        this.#store.publish(room, { message: { type: 'MEDIA_MODE', mode: 'mesh' } });
        // Its members' SFU connections are dead: they stop sending into them (their cores go to the mesh's links).
        this.#store.publish(room, { message: { type: 'SFU_RESTART' } });
      }
    }
  }

  /** Local sessions, for tests and shutdown. */
  get sessionCount(): number {
    let n = 0;
    for (const sessions of this.#rooms.values()) n += sessions.size;
    return n;
  }

  /** Ends every local session without announcing (the process is going away). */
  close(): void {
    clearInterval(this.#sweepTimer);
    clearInterval(this.#iceTimer);
    for (const sessions of this.#rooms.values()) {
      for (const session of sessions.values()) clearTimeout(session.resumeTimer);
    }
    this.#rooms.clear();
    this.#unsubscribe();
  }

  async #join(socket: ClientSocket, join: JoinMessage): Promise<void> {
    const { addresses } = this.#options;
    const address = socket.address;
    if (addresses && address !== undefined) {
      if (!addresses.takeJoin(address)) {
        throw new Refusal('rate-limited', 'too many JOINs from your address; try again in a minute');
      }
      // Only a JOIN that would create a room is refused over the room allowance; the store is asked only then.
      if (!addresses.hasRoomAllowance(address) && !(await this.#store.graph(join.room))) {
        addresses.refusedRoom(address);
        throw new Refusal('rate-limited', 'too many new rooms from your address; try again in a minute');
      }
    }
    let identity: { name?: string; role?: string } = {};
    if (this.#options.verifier) {
      const result = await this.#options.verifier.verify(join.token, join.room);
      if (!result.ok) throw new Refusal('unauthorized', result.reason);
      identity = result.identity;
    }
    const member: MemberRecord = {
      clientId: join.clientId,
      name: identity.name ?? join.name ?? '',
      ...(identity.role === undefined ? {} : { role: identity.role }),
      audioEnabled: join.audioEnabled,
      videoEnabled: join.videoEnabled,
      joinedAt: Date.now(),
      resumeToken: randomBytes(24).toString('base64url'),
      seat: randomBytes(9).toString('base64url'),
    };
    const added = await this.#store.add(join.room, member, this.#limits);
    if (added.ok) {
      if (added.peers.length === 0 && address !== undefined) addresses?.roomCreated(address);
      const session = this.#attach(socket, join.room, member);
      this.#metrics.joins.inc({ kind: 'new' });
      this.#log.info({ room: join.room, clientId: member.clientId, role: member.role }, 'member joined');
      // Before the room hears of the newcomer: a room that moves to the SFU now must not start mesh links to it.
      session.holding = true;
      let media: MediaMode = 'mesh';
      try {
        media = await this.#mediaMode(join.room, added.peers.length + 1);
      } catch (error) {
        // The member is in (as with the chat history below): a mode that cannot be read now does not keep WELCOME.
        this.#log.warn({ room: join.room, err: error }, 'media mode unavailable');
      }
      this.#store.publish(join.room, {
        except: member.clientId,
        message: {
          type: 'JOIN',
          from: member.clientId,
          name: member.name,
          ...(member.role === undefined ? {} : { role: member.role }),
          audioEnabled: member.audioEnabled,
          videoEnabled: member.videoEnabled,
          handRaisedAt: null,
          screenSharing: false,
        },
      });
      // The history is read after the seat is taken (so no message falls between the two) while what the room
      // says meanwhile waits for WELCOME; a message that is in both (queued here, or still on its way from
      // another process) is sent once, in the history.
      let chat: ChatBroadcast[] = [];
      try {
        if (this.#limits.chatHistory > 0) chat = await this.#store.chatHistory(join.room);
      } catch (error) {
        // The member is in: a history that cannot be read now is not a reason to keep WELCOME from it.
        this.#log.warn({ room: join.room, err: error }, 'chat history unavailable');
      }
      session.holding = false;
      session.chatSeen = chat.at(-1)?.seq ?? 0;
      socket.send({
        ...this.#welcome(session, member.resumeToken, added.peers, media),
        ...(chat.length ? { chat } : {}),
      });
      for (const message of session.pending.splice(0)) {
        if (message.type === 'MEDIA_MODE') continue; // WELCOME said the room's mode
        if (message.type !== 'CHAT_MESSAGE' || message.seq > session.chatSeen) socket.send(message);
      }
      if (!socket.open) this.detach(socket);
      return;
    }
    if (added.code !== 'id-taken') {
      throw new Refusal(
        added.code,
        added.code === 'room-full' ? 'the room is full' : 'the server has no room for more rooms',
      );
    }
    return this.#resume(socket, join);
  }

  async #resume(socket: ClientSocket, join: JoinMessage): Promise<void> {
    const existing = await this.#store.get(join.room, join.clientId);
    if (!existing || join.resumeToken === undefined || !sameSecret(join.resumeToken, existing.resumeToken)) {
      throw new Refusal('id-taken', 'that clientId is in use in this room');
    }
    const record: MemberRecord = {
      ...existing,
      audioEnabled: join.audioEnabled,
      videoEnabled: join.videoEnabled,
      seat: randomBytes(9).toString('base64url'),
    };
    await this.#store.put(join.room, record);
    let session = this.#rooms.get(join.room)?.get(join.clientId);
    if (session) {
      session.replaced();
      session.seat = record.seat;
      session.socket = socket;
      socket.session = session;
    } else {
      session = this.#attach(socket, join.room, record);
      session.awaitingTakeover = true;
      // Should the takeover never come back (the store lost it), deliver anyway after a while.
      const resumed = session;
      setTimeout(() => (resumed.awaitingTakeover = false), TAKEOVER_WAIT_MS).unref();
    }
    // The old session may be on another process (the socket came back through another one): it lets go.
    this.#store.publish(join.room, { takeover: { clientId: join.clientId, seat: session.seat } });
    this.#metrics.joins.inc({ kind: 'resume' });
    this.#log.info({ room: join.room, clientId: join.clientId, queued: session.pending.length }, 'member resumed');
    const graph = await this.#store.graph(join.room);
    const others = (graph?.members ?? []).filter((m) => m.clientId !== join.clientId);
    socket.send(this.#welcome(session, existing.resumeToken, others, await this.#store.mode(join.room)));
    for (const message of session.pending.splice(0)) socket.send(message);
    if (!socket.open) this.detach(socket);
  }

  #attach(socket: ClientSocket, room: string, member: MemberRecord): Session {
    const session = new Session(room, member.clientId, member.name, member.role, member.seat, socket);
    let sessions = this.#rooms.get(room);
    if (!sessions) this.#rooms.set(room, (sessions = new Map()));
    sessions.set(member.clientId, session);
    socket.session = session;
    return session;
  }

  #welcome(session: Session, resumeToken: string, peers: PeerInfo[], media: MediaMode): ServerMessage {
    const iceServers = this.#options.iceServersFor?.(session.clientId);
    return {
      type: 'WELCOME',
      clientId: session.clientId,
      room: session.room,
      resumeToken,
      peers: peers.map(peerInfo),
      ...(iceServers ? { iceServers } : {}),
      ...(media === 'sfu' ? { media } : {}),
    };
  }

  /** Removes a member for good and tells the room, exactly once. */
  async #depart(session: Session, cause: LeaveCause): Promise<void> {
    clearTimeout(session.resumeTimer);
    session.resumeTimer = undefined;
    this.#forget(session);
    this.#stopSfu(session.room, session.clientId);
    if (await this.#store.remove(session.room, session.clientId, session.seat)) {
      this.#metrics.leaves.inc({ cause });
      this.#log.info({ room: session.room, clientId: session.clientId, cause }, 'member left');
      this.#store.publish(session.room, {
        except: session.clientId,
        message: { type: 'LEAVE', from: session.clientId },
      });
      if (this.#options.media) await this.#shrunk(session.room);
    }
  }

  /** A member left a room that may use the SFU: back to the mesh when small enough; its Janus room goes with it. */
  async #shrunk(room: string): Promise<void> {
    const count = (await this.#store.graph(room))?.members.length ?? 0;
    if (count === 0) {
      // (Each instance's SFU destroys the Janus room only where it made one.)
      await Promise.all(this.#options.media!.servers.all().map((sfu) => sfu.destroyRoom(room).catch(() => {})));
    } else await this.#mediaMode(room, count);
  }

  async #requirePeer(session: Session, peer: string): Promise<void> {
    if (peer === session.clientId || !(await this.#store.get(session.room, peer))) {
      throw new Refusal('unknown-peer', `no peer "${peer}" in this room`);
    }
  }

  async #report(session: Session, report: ConnectionStateMessage): Promise<void> {
    await this.#requirePeer(session, report.peer);
    const connected = report.connectionState === 'connected';
    const link = session.links.get(report.peer);
    if (connected && !link?.connected) {
      this.#metrics.recordSelectedPair(report.localCandidateType, report.remoteCandidateType);
    }
    session.links.set(report.peer, {
      connected,
      local: report.localCandidateType ?? link?.local,
      remote: report.remoteCandidateType ?? link?.remote,
    });
    await this.#store.reportPair(session.room, {
      from: session.clientId,
      to: report.peer,
      connectionState: report.connectionState,
      iceConnectionState: report.iceConnectionState,
      ...(report.localCandidateType ? { localCandidateType: report.localCandidateType } : {}),
      ...(report.remoteCandidateType ? { remoteCandidateType: report.remoteCandidateType } : {}),
      ...(report.rttMs === undefined ? {} : { rttMs: report.rttMs }),
      updatedAt: Date.now(),
    });
  }

  #analytics(session: Session, report: AnalyticsMessage): void {
    const link = report.peer === undefined ? undefined : session.links.get(report.peer);
    const path =
      link?.local === undefined ? 'unknown' : link.local === 'relay' || link.remote === 'relay' ? 'relay' : 'direct';
    this.#metrics.recordAnalytics(report.event, report.ms, path);
    this.#log.info(
      {
        room: session.room,
        clientId: session.clientId,
        event: report.event,
        peer: report.peer,
        ms: report.ms,
        detail: report.detail,
        path,
      },
      'analytics',
    );
  }

  #deliverLocal(room: string, envelope: Envelope): void {
    const sessions = this.#rooms.get(room);
    if (!sessions) return;
    if (envelope.takeover) {
      this.#letGo(sessions, envelope.takeover.clientId, envelope.takeover.seat);
      return;
    }
    const queueLength = this.#limits.resumeQueueLength;
    if (envelope.to !== undefined) {
      sessions.get(envelope.to)?.deliver(envelope.message, queueLength);
      return;
    }
    for (const session of sessions.values()) {
      if (session.clientId !== envelope.except) session.deliver(envelope.message, queueLength);
    }
  }

  /** Removes a local session from the room map (if it is still the one there). */
  #forget(session: Session): void {
    const sessions = this.#rooms.get(session.room);
    if (sessions?.get(session.clientId) !== session) return;
    sessions.delete(session.clientId);
    if (sessions.size === 0) this.#rooms.delete(session.room);
  }

  /**
   * The member's seat was resumed on another process: this older session goes
   * quietly (no LEAVE: the member is still there), and what was queued for it
   * is sent on to the member's new session.
   */
  #letGo(sessions: Map<string, Session>, clientId: string, seat: string): void {
    const session = sessions.get(clientId);
    if (!session) return;
    if (session.seat === seat) {
      session.awaitingTakeover = false; // our own takeover, back from the store: from here on, deliver
      return;
    }
    session.replaced();
    this.#forget(session);
    // Its SFU handles were this process's: the member publishes again through its new one.
    this.#stopSfu(session.room, clientId);
    for (const message of session.pending.splice(0)) this.#store.publish(session.room, { to: clientId, message });
  }
}

function peerInfo(member: PeerInfo): PeerInfo {
  return {
    clientId: member.clientId,
    name: member.name,
    ...(member.role === undefined ? {} : { role: member.role }),
    audioEnabled: member.audioEnabled,
    videoEnabled: member.videoEnabled,
    handRaisedAt: typeof member.handRaisedAt === 'number' ? member.handRaisedAt : null,
    screenSharing: member.screenSharing === true,
  };
}
