/**
 * SFU mode on the server (issue 20): the members of a room whose media goes
 * through Janus each have, on the process that holds their socket, two
 * VideoRoom handles: a publisher (their feed, named `<clientId>.<random>`:
 * Janus runs with `string_ids`) and a subscriber (one multistream connection
 * carrying every other member's feeds of the same room). Browsers never talk
 * to Janus: their SDP and candidates come and go over our protocol
 * (SFU_PUBLISH → SFU_ANSWER, SFU_OFFER → SFU_START, SFU_CANDIDATE), and what
 * they learn of a stream is whose it is and which of their three (audio,
 * camera, screen) — never a Janus id or secret.
 *
 * A member subscribes only to feeds Janus announces in the member's own room
 * (its publisher handle's events); the subscriber joins with the private id
 * of that publisher (the rooms require it). Everything a member's handles do
 * runs in one queue, so that an offer and its answer never cross an update.
 */
import { randomBytes } from 'node:crypto';
import type { ServerMessage, SfuFeed, SfuSlot } from '../src/protocol/index.js';
import { Janus, JanusError, type HandleEvent, type JanusOptions } from './janus.js';
import type { Logger } from './log.js';

/** A stream of a publisher as Janus describes it. */
interface FeedStream {
  type: string;
  mindex: number;
  mid: string;
}

/** A stream of a subscription as Janus describes it. */
interface SubscribedStream {
  mid: string;
  type: string;
  active?: boolean;
  feed_id?: string;
  feed_mid?: string;
}

/** What the metrics read of the SFU (see Sfu.counts). */
export interface SfuCounts {
  publisher: number;
  subscriber: number;
  layers: Record<'h' | 'm' | 'l' | 'none', number>;
}

/** Sends a message to a member, wherever its socket is (queued while it is away). */
export type SendTo = (room: string, clientId: string, message: ServerMessage) => void;

/** A refusal of a member's SFU request, answered as an ERROR. */
export class SfuRefusal extends Error {}

class Member {
  publisher: number | undefined;
  privateId: number | undefined;
  /** Janus has each connection up (webrtcup, until hangup). */
  readonly up = { publisher: false, subscriber: false };
  published = false;
  subscriber: number | undefined;
  /** The layer asked for each other member's camera (by clientId; none asked: Janus's default, the largest). */
  readonly layers = new Map<string, 0 | 1 | 2 | null>();
  /** Other members' feeds in the room, with their streams (from the publisher handle's events). */
  readonly feeds = new Map<string, FeedStream[]>();
  /** The subscription's streams as Janus last offered them. */
  streams: SubscribedStream[] = [];
  /** An offer of the subscription waits for the browser's SFU_START. */
  offering = false;
  closed = false;
  queue: Promise<unknown> = Promise.resolve();
  readonly off: (() => void)[] = [];

  constructor(
    readonly room: string,
    readonly clientId: string,
    readonly feedId: string,
  ) {}

  /** Feeds in the subscription now. */
  get subscribed(): Set<string> {
    return new Set(this.streams.filter((s) => s.active !== false && s.feed_id).map((s) => s.feed_id!));
  }
}

/** Our clientId from a feed id `<clientId>.<random>`. */
export const clientOfFeed = (feedId: string): string => feedId.slice(0, feedId.lastIndexOf('.'));

/** Which of a member's three a stream of its feed is: its audio, its first video (the camera), or the screen. */
function slotOf(stream: SubscribedStream, feed: FeedStream[] | undefined): SfuSlot {
  if (stream.type === 'audio') return 'audio';
  const videos = (feed ?? []).filter((s) => s.type === 'video').sort((a, b) => a.mindex - b.mindex);
  if (videos.length === 0) return stream.feed_mid === '2' ? 'screen' : 'video';
  return videos[0]!.mid === stream.feed_mid ? 'video' : 'screen';
}

