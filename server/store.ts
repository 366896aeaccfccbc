/**
 * The one small interface behind which room membership, the connection graph
 * and message fan-out live. `MemoryStore` is the default; a shared backend
 * (Redis, for several processes) implements the same interface, and the
 * protocol code (`connection.ts`, `rooms.ts`) does not change.
 */
import type {
  CandidateType,
  ChatBroadcast,
  ConnectionStateMessage,
  MediaMode,
  PeerInfo,
  ServerMessage,
} from '../src/protocol/index.js';

export interface MemberRecord extends PeerInfo {
  /** ms since the epoch. */
  joinedAt: number;
  /** Secret that lets a new socket take this seat; never sent to peers. */
  resumeToken: string;
  /** Changes each time a socket takes the seat (join or resume), on whichever process: see `remove`. */
  seat: string;
  /** The process holding the member's session (shared stores only), for cleaning up after a dead one. */
  owner?: string;
}

/** The fields of a member that its own messages change. */
export type MemberPatch = Partial<Pick<PeerInfo, 'audioEnabled' | 'videoEnabled' | 'screenSharing'>>;

export interface PairRecord {
  /** Reporter. */
  from: string;
  /** The peer the report is about. */
  to: string;
  connectionState: ConnectionStateMessage['connectionState'];
  iceConnectionState: ConnectionStateMessage['iceConnectionState'];
  localCandidateType?: CandidateType;
  remoteCandidateType?: CandidateType;
  rttMs?: number;
  updatedAt: number;
}

/** One member's report of one of its two SFU connections. */
export interface SfuLinkRecord {
  clientId: string;
  target: 'publisher' | 'subscriber';
  connectionState: ConnectionStateMessage['connectionState'];
  localCandidateType?: CandidateType;
  remoteCandidateType?: CandidateType;
  rttMs?: number;
  kbps?: number;
  /** The camera layers the publisher sends, or the cameras the subscriber receives per layer (SFU_STATE). */
  layers?: { h?: number; m?: number; l?: number; none?: number };
  updatedAt: number;
}

export interface RoomGraph {
  room: string;
  /** How the room's media flows now. */
  mode: MediaMode;
  members: Omit<MemberRecord, 'resumeToken'>[];
  pairs: PairRecord[];
  /** The members' SFU connections (SFU mode), as they report them. */
  sfu: SfuLinkRecord[];
}

export type AddResult =
  { ok: true; peers: MemberRecord[] } | { ok: false; code: 'room-full' | 'server-full' | 'id-taken' };

/**
 * A message for the local sockets of a room: one member (`to`) or all but
 * `except`. Or, between processes, `takeover`: this member's seat was resumed
 * on another process (`seat` is the new one); a process still holding an older
 * session of it lets it go without announcing a LEAVE.
 */
export type Envelope =
  | { to?: string; except?: string; message: ServerMessage; takeover?: undefined }
  | { takeover: { clientId: string; seat: string } };

export interface Capacity {
  maxParticipants: number;
  maxRooms: number;
}

