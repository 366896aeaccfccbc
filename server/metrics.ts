/**
 * Prometheus metrics (prom-client), one registry per server instance so that
 * several servers in one process (tests) do not share counters. Label values
 * come only from fixed sets: a client cannot grow the label space.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ANALYTICS_EVENTS, CANDIDATE_TYPES, type CandidateType } from '../src/protocol/index.js';
import type { SfuCounts } from './sfu.js';

/**
 * Counts by label in a plain Map, copied into the prom-client counter when it
 * is scraped: for counters bumped on every relayed message, where hashing a
 * label object per increment showed in the relay profile.
 */
class HotCounts {
  readonly #counts = new Map<string, number>();
  constructor(initial: readonly string[] = []) {
    for (const key of initial) this.#counts.set(key, 0);
  }
  add(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }
  copyInto(counter: Counter<string>, label: string): void {
    counter.reset();
    for (const [key, n] of this.#counts) counter.inc({ [label]: key }, n);
  }
}

const MS_BUCKETS = [10, 25, 50, 100, 200, 350, 500, 750, 1000, 1500, 2500, 5000, 10_000, 30_000];

export class Metrics {
  readonly registry = new Registry();

  readonly connections = new Gauge({
    name: 'meeting_connections',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  });
  /** Where the room and member gauges read from at scrape time. */
  counts: () => { rooms: number; members: number } = () => ({ rooms: 0, members: 0 });
  readonly rooms: Gauge = new Gauge({
    name: 'meeting_rooms',
    help: 'Rooms with at least one member',
    registers: [this.registry],
    collect: (): void => this.rooms.set(this.counts().rooms),
  });
  readonly members: Gauge = new Gauge({
    name: 'meeting_members',
    help: 'Members in all rooms, including those within their resume window',
    registers: [this.registry],
    collect: (): void => this.members.set(this.counts().members),
  });
  readonly #messageCounts = new HotCounts();
  readonly messages: Counter<'type'> = new Counter({
    name: 'meeting_messages_total',
    help: 'Valid client messages received, by type',
    labelNames: ['type'],
    registers: [this.registry],
    collect: (): void => this.#messageCounts.copyInto(this.messages, 'type'),
  });
  readonly errors = new Counter({
    name: 'meeting_errors_total',
    help: 'ERROR messages sent, by code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly closes = new Counter({
    name: 'meeting_forced_closes_total',
    help: 'Sockets closed by the server, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly addressLimited = new Counter({
    name: 'meeting_address_limited_total',
    help: 'Refusals of one client address over its allowance, by limit (sockets, joins, rooms)',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  readonly joins = new Counter({
    name: 'meeting_joins_total',
    help: 'Successful JOINs, by kind (new or resume)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly leaves = new Counter({
    name: 'meeting_leaves_total',
    help: 'Members announced as gone, by cause',
    labelNames: ['cause'],
    registers: [this.registry],
  });
  readonly mediaSwitches = new Counter({
    name: 'meeting_media_switches_total',
    help: 'Rooms switched between the mesh and the SFU, by the mode switched to',
    labelNames: ['to'],
    registers: [this.registry],
  });
  readonly sfuMoves = new Counter({
    name: 'meeting_sfu_moves_total',
    help: 'Rooms moved to another media server (Janus instance) because theirs was lost',
    registers: [this.registry],
  });
  /** Where the SFU gauge reads from at scrape time: this process's members' connections Janus has up. */
  sfuCounts: () => SfuCounts = () => ({ publisher: 0, subscriber: 0, layers: { h: 0, m: 0, l: 0, none: 0 } });
  readonly sfuConnections: Gauge<'target'> = new Gauge({
    name: 'meeting_sfu_connections',
    help: "Members' connections to the media server that are up (Janus's webrtcup), by target",
    labelNames: ['target'],
    registers: [this.registry],
    collect: (): void => {
      const counts = this.sfuCounts();
      this.sfuConnections.set({ target: 'publisher' }, counts.publisher);
      this.sfuConnections.set({ target: 'subscriber' }, counts.subscriber);
    },
  });
  readonly sfuLayers: Gauge<'layer'> = new Gauge({
    name: 'meeting_sfu_received_layers',
    help: "Cameras this process's members receive through the SFU, by simulcast layer (h, m, l; none: paused)",
    labelNames: ['layer'],
    registers: [this.registry],
    collect: (): void => {
      for (const [layer, n] of Object.entries(this.sfuCounts().layers)) this.sfuLayers.set({ layer }, n);
    },
  });
  readonly #candidateCounts = new HotCounts(CANDIDATE_TYPES);
  readonly candidates: Counter<'type'> = new Counter({
    name: 'meeting_ice_candidates_total',
    help: 'Trickled ICE candidates forwarded, by candidate type',
    labelNames: ['type'],
    registers: [this.registry],
    collect: (): void => this.#candidateCounts.copyInto(this.candidates, 'type'),
  });
  readonly selectedPairs = new Counter({
    name: 'meeting_selected_candidate_pairs_total',
    help: 'Links reported connected, by local and remote candidate type',
    labelNames: ['local', 'remote'],
    registers: [this.registry],
  });
  readonly timeToConnect = new Histogram({
    name: 'meeting_time_to_connect_ms',
    help: 'Client-reported ms from JOIN to a connected link',
    labelNames: ['path'],
    buckets: MS_BUCKETS,
    registers: [this.registry],
  });
  readonly stunResponse = new Histogram({
    name: 'meeting_stun_response_ms',
    help: 'Client-reported ms from ICE gathering start to the first srflx candidate',
    buckets: MS_BUCKETS,
    registers: [this.registry],
  });
  readonly linkFailures = new Counter({
    name: 'meeting_link_failures_total',
    help: 'Client-reported link failures and recoveries, by event',
    labelNames: ['event'],
    registers: [this.registry],
  });
  readonly analytics = new Counter({
    name: 'meeting_analytics_events_total',
    help: 'ANALYTICS reports, by event (unknown names count as other)',
    labelNames: ['event'],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** A valid client message of this type was received (hot path). */
  countMessage(type: string): void {
    this.#messageCounts.add(type);
  }

  /** A trickled candidate of this type was forwarded (hot path). */
  countCandidate(type: CandidateType | undefined): void {
    this.#candidateCounts.add(type ?? 'unknown');
  }

  /** Folds one ANALYTICS report into the metrics. */
  recordAnalytics(event: string, ms: number | undefined, path: 'direct' | 'relay' | 'unknown'): void {
    const known = (ANALYTICS_EVENTS as readonly string[]).includes(event);
    this.analytics.inc({ event: known ? event : 'other' });
    if (event === 'connection-established' && ms !== undefined) this.timeToConnect.observe({ path }, ms);
    else if (event === 'stun-response-time' && ms !== undefined) this.stunResponse.observe(ms);
    else if (event === 'ice-failed' || event === 'ice-restart' || event === 'renegotiate')
      this.linkFailures.inc({ event });
  }

  recordSelectedPair(local: CandidateType | undefined, remote: CandidateType | undefined): void {
    this.selectedPairs.inc({ local: local ?? 'unknown', remote: remote ?? 'unknown' });
  }
}
