/**
 * The call's media through the server's SFU (issue 20), a chunk of its own
 * that only rooms using it load: one publishing connection (microphone,
 * camera with three simulcast layers, screen) and one subscribing connection
 * carrying every other member's streams, both negotiated with the signaling
 * server (which relays to the media server; the browser never talks to it).
 *
 * Each participant's streams become a `FeedLink`, which takes the place of
 * the participant's mesh link in the call (same surface: streams, audio
 * receiver, state), so the element does not know which mode a room is in.
 *
 * Switching is make-before-break. Into the SFU: a mesh link goes only once
 * we receive the peer's media through the SFU and the peer told us (through
 * the server: SFU_RECEIVING) that it receives ours. Back to the mesh: the
 * call makes mesh links again; a participant's tile moves to its mesh stream
 * once that carries media, and the SFU closes when every participant has.
 */
import type { MediaMode } from '../protocol/constants.js';
import type {
  CandidateMessage,
  CandidateType,
  ClientMessage,
  ServerMessage,
  SfuFeed,
  SfuOfferMessage,
} from '../protocol/index.js';
import type { MediaLink, Participant } from './call.js';
import { isSfuMessage } from './sfu-messages.js';
import type { LinkState, LinkTracks, Slot } from './peer-link.js';

/** What the SFU needs of the call. */
export interface SfuHost {
  send(message: ClientMessage): unknown;
  tracks: LinkTracks;
  iceServers(): RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy | undefined;
  /** The call's links by participant: mesh links, and the FeedLinks adopted. */
  links: Map<string, MediaLink>;
  /** Makes a mesh link to a participant (back to the mesh). */
  connect(peerId: string): void;
  update(peerId: string, patch: Partial<Participant>): void;
  /** The call knows this participant (its JOIN came). */
  known(peerId: string): boolean;
  /** The SFU closed: the call forgets it. */
  done(): void;
}

/** How often each SFU connection's state, path and bitrate go to the server (the room graph), in checks. */
const REPORT_EVERY = 50;

/** A feed whose streams are negotiated but carry nothing this long counts as received (it sends nothing). */
const SILENT_MS = 1500;
/** How long a mesh link outlives the move of its tile to the SFU (both sides move at about the same time). */
const LINGER_MS = 1000;
/** How long a publication may go unanswered before it is sent again (the server answers within a second). */
const UNANSWERED_MS = 4000;
/** How often the switch looks at what arrived. */
const CHECK_MS = 100;

/** The camera's simulcast layers, largest first (Janus: h = substream 2, l = 0). */
const LAYERS: RTCRtpEncodingParameters[] = [
  { rid: 'h', maxBitrate: 1_200_000 },
  { rid: 'm', maxBitrate: 400_000, scaleResolutionDownBy: 2 },
  { rid: 'l', maxBitrate: 120_000, scaleResolutionDownBy: 4 },
];

/** The rids of the camera's layers by their number (Janus's substream). */
const LAYER_RIDS = ['l', 'm', 'h'] as const;

/** A simulcast layer of a camera (0 smallest, a quarter of its width; 2 the full picture), or none. */
export type Layer = 0 | 1 | 2 | null;

/**
 * The camera layer a tile needs when `others` people are on the stage and
 * the tile's size is not known: one or two fill half the stage or more (the
 * full picture, `h`); up to eight share a grid of tiles a quarter of the
 * stage or less (`m`, half the resolution); more get `l`.
 */
export function layerFor(others: number): 0 | 1 | 2 {
  return others <= 2 ? 2 : others <= 8 ? 1 : 0;
}

/**
 * The camera layer a tile `shown` device pixels wide needs from a camera
 * whose full picture is `full` wide: the smallest layer the tile scales up by
 * at most a quarter, the full picture for wider tiles, none for a tile that is
 * not shown (0 wide).
 */
export function layerForWidth(shown: number, full: number): Layer {
  if (shown <= 0) return null;
  return shown <= (full / 4) * 1.25 ? 0 : shown <= (full / 2) * 1.25 ? 1 : 2;
}

/**
 * How wide (device pixels) this document shows each stream now: the widest
 * of the video elements playing it in the shadow roots of its <meeting-room>
 * elements (open: the element's own rendering), 0 when none of them is
 * visible. A stream no element plays is not in the map (a call shown some
 * other way, or a tile not moved to the stream yet): its layer goes by the
 * count. One walk over the videos for every feed.
 */