export interface RoomStore {
  /**
   * Adds a member, checking atomically that its clientId is free in the room
   * (`id-taken` otherwise) and that room and server have capacity.
   */
  add(room: string, member: MemberRecord, capacity: Capacity): Promise<AddResult>;
  get(room: string, clientId: string): Promise<MemberRecord | undefined>;
  /** Replaces a member's record (same clientId), e.g. on resume. */
  put(room: string, member: MemberRecord): Promise<void>;
  /**
   * Removes a member and every pair that names it; deletes the room when it
   * empties. Resolves `true` only for the one call that removed it, so a
   * departure is announced exactly once. With `seat`, only while the record
   * still has that seat: a session whose seat was resumed elsewhere cannot
   * remove the member that now holds it.
   */
  remove(room: string, clientId: string, seat?: string): Promise<boolean>;
  setMedia(room: string, clientId: string, patch: MemberPatch): Promise<void>;
  /**
   * Raises a member's hand at server time `at`, atomically: a hand already up
   * keeps its first time. Resolves the time it is raised at, whether it was
   * just raised (else it was up already), or undefined for no such member.
   */
  raiseHand(room: string, clientId: string, at: number): Promise<{ at: number; changed: boolean } | undefined>;
  /** Lowers a member's hand; true when it was up. */
  lowerHand(room: string, clientId: string): Promise<boolean>;
  /**
   * Marks a member as sharing its screen and, atomically, every other member
   * of the room as not sharing any more (one sharer at a time, in the order
   * the server sees). Resolves the members whose share ended.
   */
  startShare(room: string, clientId: string): Promise<string[]>;
  /** How the room's media flows now (`mesh` for a room that does not exist). */
  mode(room: string): Promise<MediaMode>;
  /**
   * Sets the room's media mode, atomically: resolves true for the one call
   * that changed it (that caller announces MEDIA_MODE), false when it was so
   * already or the room does not exist. The mode goes with the room.
   */
  setMode(room: string, mode: MediaMode): Promise<boolean>;
  /** The Janus instance the room's SFU lives on (undefined: not placed yet, or no such room). */
  janus(room: string): Promise<string | undefined>;
  /**
   * Places the room on the least loaded of `candidates` (the fewest rooms
   * placed on it), atomically, unless it lives on an instance already — one
   * other than `leaving` (an instance the caller lost). Resolves where the
   * room lives now and whether this call placed it there (once per move, for
   * every process alike), or undefined for a room that does not exist. The
   * placement goes with the room.
   */
  placeJanus(room: string, candidates: string[], leaving?: string): Promise<Placement | undefined>;
  /** Records a member's report of one of its SFU connections; ignored unless it is a member. Removed with it. */
  reportSfu(room: string, link: SfuLinkRecord): Promise<void>;
  /** Records one side's report of a link; ignored unless both ends are members. */
  reportPair(room: string, pair: PairRecord): Promise<void>;
  graph(room: string): Promise<RoomGraph | undefined>;
  /**
   * Gives a chat message the room's next sequence number (increasing, never
   * reused while the room lives), keeps it in the room's history (the last
   * `keep`; 0 keeps none) and broadcasts it to the room, in one atomic step:
   * history and delivery on every process are in `seq` order.
   */
  addChat(room: string, message: Omit<ChatBroadcast, 'seq'>, keep: number): Promise<ChatBroadcast>;
  /** The room's kept chat messages, oldest first. */
  chatHistory(room: string): Promise<ChatBroadcast[]>;
  /** Sends an envelope to every process that holds sockets of the room. */
  publish(room: string, envelope: Envelope): void;
  /** Receives envelopes published for any room. Returns the unsubscribe function. */
  subscribe(listener: (room: string, envelope: Envelope) => void): () => void;
  counts(): { rooms: number; members: number };
  /** False while a shared backend cannot be reached (/healthz answers 503); absent means always reachable. */
  readonly healthy?: boolean;
  /**
   * Shared stores only: members whose process has been gone (no heartbeat) for
   * at least `graceMs` and whose seat did not move meanwhile. The caller removes
   * them with their seat (exactly one process succeeds) and announces LEAVE.
   */
  orphans?(graceMs: number): Promise<{ room: string; clientId: string; seat: string }[]>;
  close(): Promise<void>;
}

interface RoomState {
  members: Map<string, MemberRecord>;
  pairs: Map<string, PairRecord>;
  chatSeq: number;
  chat: ChatBroadcast[];
  mode: MediaMode;
  sfu: Map<string, SfuLinkRecord>;
  janus?: string;
}

/** Where a room's SFU lives, and whether the call that asked put it there. */
export interface Placement {
  instance: string;
  placed: boolean;
}

const pairKey = (from: string, to: string) => `${from}>${to}`;

/** Single-process store: plain maps, synchronous fan-out. */
export class MemoryStore implements RoomStore {
  readonly #rooms = new Map<string, RoomState>();
  readonly #listeners = new Set<(room: string, envelope: Envelope) => void>();
  #members = 0;

