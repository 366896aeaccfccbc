/**
 * Who is on the other end of a socket, and how much of the server one address
 * may take: open sockets, JOINs per minute, new rooms per minute.
 *
 * The address is the socket's peer, or, when that peer is a trusted proxy
 * (`TRUST_PROXY`), the right-most `X-Forwarded-For` entry that is not itself
 * a trusted proxy: the one address the proxy saw, whatever a client wrote
 * into the header before it. IPv6 clients count per /64, the block one host
 * usually has to itself.
 */
import { BlockList, isIP } from 'node:net';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';

export interface AddressLimitSettings {
  /** Open WebSockets per address; 0: no limit. */
  addressSockets: number;
  /** JOINs per address per minute (a burst of that many, refilled evenly); 0: no limit. */
  addressJoinsPerMinute: number;
  /** Rooms created (a JOIN into an empty room) per address per minute; 0: no limit. */
  addressRoomsPerMinute: number;
}

export type AddressLimit = 'sockets' | 'joins' | 'rooms';

/** How often an address over a limit is logged, at most (per address and limit). */
const LOG_INTERVAL_MS = 60_000;

/** Parses `TRUST_PROXY`: addresses and CIDR blocks (`127.0.0.1`, `10.0.0.0/8`, `::1`), or `loopback`. */
export function parseTrustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    if (entry === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const max = family === 4 ? 32 : 128;
    if (
      family === 0 ||
      extra !== undefined ||
      (prefix !== undefined && (!/^\d{1,3}$/.test(bits!) || prefix < 0 || prefix > max))
    ) {
      throw new Error(`"${entry}" is not an address, a CIDR block or "loopback"`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return list;
}

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) is 1.2.3.4. */
function plain(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function trusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client address of a request: the socket peer, unless it is a trusted
 * proxy; then the first address from the right of `X-Forwarded-For` that is
 * not a trusted proxy (a malformed entry stops the walk at the hop after it).
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  proxies: BlockList | undefined,
): string {
  let address = plain(socketAddress ?? 'unknown');
  if (!proxies || !trusted(proxies, address) || forwardedFor === undefined) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plain(hops[i]!.trim());
    if (isIP(hop) === 0) break;
    address = hop;
    if (!trusted(proxies, hop)) break;
  }
  return address;
}

/** The key an address is counted under: itself for IPv4, its /64 for IPv6. */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4 is handled before) takes two groups; the /64 never reaches it.
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** A bucket of `capacity` tokens refilled evenly over a minute. */
class MinuteBucket {
  #tokens: number;
  #last: number;
  constructor(
    private readonly capacity: number,
    now: number,
  ) {
    this.#tokens = capacity;
    this.#last = now;
  }
  #refill(now: number): void {
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#last) * this.capacity) / 60_000);
    this.#last = now;
  }
  peek(now: number): boolean {
    this.#refill(now);
    return this.#tokens >= 1;
  }
  take(now: number): boolean {
    if (!this.peek(now)) return false;
    this.#tokens -= 1;
    return true;
  }
  full(now: number): boolean {
    this.#refill(now);
    return this.#tokens >= this.capacity;
  }
}

interface Entry {
  sockets: number;
  joins?: MinuteBucket;
  rooms?: MinuteBucket;
  logged: Partial<Record<AddressLimit, number>>;
}

/** The per-address counters of one server process (each process of a cluster counts its own). */
export class AddressLimits {
  readonly #entries = new Map<string, Entry>();
  readonly #sweep: ReturnType<typeof setInterval>;

  constructor(
    private readonly settings: AddressLimitSettings,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#sweep = setInterval(() => this.sweep(), LOG_INTERVAL_MS);
    this.#sweep.unref();
  }

  #entry(address: string): Entry {
    const key = addressKey(address);
    let entry = this.#entries.get(key);
    if (!entry) this.#entries.set(key, (entry = { sockets: 0, logged: {} }));
    return entry;
  }

  #refuse(address: string, entry: Entry, limit: AddressLimit): false {
    this.metrics.addressLimited.inc({ limit });
    const now = this.now();
    const last = entry.logged[limit];
    if (last === undefined || now - last >= LOG_INTERVAL_MS) {
      entry.logged[limit] = now;
      this.log.warn({ address: addressKey(address), limit }, 'address over its limit; refusing');
    }
    return false;
  }

  /** A socket from `address` wants in: false (and nothing counted) when the address has its share open. */
  openSocket(address: string): boolean {
    const entry = this.#entry(address);
    const max = this.settings.addressSockets;
    if (max > 0 && entry.sockets >= max) return this.#refuse(address, entry, 'sockets');
    entry.sockets++;
    return true;
  }

  /** A socket counted by `openSocket` closed. */
  closeSocket(address: string): void {
    const entry = this.#entries.get(addressKey(address));
    if (entry && entry.sockets > 0) entry.sockets--;
  }

  /** A JOIN from `address`: false when the address used up its JOINs of the last minute. */
  takeJoin(address: string): boolean {
    const per = this.settings.addressJoinsPerMinute;
    if (per === 0) return true;
    const entry = this.#entry(address);
    entry.joins ??= new MinuteBucket(per, this.now());
    return entry.joins.take(this.now()) || this.#refuse(address, entry, 'joins');
  }

  /** Whether `address` has a new room left this minute (nothing is used or counted: see `roomCreated`). */
  hasRoomAllowance(address: string): boolean {
    const per = this.settings.addressRoomsPerMinute;
    if (per === 0) return true;
    const entry = this.#entry(address);
    entry.rooms ??= new MinuteBucket(per, this.now());
    return entry.rooms.peek(this.now());
  }

  /** `address` was refused a new room (counted and logged). */
  refusedRoom(address: string): void {
    this.#refuse(address, this.#entry(address), 'rooms');
  }

  /** `address` created a room. */
  roomCreated(address: string): void {
    if (this.settings.addressRoomsPerMinute === 0) return;
    const entry = this.#entry(address);
    entry.rooms ??= new MinuteBucket(this.settings.addressRoomsPerMinute, this.now());
    entry.rooms.take(this.now());
  }

  /** Forgets addresses with no socket whose allowances are whole again. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) {
      if (entry.sockets === 0 && (entry.joins?.full(now) ?? true) && (entry.rooms?.full(now) ?? true)) {
        this.#entries.delete(key);
      }
    }
  }

  /** Addresses tracked now (for tests and leak checks). */
  get size(): number {
    return this.#entries.size;
  }

  close(): void {
    clearInterval(this.#sweep);
    this.#entries.clear();
  }
}
