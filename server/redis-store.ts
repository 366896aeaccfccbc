/**
 * `RoomStore` on Redis (ioredis), for several server processes sharing rooms
 * (`REDIS_URL`). Membership, the connection graph and chat sequence numbers
 * live in Redis; every change that must be atomic across processes (capacity,
 * the one removal that announces LEAVE, a media patch) is one Lua script.
 * Fan-out goes through Redis pub/sub: each process publishes on the room's
 * channel and receives every room's channel, delivering to its own sockets.
 *
 * Keys (prefix `mr:` by default; room names are `[A-Za-z0-9_-]{1,64}`):
 *   {p}rooms                 set of live rooms (for the server-wide room cap)
 *   {p}members               count of members in all rooms (for the gauge)
 *   {p}room:{room}:members   hash clientId → MemberRecord JSON
 *   {p}room:{room}:pairs     hash "from>to" → PairRecord JSON
 *   {p}room:{room}:seq       chat sequence counter
 *   {p}room:{room}:chat      list of the last CHAT_HISTORY chat messages (JSON), oldest first
 *   {p}ch:{room}             pub/sub channel of the room's envelopes
 *   {p}proc:{id}             this process is alive (renewed every second, expires after HEARTBEAT_TTL_MS)
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ChatBroadcast, MediaMode } from '../src/protocol/index.js';
import type {
  AddResult,
  Capacity,
  Envelope,
  MemberPatch,
  MemberRecord,
  PairRecord,
  Placement,
  RoomGraph,
  RoomStore,
  SfuLinkRecord,
} from './store.js';

const ADD = `
if redis.call('EXISTS', KEYS[2]) == 0 and redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[5]) then return {'server-full'} end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return {'id-taken'} end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then return {'room-full'} end
local peers = redis.call('HVALS', KEYS[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[3])
table.insert(peers, 1, 'ok')
return peers`;

const REMOVE = `
local raw = redis.call('HGET', KEYS[2], ARGV[2])
if not raw then return 0 end
if ARGV[3] ~= '' and cjson.decode(raw)['seat'] ~= ARGV[3] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[8], ARGV[2] .. ' publisher', ARGV[2] .. ' subscriber')
redis.call('DECR', KEYS[5])
for _, key in ipairs(redis.call('HKEYS', KEYS[3])) do
  local sep = string.find(key, '>', 1, true)
  if string.sub(key, 1, sep - 1) == ARGV[2] or string.sub(key, sep + 1) == ARGV[2] then redis.call('HDEL', KEYS[3], key) end
end
if redis.call('HLEN', KEYS[2]) == 0 then
  local janus = redis.call('GET', KEYS[9])
  if janus then redis.call('HINCRBY', KEYS[10], janus, -1) end
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[7], KEYS[8], KEYS[9])
  redis.call('SREM', KEYS[1], ARGV[1])
end
return 1`;

/** KEYS: members, the room's instance, rooms per instance; ARGV: the instance being left ('' none), candidates. */
const PLACE_JANUS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local current = redis.call('GET', KEYS[2])
if current and current ~= ARGV[1] then return {current, 0} end
local best, least = nil, nil
for i = 2, #ARGV do
  local n = tonumber(redis.call('HGET', KEYS[3], ARGV[i]) or '0')
  if least == nil or n < least then best, least = ARGV[i], n end
end
if not best then return false end
if current then redis.call('HINCRBY', KEYS[3], current, -1) end
redis.call('SET', KEYS[2], best)
redis.call('HINCRBY', KEYS[3], best, 1)
return {best, 1}`;

const PUT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1`;

const SET_MEDIA = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local member = cjson.decode(raw)
for key, value in pairs(cjson.decode(ARGV[2])) do member[key] = value end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(member))
return 1`;

const RAISE_HAND = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local member = cjson.decode(raw)
if type(member['handRaisedAt']) == 'number' then return {tostring(member['handRaisedAt']), 0} end
member['handRaisedAt'] = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(member))
return {ARGV[2], 1}`;

const LOWER_HAND = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local member = cjson.decode(raw)
if type(member['handRaisedAt']) ~= 'number' then return 0 end
member['handRaisedAt'] = cjson.null
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(member))
return 1`;

const START_SHARE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return {} end
local ended = {}
for _, raw in ipairs(redis.call('HVALS', KEYS[1])) do
  local member = cjson.decode(raw)
  local id = member['clientId']
  if id == ARGV[1] then
    member['screenSharing'] = true
    redis.call('HSET', KEYS[1], id, cjson.encode(member))
  elseif member['screenSharing'] == true then
    member['screenSharing'] = false
    redis.call('HSET', KEYS[1], id, cjson.encode(member))
    table.insert(ended, id)
  end
end
return ended`;