  async add(room: string, member: MemberRecord, capacity: Capacity): Promise<AddResult> {
    let state = this.#rooms.get(room);
    if (!state) {
      if (this.#rooms.size >= capacity.maxRooms) return { ok: false, code: 'server-full' };
      state = { members: new Map(), pairs: new Map(), chatSeq: 0, chat: [], mode: 'mesh', sfu: new Map() };
      this.#rooms.set(room, state);
    }
    if (state.members.has(member.clientId)) return { ok: false, code: 'id-taken' };
    if (state.members.size >= capacity.maxParticipants) return { ok: false, code: 'room-full' };
    const peers = [...state.members.values()];
    state.members.set(member.clientId, member);
    this.#members++;
    return { ok: true, peers };
  }

  async get(room: string, clientId: string): Promise<MemberRecord | undefined> {
    return this.#rooms.get(room)?.members.get(clientId);
  }

  async put(room: string, member: MemberRecord): Promise<void> {
    const state = this.#rooms.get(room);
    if (state?.members.has(member.clientId)) state.members.set(member.clientId, member);
  }

  async remove(room: string, clientId: string, seat?: string): Promise<boolean> {
    const state = this.#rooms.get(room);
    const member = state?.members.get(clientId);
    if (!state || !member || (seat !== undefined && member.seat !== seat)) return false;
    state.members.delete(clientId);
    this.#members--;
    for (const [key, pair] of state.pairs) {
      if (pair.from === clientId || pair.to === clientId) state.pairs.delete(key);
    }
    state.sfu.delete(`${clientId} publisher`);
    state.sfu.delete(`${clientId} subscriber`);
    if (state.members.size === 0) this.#rooms.delete(room);
    return true;
  }

  async setMedia(room: string, clientId: string, patch: MemberPatch): Promise<void> {
    const member = this.#rooms.get(room)?.members.get(clientId);
    if (member) Object.assign(member, patch);
  }

  async raiseHand(room: string, clientId: string, at: number): Promise<{ at: number; changed: boolean } | undefined> {
    const member = this.#rooms.get(room)?.members.get(clientId);
    if (!member) return undefined;
    if (typeof member.handRaisedAt === 'number') return { at: member.handRaisedAt, changed: false };
    member.handRaisedAt = at;
    return { at, changed: true };
  }

  async startShare(room: string, clientId: string): Promise<string[]> {
    const members = this.#rooms.get(room)?.members;
    if (!members?.has(clientId)) return [];
    const ended: string[] = [];
    for (const member of members.values()) {
      if (member.clientId === clientId) member.screenSharing = true;
      else if (member.screenSharing) {
        member.screenSharing = false;
        ended.push(member.clientId);
      }
    }
    return ended;
  }

  async lowerHand(room: string, clientId: string): Promise<boolean> {
    const member = this.#rooms.get(room)?.members.get(clientId);
    if (typeof member?.handRaisedAt !== 'number') return false;
    member.handRaisedAt = null;
    return true;
  }

  async mode(room: string): Promise<MediaMode> {
    return this.#rooms.get(room)?.mode ?? 'mesh';
  }

  async setMode(room: string, mode: MediaMode): Promise<boolean> {
    const state = this.#rooms.get(room);
    if (!state || state.mode === mode) return false;
    state.mode = mode;
    return true;
  }

  async janus(room: string): Promise<string | undefined> {
    return this.#rooms.get(room)?.janus;
  }

  async placeJanus(room: string, candidates: string[], leaving?: string): Promise<Placement | undefined> {
    const state = this.#rooms.get(room);
    if (!state) return undefined;
    if (state.janus !== undefined && state.janus !== leaving) return { instance: state.janus, placed: false };
    const load = (instance: string) => [...this.#rooms.values()].filter((r) => r.janus === instance).length;
    const instance = candidates.reduce<string | undefined>(
      (best, c) => (best === undefined || load(c) < load(best) ? c : best),
      undefined,
    );
    if (instance === undefined) return undefined;
    state.janus = instance;
    return { instance, placed: true };
  }

  async reportSfu(room: string, link: SfuLinkRecord): Promise<void> {
    const state = this.#rooms.get(room);
    if (state?.members.has(link.clientId)) state.sfu.set(`${link.clientId} ${link.target}`, link);
  }

  async reportPair(room: string, pair: PairRecord): Promise<void> {
    const state = this.#rooms.get(room);
    if (!state?.members.has(pair.from) || !state.members.has(pair.to)) return;
    state.pairs.set(pairKey(pair.from, pair.to), pair);
  }

  async graph(room: string): Promise<RoomGraph | undefined> {
    const state = this.#rooms.get(room);
    if (!state) return undefined;
    return {
      room,
      mode: state.mode,
      members: [...state.members.values()].map(({ resumeToken: _secret, ...rest }) => ({ ...rest })),
      pairs: [...state.pairs.values()].map((p) => ({ ...p })),
      sfu: [...state.sfu.values()].map((l) => ({ ...l })),
    };
  }

  async addChat(room: string, message: Omit<ChatBroadcast, 'seq'>, keep: number): Promise<ChatBroadcast> {
    const state = this.#rooms.get(room);
    if (!state) throw new Error(`no room ${room}`);
    const chat = { ...message, seq: ++state.chatSeq };
    if (keep > 0) {
      state.chat.push(chat);
      if (state.chat.length > keep) state.chat.splice(0, state.chat.length - keep);
    }
    this.publish(room, { message: chat });
    return chat;
  }

  async chatHistory(room: string): Promise<ChatBroadcast[]> {
    return [...(this.#rooms.get(room)?.chat ?? [])];
  }

  publish(room: string, envelope: Envelope): void {
    for (const listener of this.#listeners) listener(room, envelope);
  }

  subscribe(listener: (room: string, envelope: Envelope) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  counts(): { rooms: number; members: number } {
    return { rooms: this.#rooms.size, members: this.#members };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#rooms.clear();
    this.#members = 0;
  }
}
