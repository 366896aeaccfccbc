/**
 * One link to one remote peer: an RTCPeerConnection with perfect negotiation
 * (polite/impolite decided by clientId, rollback on glare), trickled ICE with
 * candidates buffered until the remote description is set, and monitoring:
 * `failed` → restartIce(); `disconnected` for a few seconds → restartIce();
 * after three restarts that did not bring the link back, the connection is
 * replaced and negotiated afresh. Every state change is reported to the
 * server (CONNECTION_STATE) with the selected pair's types and RTT.
 *
 * Each link always has exactly three transceivers, in this order: audio,
 * camera video and screen-share video, so that muting, turning the camera off
 * and on, switching devices and starting or stopping a screen share never
 * renegotiate (replaceTrack only).
 */
import { Emitter } from './emitter.js';
import { linkMessages, linkProblemOf } from './messages.js';
import type {
  AnalyticsEventName,
  AnswerMessage,
  CandidateMessage,
  CandidateType,
  ClientMessage,
  ForwardedAnswer,
  ForwardedCandidate,
  ForwardedOffer,
  OfferMessage,
} from '../protocol/index.js';

export interface LinkTracks {
  /** The microphone track (sent even when muted: muting disables it), or undefined while there is none. */
  audio: MediaStreamTrack | undefined;
  /** The camera track, or undefined while the camera is off or absent. */
  video: MediaStreamTrack | undefined;
  /** The shared screen, or undefined while not sharing. */
  screen: MediaStreamTrack | undefined;
  /**
   * Whether this side sends at all (false: receive-only). A sending side's
   * transceivers are `sendrecv` even without a track, so that a device found
   * later is sent with replaceTrack, without an offer.
   */
  send: boolean;
  stream: MediaStream;
}

export interface PeerLinkOptions {
  localId: string;
  peerId: string;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  tracks: LinkTracks;
  /** Current media state, sent with every OFFER and ANSWER. */
  media: () => { audioEnabled: boolean; videoEnabled: boolean };
  /** How many links the call has now (the camera goes to full size only on the call's one link: see #scale). */
  links: () => number;
  send: (message: ClientMessage) => void;
  /** When the wait for this link began (our JOIN, or the peer's), for `connection-established`. */
  startedAt: number;
  /** True when this side should offer at once (it was in the room when the peer joined). */
  initiator: boolean;
  /** How long `disconnected` may last before an ICE restart. */
  disconnectedGraceMs?: number;
  /** How long a restart may take before it counts as failed. */
  restartTimeoutMs?: number;
  /** Restarts that may fail before the connection is replaced. */
  maxRestarts?: number;
  /** A link not connected this long after it started is reported as a problem (it keeps trying). */
  connectTimeoutMs?: number;
  /** Interval of the quality sampling while connected. */
  statsIntervalMs?: number;
}

export type QualityLevel = 'good' | 'fair' | 'poor';

/** What a transceiver carries. */
export type Slot = 'audio' | 'video' | 'screen';

export interface LinkQuality {
  level: QualityLevel;
  /** `relay` when either end of the selected pair is a TURN relay. */
  path: 'direct' | 'relay';
  rttMs?: number;
  /** Share of inbound packets lost since the last sample, in percent. */
  lossPercent: number;
  /** Inbound bitrate since the last sample. */
  bitrateKbps: number;
}

/** Quality from RTT and loss: poor above 400 ms or 5 %, fair above 200 ms or 1 %. */
export function qualityLevel(rttMs: number | undefined, lossPercent: number): QualityLevel {
  const rtt = rttMs ?? 0;
  if (lossPercent > 5 || rtt > 400) return 'poor';
  if (lossPercent > 1 || rtt > 200) return 'fair';
  return 'good';
}

export interface LinkState {
  connectionState: RTCPeerConnectionState;
  iceConnectionState: RTCIceConnectionState;
  localCandidateType?: CandidateType;
  remoteCandidateType?: CandidateType;
  rttMs?: number;
}