export class Sfu {
  readonly #janus: Janus;
  readonly #send: SendTo;
  readonly #log: Logger;
  readonly #members = new Map<string, Member>();
  /** Rooms made on Janus by this process (creating is idempotent: this saves the round trips). */
  readonly #rooms = new Map<string, Promise<void>>();

  readonly #publishers: number;

  /** `publishers`: how many may publish in one room (the room's MAX_PARTICIPANTS; Janus's own default is 16). */
  constructor(janus: Janus, send: SendTo, log: Logger, publishers: number) {
    this.#janus = janus;
    this.#send = send;
    this.#log = log;
    this.#publishers = publishers;
  }

  /** Members of this process with handles on Janus (for tests and metrics). */
  get memberCount(): number {
    return this.#members.size;
  }

  /** A member's publishing connection offers (first or again): Janus answers through SFU_ANSWER. */
  publish(room: string, clientId: string, sdp: string): Promise<void> {
    let member = this.#members.get(`${room} ${clientId}`);
    if (!member) {
      member = new Member(room, clientId, `${clientId}.${randomBytes(6).toString('base64url')}`);
      this.#members.set(`${room} ${clientId}`, member);
    }
    const m = member;
    return this.#run(m, async () => {
      if (m.publisher === undefined) await this.#join(m);
      const { jsep } = await this.#janus.message(
        m.publisher!,
        { request: m.published ? 'configure' : 'publish' },
        { type: 'offer', sdp },
      );
      m.published = true;
      // (A member stopped meanwhile — it started afresh — gets no answer to an offer it has dropped.)
      if (m.closed) return;
      if (jsep) this.#send(room, clientId, { type: 'SFU_ANSWER', sdp: jsep.sdp });
      // The feeds that were there before it joined: no event announces them.
      await this.#sync(m);
    });
  }

  /** The browser's answer to the subscription's offer. */
  start(room: string, clientId: string, sdp: string): Promise<void> {
    const m = this.#member(room, clientId);
    return this.#run(m, async () => {
      if (m.subscriber === undefined || !m.offering) throw new SfuRefusal('no subscription offer is waiting');
      await this.#janus.message(m.subscriber, { request: 'start' }, { type: 'answer', sdp });
      m.offering = false;
      await this.#sync(m);
    });
  }

  /** A candidate of the browser's publishing or subscribing connection (null: its gathering ended). */
  candidate(
    room: string,
    clientId: string,
    target: 'publisher' | 'subscriber',
    candidate: Record<string, unknown> | null,
  ): Promise<void> {
    const m = this.#member(room, clientId);
    return this.#run(m, async () => {
      const handle = target === 'publisher' ? m.publisher : m.subscriber;
      if (handle === undefined) throw new SfuRefusal(`no ${target} connection to add a candidate to`);
      await this.#janus.trickle(handle, candidate);
    });
  }

  /**
   * Which simulcast layer of `peer`'s camera the member receives: 0 (smallest)
   * to 2, or null for none (its tile is hidden). Only `peer`'s streams in the
   * member's own subscription can be named: anyone else (gone a moment ago,
   * or never in the room) changes nothing, silently (the request is advisory
   * and races with departures).
   */
  layer(room: string, clientId: string, peer: string, layer: 0 | 1 | 2 | null): Promise<void> {
    const m = this.#members.get(`${room} ${clientId}`);
    if (!m) return Promise.resolve();
    return this.#run(m, async () => {
      const streams = m.streams.filter(
        (s) =>
          s.active !== false &&
          s.feed_id !== undefined &&
          clientOfFeed(s.feed_id) === peer &&
          slotOf(s, m.feeds.get(s.feed_id)) === 'video',
      );
      // A member of the room whose camera is not (or no longer) in the subscription: nothing to choose. (The
      // browser asks after each offer it answers; a newer one may have dropped that camera meanwhile.)
      if (m.subscriber === undefined || streams.length === 0) return;
      m.layers.set(peer, layer);
      await this.#janus.message(m.subscriber, {
        request: 'configure',
        streams: streams.map((s) =>
          layer === null ? { mid: s.mid, send: false } : { mid: s.mid, send: true, substream: layer },
        ),
      });
    });
  }

  /** The member no longer uses the SFU (left, or the room went back to the mesh): its handles go. */
  stop(room: string, clientId: string): Promise<void> {
    const key = `${room} ${clientId}`;
    const m = this.#members.get(key);
    if (!m) return Promise.resolve();
    this.#members.delete(key);
    m.closed = true;
    for (const off of m.off.splice(0)) off();
    return this.#run(m, async () => {
      for (const handle of [m.subscriber, m.publisher]) {
        if (handle !== undefined) await this.#janus.detach(handle).catch(() => {});
      }
    });
  }

  /** The room is gone: its Janus room too. */
  async destroyRoom(room: string): Promise<void> {
    if (!this.#rooms.delete(room)) return;
    await this.#janus.destroyRoom(room);
  }

  #member(room: string, clientId: string): Member {
    const m = this.#members.get(`${room} ${clientId}`);
    if (!m) throw new SfuRefusal('publish first (SFU_PUBLISH)');
    return m;
  }

  /** Runs `task` after the member's earlier tasks; its failure is the caller's, not the queue's. */
  #run<T>(m: Member, task: () => Promise<T>): Promise<T> {
    const result = m.queue.then(task);
    m.queue = result.catch(() => {});
    return result;
  }

  async #join(m: Member): Promise<void> {
    let made = this.#rooms.get(m.room);
    if (!made) {
      made = this.#janus.createRoom(m.room, { publishers: this.#publishers });
      this.#rooms.set(m.room, made);
      made.catch(() => this.#rooms.delete(m.room));
    }
    await made;
    const handle = await this.#janus.attach();
    m.publisher = handle;
    m.off.push(this.#janus.listen(handle, (event) => this.#onPublisherEvent(m, event)));
    const { data } = await this.#janus.message(handle, {
      request: 'join',
      ptype: 'publisher',
      room: m.room,
      id: m.feedId,
    });
    m.privateId = data['private_id'] as number;
    this.#addFeeds(m, data['publishers']);
  }

  #addFeeds(m: Member, publishers: unknown): void {
    if (!Array.isArray(publishers)) return;
    for (const p of publishers as { id?: unknown; streams?: FeedStream[] }[]) {
      if (typeof p.id === 'string' && p.id !== m.feedId) m.feeds.set(p.id, p.streams ?? []);
    }
  }

  /**
   * This process's members' connections Janus has up, and the cameras they
   * receive at each layer (h, m, l; none: paused), for the metrics.
   */
  counts(): SfuCounts {
    const counts: SfuCounts = { publisher: 0, subscriber: 0, layers: { h: 0, m: 0, l: 0, none: 0 } };
    for (const m of this.#members.values()) {
      if (m.up.publisher) counts.publisher++;
      if (m.up.subscriber) counts.subscriber++;
      for (const feed of m.subscribed) {
        const layer = m.layers.get(clientOfFeed(feed));
        counts.layers[layer === null ? 'none' : (['l', 'm', 'h'] as const)[layer ?? 2]]++;
      }
    }
    return counts;
  }

  #onPublisherEvent(m: Member, event: HandleEvent): void {
    if (event.janus === 'webrtcup' || event.janus === 'hangup') m.up.publisher = event.janus === 'webrtcup';
    const data = event.data;
    if (!data || m.closed) return;
    let changed = false;
    if (data['publishers']) {
      this.#addFeeds(m, data['publishers']);
      changed = true;
    }
    // A feed that went away: its member left, unpublished or was kicked (alike, and idempotent).
    for (const key of ['leaving', 'unpublished', 'kicked']) {
      const id = data[key];
      if (typeof id === 'string' && m.feeds.delete(id)) changed = true;
    }
    if (changed) void this.#run(m, () => this.#sync(m)).catch((error: unknown) => this.#failed(m, error));
  }

  #onSubscriberEvent(m: Member, event: HandleEvent): void {
    if (event.janus === 'webrtcup' || event.janus === 'hangup') m.up.subscriber = event.janus === 'webrtcup';
    // Janus renegotiates by itself when a subscribed feed unpublishes: a new offer, as if we had asked.
    if (m.closed || event.jsep?.type !== 'offer') return;
    void this.#run(m, async () => this.#offer(m, event.data?.['streams'], event.jsep!.sdp)).catch((error: unknown) =>
      this.#failed(m, error),
    );
  }

  /** Brings the subscription to the room's feeds: subscribes to new ones, drops departed ones. */
  async #sync(m: Member): Promise<void> {
    if (m.closed || m.offering || m.privateId === undefined) return;
    const subscribed = m.subscribed;
    const add = [...m.feeds.keys()].filter((feed) => !subscribed.has(feed));
    const drop = [...subscribed].filter((feed) => !m.feeds.has(feed));
    if (add.length === 0 && drop.length === 0) return;
    if (m.subscriber === undefined) {
      if (add.length === 0) return;
      const handle = await this.#janus.attach();
      m.subscriber = handle;
      m.off.push(this.#janus.listen(handle, (event) => this.#onSubscriberEvent(m, event)));
      const { data, jsep } = await this.#janus.message(handle, {
        request: 'join',
        ptype: 'subscriber',
        room: m.room,
        private_id: m.privateId,
        streams: add.map((feed) => ({ feed })),
      });
      if (jsep) this.#offer(m, data['streams'], jsep.sdp);
      return;
    }
    try {
      const { data, jsep } = await this.#janus.message(m.subscriber, {
        request: 'update',
        ...(add.length ? { subscribe: add.map((feed) => ({ feed })) } : {}),
        ...(drop.length ? { unsubscribe: drop.map((feed) => ({ feed })) } : {}),
      });
      if (jsep) this.#offer(m, data['streams'], jsep.sdp);
    } catch (error) {
      // A feed that left between its event and this update (428: no such feed): the next event syncs again.
      if (!(error instanceof JanusError && error.code === 428)) throw error;
    }
  }

  #offer(m: Member, streams: unknown, sdp: string): void {
    if (m.closed) return;
    m.streams = Array.isArray(streams) ? (streams as SubscribedStream[]) : [];
    m.offering = true;
    const feeds: SfuFeed[] = m.streams
      .filter((s) => s.active !== false && typeof s.feed_id === 'string')
      .map((s) => ({ mid: s.mid, from: clientOfFeed(s.feed_id!), slot: slotOf(s, m.feeds.get(s.feed_id!)) }));
    this.#send(m.room, m.clientId, { type: 'SFU_OFFER', sdp, feeds });
  }

  #failed(m: Member, error: unknown): void {
    this.#log.warn({ room: m.room, clientId: m.clientId, err: error }, 'SFU subscription update failed');
  }
}