function shownWidths(): Map<MediaProvider, number> {
  const widths = new Map<MediaProvider, number>();
  for (const host of document.querySelectorAll('meeting-room')) {
    for (const video of host.shadowRoot?.querySelectorAll('video') ?? []) {
      if (!video.srcObject) continue;
      const width = (video.checkVisibility?.() ?? true) ? video.clientWidth * devicePixelRatio : 0;
      widths.set(video.srcObject, Math.max(widths.get(video.srcObject) ?? 0, width));
    }
  }
  return widths;
}

/** The camera's full width assumed until one is measured (the element asks cameras for 1280 × 720). */
const FULL_WIDTH = 1280;
/** How long a layer must have been asked for before its frames tell the camera's full width. */
const SETTLED_MS = 2000;
/** How often (in checks) the layers are chosen again by the tiles' sizes. */
const LAYERS_EVERY = 5;
/** How often (in checks) what arrives of each camera is read (the layer it is at; a getStats per camera). */
const WIDTHS_EVERY = 20;

/** One participant's streams in the subscription, in the place of its mesh link. */
class FeedLink implements MediaLink {
  readonly remoteStream = new MediaStream();
  readonly remoteScreen = new MediaStream();
  audioReceiver: RTCRtpReceiver | undefined;
  videoReceiver: RTCRtpReceiver | undefined;
  /** When its streams were first negotiated. */
  readonly since = performance.now();
  /** Its camera's frames decoded here (read while the switch waits for them). */
  frames = 0;
  /** The simulcast layer of its camera we asked for (undefined: the server's default, the largest), and when. */
  layer: Layer | undefined;
  layerAt = 0;
  /** Its camera's full width (measured from the full layer's frames once asked for long enough). */
  full = FULL_WIDTH;
  /** The width of its camera's frames as last decoded here. */
  width = 0;

  constructor(readonly connection: RTCPeerConnection) {}

  get state(): LinkState {
    return { connectionState: this.connection.connectionState, iceConnectionState: this.connection.iceConnectionState };
  }

  /**
   * Its camera's picture is decoded here (not just arriving: a tile moved
   * before the first key frame would freeze), or its connection is up and it
   * has been long enough to count as sending none (camera off: its audio was
   * flowing all along). A connection still connecting under load is not
   * silence: the tile would move to a picture that is not there yet, and say
   * "Connecting…".
   */
  get flowing(): boolean {
    return (
      this.frames > 0 || (this.connection.connectionState === 'connected' && performance.now() - this.since > SILENT_MS)
    );
  }

  /** Reads its camera's frames decoded and their width (the full layer's, settled: the camera's full width). */
  async count(): Promise<void> {
    const { layer, layerAt } = this;
    // (A connection closed meanwhile has no stats: nothing to read, and no error for the page.)
    (await this.videoReceiver?.getStats().catch(() => undefined))?.forEach(
      (r: { type: string; framesDecoded?: number; frameWidth?: number }) => {
        if (r.type !== 'inbound-rtp') return;
        this.frames = r.framesDecoded ?? 0;
        this.width = r.frameWidth ?? 0;
        if (this.width && layer === 2 && this.settled(layerAt)) this.full = this.width;
      },
    );
  }

  /** The layer asked for at `at` has had time to arrive. */
  settled(at = this.layerAt): boolean {
    return performance.now() - at > SETTLED_MS;
  }

  /**
   * What arrives is not the layer asked for, long after asking (a request
   * the media server dropped while renegotiating, say): to be asked again.
   */
  get astray(): boolean {
    const { layer, width } = this;
    if (layer === null || layer === undefined || !width || !this.settled()) return false;
    const expected = this.full >> (2 - layer);
    return Math.abs(width - expected) > expected / 10;
  }

  // The SFU's connections are the transport's: these are the mesh link's duties, none here.
  async setTrack(): Promise<void> {}
  async receive(): Promise<void> {}
  reportState(): void {}
  setIceServers(): void {}
  close(): void {}
}