export interface PeerLinkEvents extends Record<string, unknown> {
  /** The remote stream (a new one after the connection was replaced). */
  stream: MediaStream;
  /** The remote screen share's stream (a new one after the connection was replaced). */
  screen: MediaStream;
  state: LinkState;
  /** Something to report to the user or the page; the link keeps trying. */
  problem: { message: string; cause: string };
  /** A quality sample, every few seconds while connected. */
  quality: LinkQuality;
}

const CANDIDATE_TYPES = new Set<string>(['host', 'srflx', 'prflx', 'relay']);

export class PeerLink extends Emitter<PeerLinkEvents> {
  readonly peerId: string;
  /** Decided by clientId: the polite side rolls back on glare. */
  readonly polite: boolean;
  #options: PeerLinkOptions;
  #pc!: RTCPeerConnection;
  #remoteStream = new MediaStream();
  /** The peer's shared screen (the third transceiver's track). */
  #remoteScreen = new MediaStream();
  #makingOffer = false;
  #ignoreOffer = false;
  #pendingCandidates: (RTCIceCandidateInit | null)[] = [];
  /** Incoming signaling, applied one message at a time. */
  #chain: Promise<void> = Promise.resolve();
  #restarts = 0;
  #generation = 0;
  #disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #connectedOnce = false;
  #gatheringStartedAt: number | undefined;
  #srflxReported = false;
  #closed = false;
  #state: LinkState = { connectionState: 'new', iceConnectionState: 'new' };
  /** ms from start to connected, sent as ANALYTICS once the selected pair is known. */
  #establishedMs: number | undefined;
  #localCandidates = 0;
  /** This connection said it has no candidates. */
  #said = false;
  /** Gatherings that ended without a candidate since the link was last connected (the retries back off). */
  #regathers = 0;
  /** Whether any relay candidate was gathered on any connection of this link. */
  #relayGathered = false;
  #candidateError: { code: number; text: string } | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #lastSample: { at: number; bytes: number; packets: number; lost: number } | undefined;
  #statsTicks = 0;

  constructor(options: PeerLinkOptions) {
    super();
    this.#options = options;
    this.peerId = options.peerId;
    this.polite = options.localId > options.peerId;
    this.#createConnection(options.initiator);
    this.#connectTimer = setTimeout(() => this.#onConnectTimeout(), options.connectTimeoutMs ?? 20_000);
  }

  /** The current RTCPeerConnection (replaced when negotiation starts afresh). */
  get connection(): RTCPeerConnection {
    return this.#pc;
  }

  get remoteStream(): MediaStream {
    return this.#remoteStream;
  }

  /** The receiver of the peer's microphone (for its audio level). */
  get audioReceiver(): RTCRtpReceiver | undefined {
    return this.#transceiver('audio')?.receiver;
  }