/** How long the server waits before it tries to reach a Janus that was unreachable or went away. */
const RECONNECT_MS = 2000;

/**
 * The connection to Janus of a signaling process: made at start, made again
 * every 2 s while Janus cannot be reached (rooms stay a mesh meanwhile).
 */
export class SfuService {
  readonly #options: JanusOptions;
  readonly #send: SendTo;
  readonly #log: Logger;
  #sfu: Sfu | undefined;
  #janus: Janus | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  readonly #publishers: number;

  constructor(options: JanusOptions, send: SendTo, log: Logger, publishers: number) {
    this.#publishers = publishers;
    this.#options = options;
    this.#send = send;
    this.#log = log;
  }

  /** Janus came (true) or went (false): the rooms that use it move (see RoomManager.sfuChanged). */
  onChange: ((up: boolean) => void) | undefined;

  /** The Janus session of the moment (tests check that it never reaches a browser). */
  get sessionId(): number | undefined {
    return this.#janus?.sessionId;
  }

  /** The SFU, while Janus is connected. */
  get sfu(): Sfu | undefined {
    return this.#sfu;
  }

  /** Connects (resolves either way: a failure is retried in the background). */
  async start(): Promise<void> {
    if (this.#closed) return;
    try {
      const janus = await Janus.connect(this.#options);
      if (this.#closed) return void (await janus.close());
      janus.onLost = () => {
        this.#log.error({ url: this.#options.url }, 'the connection to Janus was lost; retrying');
        this.#sfu = this.#janus = undefined;
        this.onChange?.(false);
        this.#retry();
      };
      this.#janus = janus;
      this.#sfu = new Sfu(janus, this.#send, this.#log, this.#publishers);
      this.#log.info({ url: this.#options.url }, 'connected to Janus');
      this.onChange?.(true);
    } catch (error) {
      this.#log.error({ url: this.#options.url, err: error }, 'Janus cannot be reached; retrying');
      this.#retry();
    }
  }

  #retry(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.start(), RECONNECT_MS);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#sfu = undefined;
    await this.#janus?.close();
  }
}

/**
 * Every Janus instance of the deployment (JANUS_URL, or several: JANUS_URLS),
 * each with its connection. Which instance a room lives on is the store's to
 * say (placed by load, the same answer for every process: see
 * RoomStore.placeJanus); the pool knows which instances this process reaches.
 * Instances are named by their WebSocket URL.
 */
export class SfuPool {
  readonly #services: Map<string, SfuService>;

  /** `publishers`: how many may publish in one room (MAX_PARTICIPANTS). */
  constructor(options: JanusOptions[], send: SendTo, log: Logger, publishers: number) {
    this.#services = new Map(options.map((o) => [o.url, new SfuService(o, send, log, publishers)]));
    for (const [instance, service] of this.#services) service.onChange = (up) => this.onChange?.(instance, up);
  }

  /** An instance came (true) or went (false): the rooms on it move (see RoomManager.sfuChanged). */
  onChange: ((instance: string, up: boolean) => void) | undefined;

  /** The instances this process is connected to now, in configuration order. */
  up(): string[] {
    return [...this.#services].filter(([, s]) => s.sfu).map(([instance]) => instance);
  }

  /** The SFU on `instance`, while it is connected. */
  sfu(instance: string): Sfu | undefined {
    return this.#services.get(instance)?.sfu;
  }

  /** Every connected instance's SFU (a member's or a room's handles are let go on each: only one has them). */
  all(): Sfu[] {
    return [...this.#services.values()].flatMap((s) => (s.sfu ? [s.sfu] : []));
  }

  /** Each instance up or down, in configuration order (for /healthz, by position: no address is shown). */
  states(): ('up' | 'down')[] {
    return [...this.#services.values()].map((s) => (s.sfu ? 'up' : 'down'));
  }

  /** The Janus sessions of the moment (tests check that none reaches a browser). */
  get sessionIds(): number[] {
    return [...this.#services.values()].flatMap((s) => (s.sessionId === undefined ? [] : [s.sessionId]));
  }

  /** Members of this process with handles on any instance. */
  get memberCount(): number {
    return this.all().reduce((sum, sfu) => sum + sfu.memberCount, 0);
  }

  /** This process's members' connections that are up, and the layers they receive, over every instance. */
  counts(): SfuCounts {
    const counts: SfuCounts = { publisher: 0, subscriber: 0, layers: { h: 0, m: 0, l: 0, none: 0 } };
    for (const sfu of this.all()) {
      const c = sfu.counts();
      counts.publisher += c.publisher;
      counts.subscriber += c.subscriber;
      for (const key of ['h', 'm', 'l', 'none'] as const) counts.layers[key] += c.layers[key];
    }
    return counts;
  }

  async start(): Promise<void> {
    await Promise.all([...this.#services.values()].map((s) => s.start()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.#services.values()].map((s) => s.close()));
  }
}