export class Sfu {
  #host: SfuHost;
  #pub: RTCPeerConnection;
  #sub: RTCPeerConnection | undefined;
  #feeds = new Map<string, FeedLink>();
  /**
   * Every participant whose media came through this SFU (kept across a
   * restart, whose new subscription may not have offered them yet): on the
   * way back to the mesh each gets a mesh link and its tile back.
   */
  #peers = new Set<string>();
  /** Peers whose media we receive through the SFU (told to them), and those who told us they receive ours. */
  #receiving = new Set<string>();
  #receivedBy = new Set<string>();
  /** Participants whose tile shows their mesh stream again (on the way back). */
  #back = new Set<string>();
  #mode: MediaMode = 'sfu';
  #chain: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setInterval>;
  #ticks = 0;
  /** Set once every tile is back on the mesh: the SFU closes when it fires. */
  #closing: ReturnType<typeof setTimeout> | undefined;
  /** Bytes of media each connection had moved at its last report, and when. */
  #moved = new Map<RTCPeerConnection, { bytes: number; at: number }>();
  #closed = false;
  /** Mesh links whose tiles moved to the SFU, closing a second later (or when the SFU closes). */
  #lingering = new Set<MediaLink>();
  /** The server answered our latest publication (SFU_ANSWER). */
  #answered = false;
  /** The publication sends its full layer (see #publish). */
  #full = true;
  /** When the latest publication went out (unanswered long after: published again, see #check). */
  #publishedAt = 0;

  constructor(host: SfuHost) {
    this.#host = host;
    this.#pub = this.#publish();
    this.#timer = setInterval(() => {
      this.#check();
      if (++this.#ticks % LAYERS_EVERY === 0) this.#chooseLayers();
      if (this.#ticks % REPORT_EVERY === 0) this.#reportAll();
    }, CHECK_MS);
  }

  /** A publishing connection, its offer on its way (SFU_PUBLISH). */
  #publish(): RTCPeerConnection {
    const pc = this.#connection('publisher');
    const { tracks } = this.#host;
    // Sent even without a track (receive-only, camera off): a track found later joins by replaceTrack, no offer.
    pc.addTransceiver(tracks.audio ?? 'audio', { direction: 'sendonly' });
    // Into the SFU from a mesh, the full layer waits until the mesh links stop sending video: for a moment every
    // page would encode its links and three layers at once, and the cores that starve freeze the pictures.
    this.#full = ![...this.#host.links.values()].some((link) => !(link instanceof FeedLink));
    pc.addTransceiver(tracks.video ?? 'video', {
      direction: 'sendonly',
      sendEncodings: LAYERS.map((layer, i) => ({ ...layer, active: i > 0 || this.#full })),
    });
    pc.addTransceiver(tracks.screen ?? 'video', { direction: 'sendonly' });
    this.#answered = false;
    this.#publishedAt = performance.now();
    this.#queue(async () => {
      await pc.setLocalDescription();
      this.#host.send({ type: 'SFU_PUBLISH', sdp: pc.localDescription!.sdp });
    });
    return pc;
  }