  /** The peer's screen share track (frames only while it shares). */
  get remoteScreen(): MediaStream {
    return this.#remoteScreen;
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Applies an OFFER, ANSWER or CANDIDATE from the peer, in arrival order. */
  receive(message: ForwardedOffer | ForwardedAnswer | ForwardedCandidate): Promise<void> {
    this.#chain = this.#chain.then(() => this.#apply(message)).catch((error: unknown) => this.#report(error));
    return this.#chain;
  }

  /** Sends a different microphone, camera or screen track (or none); no renegotiation. */
  async setTrack(slot: Slot, track: MediaStreamTrack | undefined): Promise<void> {
    const transceiver = this.#transceiver(slot);
    if (transceiver && transceiver.sender.track !== (track ?? null)) {
      await transceiver.sender.replaceTrack(track ?? null);
    }
  }

  /** Sends the current state to the server again (a server that restarted knows no links). */
  reportState(): void {
    if (!this.#closed) this.#options.send({ type: 'CONNECTION_STATE', peer: this.peerId, ...this.#state });
  }

  /** Starts an ICE restart now (also used by the monitoring). */
  restartIce(): void {
    if (this.#closed) return;
    this.#restarts++;
    this.#analytics('ice-restart', { detail: `attempt ${this.#restarts}` });
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => this.#onRestartTimeout(), this.#options.restartTimeoutMs ?? 10_000);
    this.#pc.restartIce();
  }

  /**
   * Starts afresh on a new connection and offers (a new DTLS identity, new
   * remote stream): what the link does by itself when ICE restarts keep
   * failing, for a page that offers a manual "reconnect".
   */
  reconnect(): void {
    if (this.#closed) return;
    this.#analytics('renegotiate', { detail: 'requested' });
    this.#replaceConnection(true);
  }

  /** Closes the connection and forgets every timer and handler. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#disconnectedTimer);
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#connectTimer);
    clearInterval(this.#statsTimer);
    this.#detach(this.#pc);
    this.#pc.close();
    for (const track of this.#remoteStream.getTracks()) this.#remoteStream.removeTrack(track);
    this.removeAllListeners();
  }

  /** Fresh ICE servers (TURN credentials): the next gathering (an ICE restart, a fresh connection) uses them. */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.#options.iceServers = iceServers;
    if (!this.#closed) this.#pc.setConfiguration({ ...this.#pc.getConfiguration(), iceServers });
  }

  #createConnection(offerNow: boolean): void {
    const generation = ++this.#generation;
    const { iceServers, iceTransportPolicy, tracks } = this.#options;
    const pc = new RTCPeerConnection({
      iceServers,
      bundlePolicy: 'max-bundle',
      ...(iceTransportPolicy ? { iceTransportPolicy } : {}),
    });
    this.#pc = pc;
    this.#makingOffer = false;
    this.#ignoreOffer = false;
    this.#pendingCandidates = [];
    this.#connectedOnce = false;
    this.#gatheringStartedAt = undefined;
    this.#srflxReported = false;
    this.#localCandidates = 0;
    this.#said = false;
    this.#candidateError = undefined;
    pc.onnegotiationneeded = () => void this.#offer(generation);
    pc.onicecandidate = (event) => this.#onLocalCandidate(event.candidate);
    pc.onicecandidateerror = (event) => {
      const e = event as RTCPeerConnectionIceErrorEvent;
      this.#candidateError = { code: e.errorCode, text: e.errorText };
    };
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'gathering') this.#gatheringStartedAt ??= performance.now();
      if (pc.iceGatheringState === 'complete' && this.#localCandidates === 0 && pc === this.#pc) this.#noCandidates();
    };
    pc.ontrack = (event) => {
      if (event.transceiver === this.#transceiver('screen')) {
        if (!this.#remoteScreen.getTracks().includes(event.track)) this.#remoteScreen.addTrack(event.track);
        this.emit('screen', this.#remoteScreen);
        return;
      }
      if (!this.#remoteStream.getTracks().includes(event.track)) this.#remoteStream.addTrack(event.track);
      this.emit('stream', this.#remoteStream);
    };
    pc.onconnectionstatechange = () => this.#onStateChange(pc);
    pc.oniceconnectionstatechange = () => this.#onStateChange(pc);
    if (offerNow) {
      const direction = tracks.send ? 'sendrecv' : 'recvonly';
      pc.addTransceiver(tracks.audio ?? 'audio', { direction, streams: [tracks.stream] });
      // Half size to start with: see #scale.
      pc.addTransceiver(tracks.video ?? 'video', {
        direction,
        streams: [tracks.stream],
        sendEncodings: [{ scaleResolutionDownBy: 2 }],
      });
      pc.addTransceiver(tracks.screen ?? 'video', { direction });
    }
  }

  /** Negotiates afresh on a new connection, after restarts failed. */
  #replaceConnection(offerNow: boolean): void {
    clearTimeout(this.#disconnectedTimer);
    clearTimeout(this.#restartTimer);
    this.#restarts = 0;
    const old = this.#pc;
    this.#detach(old);
    old.close();
    for (const track of this.#remoteStream.getTracks()) this.#remoteStream.removeTrack(track);
    this.#remoteStream = new MediaStream();
    this.#remoteScreen = new MediaStream();
    this.emit('stream', this.#remoteStream);
    this.emit('screen', this.#remoteScreen);
    this.#createConnection(offerNow);
  }

  /** Takes every event handler off a connection (`on…` attributes are enumerable: for…in lists them). */
  #detach(pc: RTCPeerConnection): void {
    for (const key in pc) if (key.startsWith('on')) (pc as unknown as Record<string, null>)[key] = null;
  }

  /** The transceiver of a slot: the first audio, the first video (camera), the second video (screen). */
  #transceiver(slot: Slot): RTCRtpTransceiver | undefined {
    const kind = slot === 'screen' ? 'video' : slot;
    return this.#pc.getTransceivers().filter((t) => t.currentDirection !== 'stopped' && t.receiver.track.kind === kind)[
      +(slot === 'screen')
    ];
  }

  /**
   * Sends the camera at 1/`by` of its size. A link starts it at half, and goes to full size once the path is known
   * to carry 1 Mbit/s (a quality sample's estimate, every 2 s): a new connection's estimate starts at 300 kbit/s
   * (and stays there while only audio flows: a camera that starts later still finds the link at half), and at that
   * rate Chromium's encoder drops a 1280×720 camera's first frames, then sends it 320 wide for seconds; at 640 wide
   * its first frame leaves ~140 ms sooner, and the estimate climbs while it flows.
   * Only a call's one link goes to full size: with more, each link encodes the camera again, and Chromium (whose own
   * ramp kept such links at 960 or 640 wide) does not scale a size set here back down when the processor cannot
   * keep up: four people's links at full size starved each other on two busy cores (frames every few seconds), at
   * half they did not. With three or more, tiles are about half the width anyway.
   */
  #scale(by: number): void {
    const sender = this.#transceiver('video')?.sender;
    const params = sender?.getParameters();
    const encoding = params?.encodings[0];
    if (encoding && encoding.scaleResolutionDownBy !== by) {
      encoding.scaleResolutionDownBy = by;
      sender!.setParameters(params!).catch(() => {});
    }
  }

  /** Sends our local description, with the media state, unless the link or that connection is gone. */
  #sendDescription(pc: RTCPeerConnection, type: 'OFFER' | 'ANSWER'): void {
    if (this.#closed || pc !== this.#pc || !pc.localDescription) return;
    const message: OfferMessage | AnswerMessage = {
      type,
      to: this.peerId,
      sdp: pc.localDescription.sdp,
      ...this.#options.media(),
    };
    this.#options.send(message);
  }

  async #offer(generation: number): Promise<void> {
    const pc = this.#pc;
    try {
      this.#makingOffer = true;
      await pc.setLocalDescription();
      if (generation === this.#generation) this.#sendDescription(pc, 'OFFER');
    } catch (error) {
      this.#report(error);
    } finally {
      this.#makingOffer = false;
    }
  }

  async #apply(message: ForwardedOffer | ForwardedAnswer | ForwardedCandidate): Promise<void> {
    if (this.#closed) return;
    if (message.type === 'CANDIDATE') return this.#addCandidate(message.candidate);

    const description: RTCSessionDescriptionInit = {
      type: message.type === 'OFFER' ? 'offer' : 'answer',
      sdp: message.sdp,
    };
    let pc = this.#pc;
    const collision = description.type === 'offer' && (this.#makingOffer || pc.signalingState !== 'stable');
    this.#ignoreOffer = !this.polite && collision;
    if (this.#ignoreOffer) return;
    if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') return; // stale answer

    try {
      await pc.setRemoteDescription(description);
    } catch {
      // A description from a peer that replaced its connection (new DTLS identity) cannot apply to ours: start
      // afresh too. An offer is taken on the new connection; an answer (the peer, fresh, took our ICE-restart
      // offer while we ignored its own in the collision) means offering again from the new connection.
      this.#analytics('renegotiate', { detail: 'remote reset' });
      this.#replaceConnection(description.type === 'answer');
      if (description.type === 'answer') return;
      pc = this.#pc;
      await pc.setRemoteDescription(description);
    }
    if (description.type === 'offer') {
      this.#attachLocalTracks();
      await pc.setLocalDescription();
      if (pc !== this.#pc) return;
      this.#sendDescription(pc, 'ANSWER');
    }
    for (const candidate of this.#pendingCandidates.splice(0)) await this.#addCandidate(candidate);
  }

  /** On the answering side: send our tracks on the transceivers the offer made. */
  #attachLocalTracks(): void {
    const { tracks } = this.#options;
    for (const slot of ['audio', 'video', 'screen'] as const) {
      const transceiver = this.#transceiver(slot);
      if (!transceiver || transceiver.sender.track) continue;
      const track = tracks[slot];
      if (tracks.send) {
        transceiver.direction = 'sendrecv';
        if (track) void transceiver.sender.replaceTrack(track);
        if (slot !== 'screen') transceiver.sender.setStreams?.(tracks.stream);
        if (slot === 'video') this.#scale(2);
      } else if (transceiver.direction === 'sendrecv' || transceiver.direction === 'sendonly') {
        transceiver.direction = 'recvonly';
      }
    }
  }

  async #addCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    const pc = this.#pc;
    if (!pc.remoteDescription) {
      this.#pendingCandidates.push(candidate);
      return;
    }
    try {
      // null marks the end of the peer's candidates.
      await pc.addIceCandidate(candidate ?? undefined);
    } catch (error) {
      if (!this.#ignoreOffer && candidate !== null) throw error;
    }
  }

  #onLocalCandidate(candidate: RTCIceCandidate | null): void {
    if (this.#closed) return;
    if (!candidate) {
      this.#options.send({ type: 'CANDIDATE', to: this.peerId, candidate: null } satisfies CandidateMessage);
      return;
    }
    if (candidate.candidate === '') return; // end of one generation; the null above ends them all
    this.#localCandidates++;
    if (candidate.type === 'relay') this.#relayGathered = true;
    const type = candidate.type ?? undefined;
    if (type === 'srflx' && !this.#srflxReported && this.#gatheringStartedAt !== undefined) {
      this.#srflxReported = true;
      this.#analytics('stun-response-time', { ms: Math.round(performance.now() - this.#gatheringStartedAt) });
    }
    this.#options.send({
      type: 'CANDIDATE',
      to: this.peerId,
      // toJSON() gives exactly the four RTCIceCandidateInit fields, the candidate string always set.
      candidate: candidate.toJSON() as CandidateMessage['candidate'],
      ...(type && CANDIDATE_TYPES.has(type) ? { candidateType: type as CandidateType } : {}),
    } satisfies CandidateMessage);
  }

  #onStateChange(pc: RTCPeerConnection): void {
    if (pc !== this.#pc || this.#closed) return;
    const { connectionState } = pc;
    if (connectionState === 'connected') {
      clearTimeout(this.#disconnectedTimer);
      clearTimeout(this.#restartTimer);
      this.#disconnectedTimer = undefined;
      this.#restarts = this.#regathers = 0;
      clearTimeout(this.#connectTimer);
      if (!this.#connectedOnce) {
        this.#connectedOnce = true;
        this.#establishedMs = Math.round(performance.now() - this.#options.startedAt);
      }
      if (this.#statsTimer === undefined) {
        this.#lastSample = undefined;
        this.#statsTimer = setInterval(() => void this.#sample(), this.#options.statsIntervalMs ?? 2000);
      }
    } else if (connectionState === 'failed') {
      this.#analytics('ice-failed');
      this.#recover();
    } else if (connectionState === 'disconnected' && this.#disconnectedTimer === undefined) {
      this.#disconnectedTimer = setTimeout(() => {
        this.#disconnectedTimer = undefined;
        if (this.#pc === pc && pc.connectionState === 'disconnected') this.#recover();
      }, this.#options.disconnectedGraceMs ?? 3000);
    }
    void this.#publishState(pc);
  }

  /** One more restart, or a fresh connection when restarts keep failing. */
  #recover(): void {
    if (this.#restarts >= (this.#options.maxRestarts ?? 3)) {
      this.#analytics('renegotiate', { detail: 'restarts failed' });
      this.#problem('renegotiate');
      this.#replaceConnection(true);
      return;
    }
    this.restartIce();
  }

  #onRestartTimeout(): void {
    if (this.#closed || this.#pc.connectionState === 'connected') return;
    this.#recover();
  }

  async #publishState(pc: RTCPeerConnection): Promise<void> {
    const state: LinkState = { connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState };
    if (state.connectionState === 'connected') Object.assign(state, await selectedPair(pc));
    // A newer change may have been published while stats were read.
    if (pc !== this.#pc || this.#closed || pc.connectionState !== state.connectionState) return;
    this.#state = state;
    this.reportState();
    // Sent after the state, so the server knows the path (direct or relay) of this time.
    if (state.connectionState === 'connected' && this.#establishedMs !== undefined) {
      this.#analytics('connection-established', { ms: this.#establishedMs });
      this.#establishedMs = undefined;
    }
    this.emit('state', state);
  }

  /** Not connected in time: say why when it can be told (a TURN server configured but no relay candidate). */
  #onConnectTimeout(): void {
    if (this.#closed || this.#pc.connectionState === 'connected') return;
    const turnConfigured = this.#options.iceServers.some((server) =>
      (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => url.startsWith('turn')),
    );
    if (turnConfigured && !this.#relayGathered) {
      this.#analytics('ice-failed', { detail: 'relay unreachable' });
      this.#problem('relay-unreachable');
      return;
    }
    this.#problem('timeout');
  }

  /**
   * Gathering ended without a single candidate: nothing can connect (e.g. relay-only with a TURN server that refuses
   * us, or that was down at that moment). Said once per connection; gathered again after 3 s, then 6, 12, up to 30 s
   * (the next restart, in turn a fresh connection), so a relay that comes back is found without waiting for the peer,
   * and one that refuses us is not asked every few seconds.
   */
  #noCandidates(): void {
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(
      () => this.#onRestartTimeout(),
      Math.min(30_000, (this.#options.disconnectedGraceMs ?? 3000) * 2 ** this.#regathers++),
    );
    if (this.#said) return;
    this.#said = true;
    const relayOnly = this.#options.iceTransportPolicy === 'relay';
    const error = this.#candidateError;
    const reason =
      error?.code === 401
        ? 'the TURN server refused the credentials (401)'
        : error
          ? `the ICE server answered ${error.code} ${error.text}`.trim()
          : relayOnly
            ? 'no TURN relay could be reached'
            : 'no network path was found';
    this.#analytics('ice-failed', { detail: `no candidates: ${reason}` });
    this.#problem(error ? `ice-${error.code}` : 'no-candidates', `Cannot connect: ${reason}.`);
  }

  /** A quality sample from getStats(): RTT, inbound loss and bitrate since the last sample. */
  async #sample(): Promise<void> {
    const pc = this.#pc;
    if (this.#closed || pc.connectionState !== 'connected') {
      clearInterval(this.#statsTimer);
      this.#statsTimer = undefined;
      return;
    }
    const [stats, pair] = await Promise.all([pc.getStats(), selectedPair(pc)]);
    let bytes = 0;
    let packets = 0;
    let lost = 0;
    stats.forEach(
      (report: {
        type: string;
        bytesReceived?: number;
        packetsReceived?: number;
        packetsLost?: number;
        availableOutgoingBitrate?: number;
      }) => {
        // The selected pair's estimate.
        if (report.availableOutgoingBitrate! > 1e6 && this.#options.links() < 2) this.#scale(1);
        if (report.type !== 'inbound-rtp') return;
        bytes += report.bytesReceived ?? 0;
        packets += report.packetsReceived ?? 0;
        lost += report.packetsLost ?? 0;
      },
    );
    if (this.#closed || pc !== this.#pc || pc.connectionState !== 'connected') return;
    // Keep the room's connection graph true: at once when the ICE agent switched to another pair
    // (e.g. from a relay to a direct path), and every fifth sample for the RTT.
    const switched =
      pair.localCandidateType !== this.#state.localCandidateType ||
      pair.remoteCandidateType !== this.#state.remoteCandidateType;
    if (switched || ++this.#statsTicks % 5 === 0) {
      this.#state = { connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState, ...pair };
      this.reportState();
      if (switched) this.emit('state', this.#state);
    }
    const now = performance.now();
    const last = this.#lastSample;
    this.#lastSample = { at: now, bytes, packets, lost };
    if (!last) return;
    const seconds = Math.max((now - last.at) / 1000, 0.001);
    const received = packets - last.packets;
    const missing = Math.max(0, lost - last.lost);
    const lossPercent = received + missing > 0 ? Math.round((missing / (received + missing)) * 1000) / 10 : 0;
    const quality: LinkQuality = {
      level: qualityLevel(pair.rttMs, lossPercent),
      path: pair.localCandidateType === 'relay' || pair.remoteCandidateType === 'relay' ? 'relay' : 'direct',
      ...(pair.rttMs === undefined ? {} : { rttMs: pair.rttMs }),
      lossPercent,
      bitrateKbps: Math.round(((bytes - last.bytes) * 8) / seconds / 1000),
    };
    this.emit('quality', quality);
  }

  #report(error: unknown): void {
    if (this.#closed) return;
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    this.#problem(name, `Negotiation with a peer failed: ${message}`);
  }

  #analytics(event: AnalyticsEventName, extra?: { detail?: string; ms?: number }): void {
    this.#options.send({ type: 'ANALYTICS', event, peer: this.peerId, ...extra });
  }

  /** A problem for the UI; the message defaults to the English text for its cause. */
  #problem(cause: string, message?: string): void {
    const known = linkProblemOf(cause);
    this.emit('problem', { message: message ?? (known ? linkMessages[known] : cause), cause });
  }
}

/** The selected candidate pair's types and RTT, from getStats(). */
export async function selectedPair(
  pc: RTCPeerConnection,
): Promise<Pick<LinkState, 'localCandidateType' | 'remoteCandidateType' | 'rttMs'>> {
  try {
    const stats = await pc.getStats();
    let pairId: string | undefined;
    stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
      if (report.type === 'transport' && report.selectedCandidatePairId) pairId = report.selectedCandidatePairId;
    });
    const pair = pairId ? (stats.get(pairId) as RTCIceCandidatePairStats | undefined) : undefined;
    if (!pair) return {};
    const local = stats.get(pair.localCandidateId) as { candidateType?: string } | undefined;
    const remote = stats.get(pair.remoteCandidateId) as { candidateType?: string } | undefined;
    const result: Pick<LinkState, 'localCandidateType' | 'remoteCandidateType' | 'rttMs'> = {};
    if (local?.candidateType && CANDIDATE_TYPES.has(local.candidateType)) {
      result.localCandidateType = local.candidateType as CandidateType;
    }
    if (remote?.candidateType && CANDIDATE_TYPES.has(remote.candidateType)) {
      result.remoteCandidateType = remote.candidateType as CandidateType;
    }
    if (typeof pair.currentRoundTripTime === 'number')
      result.rttMs = Math.round(pair.currentRoundTripTime * 10_000) / 10;
    return result;
  } catch {
    return {};
  }
}