// The message arrives without its seq (ARGV[1] is its JSON ending in "}"): the seq is spliced in, so the number,
// the place in the list and the broadcast come from one atomic step (every process receives chat in seq order).
const ADD_CHAT = `
local seq = redis.call('INCR', KEYS[1])
local json = string.sub(ARGV[1], 1, -2) .. ',"seq":' .. seq .. '}'
local keep = tonumber(ARGV[2])
if keep > 0 then
  redis.call('RPUSH', KEYS[2], json)
  redis.call('LTRIM', KEYS[2], -keep, -1)
end
redis.call('PUBLISH', KEYS[3], '{"message":' .. json .. '}')
return seq`;

const REPORT_PAIR = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 and redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[1] .. '>' .. ARGV[2], ARGV[3])
end
return 1`;

const REPORT_SFU = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]) end
return 1`;

/** A process whose key is older than this is dead; its members are cleaned up by the others. */
const HEARTBEAT_TTL_MS = 5000;

export interface RedisStoreOptions {
  /** Key and channel prefix, so that several deployments can share one Redis. */
  prefix?: string;
  /** How often the room and member gauges are read from Redis. */
  countsIntervalMs?: number;
}

export class RedisStore implements RoomStore {
  readonly #cmd: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #listeners = new Set<(room: string, envelope: Envelope) => void>();
  #counts = { rooms: 0, members: 0 };
  readonly #countsTimer: ReturnType<typeof setInterval>;
  readonly #aliveTimer: ReturnType<typeof setInterval>;
  /** This process, as the owner of the members whose sessions it holds. */
  readonly id = randomUUID();
  /** Members seen without a live owner: "room clientId seat" → when first seen so. */
  readonly #orphanSince = new Map<string, number>();

  /** Connects to `url`; resolves once both connections are ready (rejects if Redis cannot be reached). */
  static async connect(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    // Fail fast instead of queueing commands while Redis is away: a JOIN gets an error, not a hang.
    const connection = () => new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    const cmd = connection();
    const sub = connection();
    let firstError: Error | undefined;
    for (const c of [cmd, sub]) c.on('error', (error: Error) => (firstError ??= error));
    try {
      await Promise.all([cmd.connect(), sub.connect()]);
    } catch (error) {
      cmd.disconnect();
      sub.disconnect();
      throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${(firstError ?? (error as Error)).message}`);
    }
    const store = new RedisStore(cmd, sub, options);
    await sub.psubscribe(`${store.#prefix}ch:*`);
    await Promise.all([store.#refreshCounts(), store.#beat()]);
    return store;
  }

  private constructor(cmd: Redis, sub: Redis, options: RedisStoreOptions) {
    this.#cmd = cmd;
    this.#sub = sub;
    this.#prefix = options.prefix ?? 'mr:';
    for (const [name, lua, keys] of [
      ['mrAdd', ADD, 3],
      ['mrRemove', REMOVE, 10],
      ['mrPlaceJanus', PLACE_JANUS, 3],
      ['mrRaiseHand', RAISE_HAND, 1],
      ['mrLowerHand', LOWER_HAND, 1],
      ['mrStartShare', START_SHARE, 1],
      ['mrAddChat', ADD_CHAT, 3],
      ['mrPut', PUT, 1],
      ['mrSetMedia', SET_MEDIA, 1],
      ['mrReportPair', REPORT_PAIR, 2],
      ['mrReportSfu', REPORT_SFU, 2],
    ] as const) {
      cmd.defineCommand(name, { numberOfKeys: keys, lua });
    }
    const channelPrefix = `${this.#prefix}ch:`;
    sub.on('pmessage', (_pattern: string, channel: string, text: string) => {
      let envelope: Envelope;
      try {
        envelope = JSON.parse(text) as Envelope;
      } catch {
        return; // not ours
      }
      const room = channel.slice(channelPrefix.length);
      for (const listener of this.#listeners) listener(room, envelope);
    });
    this.#countsTimer = setInterval(() => void this.#refreshCounts().catch(() => {}), options.countsIntervalMs ?? 2000);
    this.#countsTimer.unref();
    this.#aliveTimer = setInterval(() => void this.#beat().catch(() => {}), 1000);
    this.#aliveTimer.unref();
  }

  #beat(): Promise<unknown> {
    return this.#cmd.set(`${this.#prefix}proc:${this.id}`, '1', 'PX', HEARTBEAT_TTL_MS);
  }

  /** Both connections are up; /healthz reports 503 otherwise. */
  get healthy(): boolean {
    return this.#cmd.status === 'ready' && this.#sub.status === 'ready';
  }

  #room(room: string, part: 'members' | 'pairs' | 'seq' | 'chat' | 'mode' | 'sfu' | 'janus'): string {
    return `${this.#prefix}room:${room}:${part}`;
  }

  #run(name: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return (this.#cmd as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[name]!(
      ...keys,
      ...args,
    );
  }

  async add(room: string, member: MemberRecord, capacity: Capacity): Promise<AddResult> {
    const reply = (await this.#run(
      'mrAdd',
      [`${this.#prefix}rooms`, this.#room(room, 'members'), `${this.#prefix}members`],
      [
        room,
        member.clientId,
        JSON.stringify({ ...member, owner: this.id }),
        capacity.maxParticipants,
        capacity.maxRooms,
      ],
    )) as string[];
    const [status, ...peers] = reply;
    if (status !== 'ok') return { ok: false, code: status as 'room-full' | 'server-full' | 'id-taken' };
    return { ok: true, peers: peers.map((p) => JSON.parse(p) as MemberRecord) };
  }

  async get(room: string, clientId: string): Promise<MemberRecord | undefined> {
    const raw = await this.#cmd.hget(this.#room(room, 'members'), clientId);
    return raw === null ? undefined : (JSON.parse(raw) as MemberRecord);
  }

  async put(room: string, member: MemberRecord): Promise<void> {
    const record = JSON.stringify({ ...member, owner: this.id });
    await this.#run('mrPut', [this.#room(room, 'members')], [member.clientId, record]);
  }

  async remove(room: string, clientId: string, seat?: string): Promise<boolean> {
    const removed = await this.#run(
      'mrRemove',
      [
        `${this.#prefix}rooms`,
        this.#room(room, 'members'),
        this.#room(room, 'pairs'),
        this.#room(room, 'seq'),
        `${this.#prefix}members`,
        this.#room(room, 'chat'),
        this.#room(room, 'mode'),
        this.#room(room, 'sfu'),
        this.#room(room, 'janus'),
        `${this.#prefix}janus-rooms`,
      ],
      [room, clientId, seat ?? ''],
    );
    return removed === 1;
  }