  /**
   * Into the SFU again after the room was back on the mesh: the SFU's side of
   * us may be gone (Janus died, which is why the room went back), so both
   * connections start afresh (the server lets go of the old ones first).
   */
  #restart(): void {
    this.#host.send({ type: 'SFU_STOP' });
    this.#pub.close();
    this.#sub?.close();
    this.#sub = undefined;
    this.#feeds.clear();
    this.#moved.clear();
    this.#pub = this.#publish();
  }

  /** Both connections anew, every tile taking the new subscription's streams as they come. */
  #afresh(): void {
    for (const [peerId, feed] of this.#feeds)
      if (this.#host.links.get(peerId) === feed) this.#host.links.delete(peerId);
    this.#receiving.clear();
    this.#restart();
  }

  /** The room's mode changed (again): into the SFU, or back to the mesh. */
  mode(mode: MediaMode): void {
    const again = this.#mode === 'mesh' && mode === 'sfu';
    this.#mode = mode;
    this.#back.clear();
    clearTimeout(this.#closing);
    this.#closing = undefined;
    if (mode === 'sfu') {
      // Into the SFU (again, perhaps within a second of leaving it): every tile moves anew, both ways told anew.
      this.#receiving.clear();
      this.#receivedBy.clear();
      if (again) this.#restart();
      return this.#check();
    }
    // Back to the mesh: every participant gets a mesh link again; the FeedLink stays its media until that flows.
    for (const peerId of this.#peers) {
      if (this.#host.links.get(peerId) === this.#feeds.get(peerId)) this.#host.links.delete(peerId);
      // (A feed whose member left stays until the next offer drops it: nobody to connect to.)
      if (this.#host.known(peerId)) this.#host.connect(peerId);
    }
    this.#check();
  }

  /** A message of the SFU's part of the protocol (SFU_ANSWER, SFU_OFFER, SFU_RECEIVING, SFU_RESTART). */
  receive(message: ServerMessage): void {
    if (!isSfuMessage(message)) return; // (a broken or hostile server's: ignored, as the call ignores others)
    // Our media server died. The room moved to another: what we had there is gone, every tile takes the new
    // subscription's streams as they come. Or it is back on the mesh: nothing sent into the SFU arrives any more,
    // and encoding three layers for it takes the cores the mesh's new links need.
    if (message.type === 'SFU_RESTART') {
      if (this.#mode === 'mesh') {
        for (const slot of ['audio', 'video', 'screen'] as const) this.setTrack(slot, undefined).catch(() => {});
        return;
      }
      return this.#afresh();
    }
    if (message.type === 'SFU_RECEIVING') {
      this.#receivedBy.add(message.from);
      return this.#check();
    }
    if (message.type === 'SFU_ANSWER') {
      const { sdp } = message;
      this.#answered = true;
      const pc = this.#pub;
      return this.#queue(() => pc.setRemoteDescription({ type: 'answer', sdp }));
    }
    // The server offers a subscription only after it answered our publication: an offer before that is the old
    // subscription's, still on its way after a restart.
    if (message.type === 'SFU_OFFER' && this.#answered) this.#queue(() => this.#subscribe(message));
  }

  /** Every tile moved to the SFU: the publication sends its full layer too. */
  async #sendFull(): Promise<void> {
    this.#full = true;
    const sender = this.#pub.getTransceivers()[1]!.sender;
    const parameters = sender.getParameters();
    for (const encoding of parameters.encodings) encoding.active = true;
    await sender.setParameters(parameters);
  }

  /** Sends a different microphone, camera or screen track (or none); no renegotiation. */
  async setTrack(slot: Slot, track: MediaStreamTrack | undefined): Promise<void> {
    const sender = this.#pub.getTransceivers()[slot === 'audio' ? 0 : slot === 'video' ? 1 : 2]?.sender;
    if (sender && sender.track !== (track ?? null)) await sender.replaceTrack(track ?? null);
  }

  /** Fresh TURN credentials for the next gathering. */
  setIceServers(iceServers: RTCIceServer[]): void {
    for (const pc of [this.#pub, this.#sub]) pc?.setConfiguration({ ...pc.getConfiguration(), iceServers });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#closing);
    for (const link of this.#lingering) link.close();
    this.#lingering.clear();
    this.#pub.close();
    this.#sub?.close();
    this.#host.send({ type: 'SFU_STOP' });
  }

  #queue(task: () => Promise<unknown>): void {
    this.#chain = this.#chain.then(task).then(
      () => undefined,
      (error: unknown) => console.warn('meeting-room: SFU negotiation failed', error),
    );
  }

  #linger(link: MediaLink): void {
    this.#lingering.add(link);
    setTimeout(() => {
      if (this.#lingering.delete(link)) link.close();
    }, LINGER_MS);
  }

  #reportAll(): void {
    void this.#report('publisher', this.#pub);
    if (this.#sub) void this.#report('subscriber', this.#sub);
  }

  /** Tells the server how a connection is doing: its state, its path (candidate types), RTT and media bitrate. */
  async #report(target: 'publisher' | 'subscriber', pc: RTCPeerConnection): Promise<void> {
    const types = new Map<string, CandidateType>();
    let pair: { localCandidateId?: string; remoteCandidateId?: string; currentRoundTripTime?: number } | undefined;
    let selected: string | undefined;
    let bytes = 0;
    // The camera's layers sent now (publisher), or the cameras received at each layer as asked (subscriber).
    const layers: Partial<Record<'h' | 'm' | 'l' | 'none', number>> = {};
    const add = (key: 'h' | 'm' | 'l' | 'none') => (layers[key] = (layers[key] ?? 0) + 1);
    if (target === 'subscriber') {
      for (const [peerId, feed] of this.#feeds) {
        if (feed.videoReceiver && this.#host.known(peerId))
          add(feed.layer === null ? 'none' : LAYER_RIDS[feed.layer ?? 2]!);
      }
    }
    (await pc.getStats()).forEach((r: Record<string, unknown> & { type: string; id: string }) => {
      if (r.type === 'outbound-rtp' && r['rid'] && r['active'] !== false && r['frameWidth']) add(r['rid'] as 'h');
      if (r.type === 'outbound-rtp') bytes += (r['bytesSent'] as number | undefined) ?? 0;
      if (r.type === 'inbound-rtp') bytes += (r['bytesReceived'] as number | undefined) ?? 0;
      if (r.type === 'local-candidate' || r.type === 'remote-candidate')
        types.set(r.id, r['candidateType'] as CandidateType);
      if (r.type === 'transport') selected = r['selectedCandidatePairId'] as string | undefined;
    });
    if (selected) (await pc.getStats()).forEach((r) => r.id === selected && (pair = r));
    const now = performance.now();
    const last = this.#moved.get(pc);
    this.#moved.set(pc, { bytes, at: now });
    const local = pair?.localCandidateId && types.get(pair.localCandidateId);
    const remote = pair?.remoteCandidateId && types.get(pair.remoteCandidateId);
    this.#host.send({
      type: 'SFU_STATE',
      target,
      connectionState: pc.connectionState,
      ...(local ? { localCandidateType: local } : {}),
      ...(remote ? { remoteCandidateType: remote } : {}),
      ...(pair?.currentRoundTripTime === undefined ? {} : { rttMs: Math.round(pair.currentRoundTripTime * 1000) }),
      // (A stream that left takes its bytes out of the sum: no negative rate then.)
      ...(last && now > last.at ? { kbps: Math.max(0, Math.round(((bytes - last.bytes) * 8) / (now - last.at))) } : {}),
      ...(Object.keys(layers).length ? { layers } : {}),
    });
  }

  #connection(target: 'publisher' | 'subscriber'): RTCPeerConnection {
    const { iceTransportPolicy } = this.#host;
    const pc = new RTCPeerConnection({
      iceServers: this.#host.iceServers(),
      bundlePolicy: 'max-bundle',
      ...(iceTransportPolicy ? { iceTransportPolicy } : {}),
    });
    pc.addEventListener('connectionstatechange', () => void this.#report(target, pc));
    pc.onicecandidate = ({ candidate }) =>
      this.#host.send({
        type: 'SFU_CANDIDATE',
        target,
        candidate: (candidate?.toJSON() ?? null) as CandidateMessage['candidate'],
      });
    return pc;
  }

  async #subscribe(offer: SfuOfferMessage): Promise<void> {
    let pc = this.#sub;
    if (!pc) {
      pc = this.#sub = this.#connection('subscriber');
      pc.onconnectionstatechange = () => {
        for (const [peerId, feed] of this.#feeds) {
          if (this.#host.links.get(peerId) === feed) this.#host.update(peerId, feed.state);
        }
      };
    }
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await pc.setLocalDescription();
    this.#host.send({ type: 'SFU_START', sdp: pc.localDescription!.sdp });
    this.#map(pc, offer.feeds);
  }

  /** Puts the subscription's tracks in each participant's streams, as the offer's feeds say. */
  #map(pc: RTCPeerConnection, feeds: SfuFeed[]): void {
    const transceivers = pc.getTransceivers();
    const present = new Set<string>();
    for (const { mid, from, slot } of feeds) {
      const receiver = transceivers.find((t) => t.mid === mid)?.receiver;
      if (!receiver) continue;
      present.add(from);
      let feed = this.#feeds.get(from);
      if (!feed) this.#feeds.set(from, (feed = new FeedLink(pc)));
      this.#peers.add(from);
      if (slot === 'audio') feed.audioReceiver = receiver;
      if (slot === 'video') feed.videoReceiver = receiver;
      const stream = slot === 'screen' ? feed.remoteScreen : feed.remoteStream;
      if (!stream.getTracks().includes(receiver.track)) stream.addTrack(receiver.track);
    }
    for (const [peerId, feed] of this.#feeds) {
      // A member gone from the room (or its feed replaced): its streams go; the call removes the participant.
      const live = new Set(
        feeds.filter((f) => f.from === peerId).map((f) => transceivers.find((t) => t.mid === f.mid)?.receiver.track),
      );
      for (const stream of [feed.remoteStream, feed.remoteScreen]) {
        for (const track of stream.getTracks()) if (!live.has(track)) stream.removeTrack(track);
      }
      if (!present.has(peerId)) {
        this.#feeds.delete(peerId);
        this.#receiving.delete(peerId);
        // On the way back, a peer that left the SFU before its tile here moved: the tile takes its mesh link now.
        const link = this.#host.links.get(peerId);
        if (this.#mode === 'mesh' && !this.#back.has(peerId) && link && link !== feed) {
          this.#host.update(peerId, { stream: link.remoteStream, screenStream: link.remoteScreen, ...link.state });
        }
      }
    }
    // Asked again after every renegotiation: a layer asked for while one was under way does not always hold.
    for (const feed of this.#feeds.values()) feed.layer = undefined;
    this.#chooseLayers();
    this.#check();
  }

  /**
   * Which simulcast layer of each camera to receive: by the size its tile is
   * shown at (see layerForWidth: small tiles the small layer, the speaker
   * view's large tile the full picture, a tile nobody sees none), or, before
   * its tile plays the SFU's stream, by the number of tiles (layerFor). Asked
   * of the server only when it changes; Janus forwards that layer.
   */
  #chooseLayers(): void {
    // (On the way back to the mesh the SFU's connections are on their way out: nothing to choose.)
    if (this.#mode === 'mesh') return;
    // (A feed whose member left stays until the next offer drops it: it is no tile.)
    const count = layerFor([...this.#feeds.keys()].filter((peerId) => this.#host.known(peerId)).length);
    const widths = shownWidths();
    for (const [peerId, feed] of this.#feeds) {
      if (!feed.videoReceiver || !this.#host.known(peerId)) continue;
      if (this.#ticks % WIDTHS_EVERY === 0) void feed.count();
      const shown = this.#host.links.get(peerId) === feed ? widths.get(feed.remoteStream) : undefined;
      const layer = shown === undefined ? count : layerForWidth(shown, feed.full);
      if (feed.layer === layer && !feed.astray) continue;
      feed.layer = layer;
      feed.layerAt = performance.now();
      this.#host.send({ type: 'SFU_LAYER', peer: peerId, layer });
    }
  }

  /** Moves each participant's tile to the path that now carries its media (see the module's comment). */
  #check(): void {
    if (this.#closed) return;
    const { links } = this.#host;
    if (this.#mode === 'sfu') {
      // A publication nobody answered (its process could reach no media server at that moment, or the one it
      // reached died under it): both connections again; the room's media server answers this time.
      if (!this.#answered && performance.now() - this.#publishedAt > UNANSWERED_MS) return this.#afresh();
      for (const [peerId, feed] of this.#feeds) {
        const link = links.get(peerId);
        if (link === feed || !this.#host.known(peerId)) continue;
        if (!feed.flowing) void feed.count();
        // The tile moves as soon as the SFU's picture decodes here (its streams; its state once the link goes).
        // A participant with no mesh link (it came after the switch) takes its FeedLink at once.
        if (!link || (feed.flowing && !this.#receiving.has(peerId))) {
          this.#receiving.add(peerId);
          if (link) this.#host.send({ type: 'SFU_RECEIVING', peer: peerId });
          this.#host.update(peerId, { stream: feed.remoteStream, screenStream: feed.remoteScreen });
        }
        // The peer's tile of us plays through the SFU too: the mesh link sends no more video, and goes a little
        // later (the peer moves on its own check); both ways done: the participant's link is the FeedLink.
        if (!link || (this.#receiving.has(peerId) && this.#receivedBy.has(peerId))) {
          links.set(peerId, feed);
          void link?.setTrack('video', undefined);
          if (link) this.#linger(link);
          this.#host.update(peerId, feed.state);
        }
      }
      if (!this.#full && [...links.values()].every((link) => link instanceof FeedLink)) {
        this.#sendFull().catch((error: unknown) => console.warn('meeting-room: the full layer did not start', error));
      }
      return;
    }
    for (const peerId of this.#peers) {
      const link = links.get(peerId);
      const feed = this.#feeds.get(peerId);
      if (this.#back.has(peerId) || !link || link === feed || !this.#host.known(peerId)) continue;
      const flows = (stream: MediaStream) => stream.getTracks().some((t) => !t.muted);
      // Its mesh link is up (as the link reports it: its state moves with the tile) and carries media, or the SFU
      // carried none either (a member that sends nothing, or none since a restart).
      if (
        link.state.connectionState === 'connected' &&
        (flows(link.remoteStream) || !feed || !flows(feed.remoteStream))
      ) {
        this.#back.add(peerId);
        this.#host.update(peerId, { stream: link.remoteStream, screenStream: link.remoteScreen, ...link.state });
      }
    }
    // Every tile back: the SFU goes a little later (a peer's tile of us may move on its next check).
    if ([...this.#peers].every((peerId) => this.#back.has(peerId) || !this.#host.known(peerId))) {
      this.#closing ??= setTimeout(() => {
        this.close();
        this.#host.done();
      }, LINGER_MS);
    }
  }
}