  async mode(room: string): Promise<MediaMode> {
    return (await this.#cmd.get(this.#room(room, 'mode'))) === 'sfu' ? 'sfu' : 'mesh';
  }

  async setMode(room: string, mode: MediaMode): Promise<boolean> {
    // Only while the room exists (its members hash): a room that emptied meanwhile gets no stray key.
    if ((await this.#cmd.exists(this.#room(room, 'members'))) === 0) return false;
    const before = await this.#cmd.getset(this.#room(room, 'mode'), mode);
    return (before === 'sfu' ? 'sfu' : 'mesh') !== mode;
  }

  async setMedia(room: string, clientId: string, patch: MemberPatch): Promise<void> {
    await this.#run('mrSetMedia', [this.#room(room, 'members')], [clientId, JSON.stringify(patch)]);
  }

  async raiseHand(room: string, clientId: string, at: number): Promise<{ at: number; changed: boolean } | undefined> {
    const reply = (await this.#run('mrRaiseHand', [this.#room(room, 'members')], [clientId, at])) as
      [string, number] | null;
    return reply ? { at: Number(reply[0]), changed: reply[1] === 1 } : undefined;
  }

  async startShare(room: string, clientId: string): Promise<string[]> {
    return (await this.#run('mrStartShare', [this.#room(room, 'members')], [clientId])) as string[];
  }

  async lowerHand(room: string, clientId: string): Promise<boolean> {
    return (await this.#run('mrLowerHand', [this.#room(room, 'members')], [clientId])) === 1;
  }

  async reportPair(room: string, pair: PairRecord): Promise<void> {
    await this.#run(
      'mrReportPair',
      [this.#room(room, 'members'), this.#room(room, 'pairs')],
      [pair.from, pair.to, JSON.stringify(pair)],
    );
  }

  async janus(room: string): Promise<string | undefined> {
    return (await this.#cmd.get(this.#room(room, 'janus'))) ?? undefined;
  }

  async placeJanus(room: string, candidates: string[], leaving?: string): Promise<Placement | undefined> {
    const reply = (await this.#run(
      'mrPlaceJanus',
      [this.#room(room, 'members'), this.#room(room, 'janus'), `${this.#prefix}janus-rooms`],
      [leaving ?? '', ...candidates],
    )) as [string, number] | null;
    return reply ? { instance: reply[0], placed: reply[1] === 1 } : undefined;
  }

  async reportSfu(room: string, link: SfuLinkRecord): Promise<void> {
    await this.#run(
      'mrReportSfu',
      [this.#room(room, 'members'), this.#room(room, 'sfu')],
      [link.clientId, `${link.clientId} ${link.target}`, JSON.stringify(link)],
    );
  }

  async graph(room: string): Promise<RoomGraph | undefined> {
    const [members, pairs, sfu, mode] = await Promise.all([
      this.#cmd.hvals(this.#room(room, 'members')),
      this.#cmd.hvals(this.#room(room, 'pairs')),
      this.#cmd.hvals(this.#room(room, 'sfu')),
      this.#cmd.get(this.#room(room, 'mode')),
    ]);
    if (members.length === 0) return undefined;
    return {
      room,
      mode: mode === 'sfu' ? 'sfu' : 'mesh',
      sfu: sfu.map((raw) => JSON.parse(raw) as SfuLinkRecord),
      members: members.map((raw) => {
        const { resumeToken: _secret, ...rest } = JSON.parse(raw) as MemberRecord;
        return rest;
      }),
      pairs: pairs.map((raw) => JSON.parse(raw) as PairRecord),
    };
  }

  async orphans(graceMs: number): Promise<{ room: string; clientId: string; seat: string }[]> {
    const rooms = await this.#cmd.smembers(`${this.#prefix}rooms`);
    const records = await Promise.all(
      rooms.map(async (room) => ({ room, members: await this.#cmd.hvals(this.#room(room, 'members')) })),
    );
    const owners = new Set<string>();
    const members = records.flatMap(({ room, members: raw }) =>
      raw.map((text) => {
        const member = JSON.parse(text) as MemberRecord;
        if (member.owner) owners.add(member.owner);
        return { room, member };
      }),
    );
    const alive = new Set<string>();
    await Promise.all(
      [...owners].map(async (owner) => {
        if (await this.#cmd.exists(`${this.#prefix}proc:${owner}`)) alive.add(owner);
      }),
    );
    const now = Date.now();
    const seen = new Set<string>();
    const due: { room: string; clientId: string; seat: string }[] = [];
    for (const { room, member } of members) {
      if (!member.owner || alive.has(member.owner)) continue;
      const key = `${room} ${member.clientId} ${member.seat}`;
      seen.add(key);
      const since = this.#orphanSince.get(key) ?? now;
      this.#orphanSince.set(key, since);
      if (now - since >= graceMs) due.push({ room, clientId: member.clientId, seat: member.seat });
    }
    for (const key of this.#orphanSince.keys()) if (!seen.has(key)) this.#orphanSince.delete(key);
    return due;
  }

  async addChat(room: string, message: Omit<ChatBroadcast, 'seq'>, keep: number): Promise<ChatBroadcast> {
    const seq = (await this.#run(
      'mrAddChat',
      [this.#room(room, 'seq'), this.#room(room, 'chat'), `${this.#prefix}ch:${room}`],
      [JSON.stringify(message), keep],
    )) as number;
    return { ...message, seq };
  }

  async chatHistory(room: string): Promise<ChatBroadcast[]> {
    return (await this.#cmd.lrange(this.#room(room, 'chat'), 0, -1)).map((raw) => JSON.parse(raw) as ChatBroadcast);
  }

  publish(room: string, envelope: Envelope): void {
    // Commands of one connection are delivered in order: a socket's messages stay in order across processes.
    this.#cmd.publish(`${this.#prefix}ch:${room}`, JSON.stringify(envelope)).catch(() => {});
  }

  subscribe(listener: (room: string, envelope: Envelope) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cluster-wide, refreshed every couple of seconds (the gauges and /healthz read it synchronously). */
  counts(): { rooms: number; members: number } {
    return this.#counts;
  }

  async #refreshCounts(): Promise<void> {
    const [rooms, members] = await Promise.all([
      this.#cmd.scard(`${this.#prefix}rooms`),
      this.#cmd.get(`${this.#prefix}members`),
    ]);
    this.#counts = { rooms, members: Number(members ?? 0) };
  }

  async close(): Promise<void> {
    clearInterval(this.#countsTimer);
    clearInterval(this.#aliveTimer);
    this.#listeners.clear();
    // quit() says goodbye to a Redis that is there; a connection that is down (retrying) is just dropped.
    await Promise.allSettled(
      [this.#sub, this.#cmd].map((c) => (c.status === 'ready' ? c.quit() : Promise.resolve(c.disconnect()))),
    );
  }
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
