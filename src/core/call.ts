/**
 * The headless call: the signaling client, local media, one PeerLink per
 * remote participant (a full mesh), media toggles and chat. No DOM besides
 * the WebRTC and media APIs: a page that wants its own UI uses this alone.
 *
 * The flow follows the meeting module's design: connect → JOIN → every member
 * already in the room offers to the newcomer → trickle ICE → monitor → media
 * → toggles and chat → LEAVE.
 */
import { Emitter } from './emitter.js';
import { LocalDevices, type DeviceChange, type DeviceFailure, type DeviceKind, type TrackChange } from './devices.js';
import { deviceOf, mediaMessage, type MediaDevice } from './messages.js';
import { LocalSpeech, receiverLevel, SpeakerDetector, type SpeakerSource } from './speakers.js';
import { PeerLink, type LinkQuality, type LinkState, type LinkTracks, type Slot } from './peer-link.js';
import { REACTIONS, type MediaMode, type Reaction } from '../protocol/constants.js';
import type { Sfu } from './sfu.js';
import type { ChatBroadcast, IceServerConfig, PeerInfo } from '../protocol/index.js';
import { SignalingClient, type SignalingEvents, type SignalingState } from './signaling-client.js';

export type CallState = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left';

export interface CallOptions {
  signalUrl: string;
  room: string;
  name?: string;
  token?: string;
  /** From the page (the element's `ice-servers`); merged with the server's. */
  iceServers?: RTCIceServer[];
  /** `relay` forces every link through a TURN relay. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Start with the microphone on. */
  audioEnabled: boolean;
  /** Start with the camera on. */
  videoEnabled: boolean;
  clientId?: string;
  /** Ask for camera and microphone (false: receive-only). Default true. */
  requestMedia?: boolean;
  /**
   * The local devices, perhaps started already (a pre-join preview): the call
   * sends their tracks instead of capturing again, and stops them when it
   * ends. Without it, the call captures the microphone, and the camera when
   * `videoEnabled`.
   */
  devices?: LocalDevices;
  /** A WebSocket class, for non-browser use. */
  WebSocket?: typeof WebSocket;
}

/**
 * A participant's media link as the call uses it: a mesh PeerLink, or (SFU
 * mode) the participant's streams in the SFU's subscription.
 */
export type MediaLink = Pick<
  PeerLink,
  | 'connection'
  | 'remoteStream'
  | 'remoteScreen'
  | 'audioReceiver'
  | 'state'
  | 'setTrack'
  | 'receive'
  | 'reportState'
  | 'setIceServers'
  | 'close'
>;

/** A chat message as the call keeps it: `earlier` when it came with WELCOME (sent before we joined). */
export type ChatEntry = ChatBroadcast & { earlier?: true };

/** One raised hand: whose, and the server's time of raising (the queue's order). */
export interface RaisedHand {
  clientId: string;
  at: number;
}

export interface Participant extends PeerInfo {
  /** Server time the hand was raised, or null. */
  handRaisedAt: number | null;
  /** Sharing a screen now (the room was told). */
  screenSharing: boolean;
  /** Their screen share, once the link delivers it (frames while they share). */
  screenStream: MediaStream | undefined;
  /** Remote audio and video, once the link delivers them. */
  stream: MediaStream | undefined;
  connectionState: RTCPeerConnectionState;
  iceConnectionState: RTCIceConnectionState;
  localCandidateType?: string;
  remoteCandidateType?: string;
  rttMs?: number;
  /** The latest quality sample of the link, while connected. */
  quality?: LinkQuality;
  /** Their camera is paused because their page is hidden (a phone in another app): show them as away. */
  background?: boolean;
  /** Why the link is not working, while it is not (`cause`: `ice-401`, `no-candidates`, `timeout`, `renegotiate`, …). */
  problem?: { message: string; cause: string };
}

export interface CallError {
  code: 'signaling' | 'media' | 'connectivity' | 'refused';
  message: string;
  cause?: string;
  /** For `media`: the devices it is about. */
  device?: MediaDevice;
}

export interface CallEvents extends Record<string, unknown> {
  state: CallState;
  joined: { room: string; clientId: string };
  'participant-joined': Participant;
  'participant-left': Participant;
  /** Media state, stream or connection state of a participant changed. */
  'participant-updated': Participant;
  /** The local microphone or camera changed. */
  'local-media': { audioEnabled: boolean; videoEnabled: boolean; stream: MediaStream | undefined };
  /** A device in use changed: chosen, lost (a stand-in took over, or none), or back. */
  'device-change': DeviceChange;
  chat: ChatEntry;
  /** A hand went up or down (ours too); `by` is the host who lowered it. */
  hand: { clientId: string; raised: boolean; by?: string };
  reaction: { clientId: string; emoji: Reaction };
  /** Someone (us too) started or stopped speaking. */
  speaking: { clientId: string; speaking: boolean };
  /** The active speaker changed (after 1.5 s of dominance). */
  'active-speaker': { clientId: string };
  /** We have been speaking for 3 s with the microphone off. */
  'muted-speech': undefined;
  /** A screen share started or stopped (ours too); `by`: someone else's share took over ours. */
  'screen-share': { clientId: string; local: boolean; enabled: boolean; by?: string };
  error: CallError;
}

/** A stream of the local tracks of the moment (the preview and the local tile show it). */
function streamOf(tracks: LinkTracks): MediaStream {
  return new MediaStream([tracks.audio, tracks.video].filter((t): t is MediaStreamTrack => t !== undefined));
}

/** How long a member still connected to us may take to rejoin a server that restarted (see #handleWelcome). */
const REJOIN_GRACE_MS = 20_000;

/** Server ERROR codes after which retrying the same JOIN is pointless. */
const REFUSALS = new Set(['unauthorized', 'room-full', 'server-full', 'id-taken', 'replaced']);

export class Call extends Emitter<CallEvents> {
  readonly room: string;
  #options: CallOptions;
  #signaling: SignalingClient;
  #devices: LocalDevices | undefined;
  /** Shared with every link: links made later send the tracks of the moment. */
  #tracks: LinkTracks = {
    audio: undefined,
    video: undefined,
    screen: undefined,
    send: false,
    stream: new MediaStream(),
  };
  #audioEnabled: boolean;
  #state: CallState = 'idle';
  #participants = new Map<string, Participant>();
  #links = new Map<string, MediaLink>();
  /** How the room's media flows now (the server decides), and the SFU while the room uses it (or leaves it). */
  #mode: MediaMode = 'mesh';
  #sfu: Promise<Sfu> | undefined;
  #serverIceServers: IceServerConfig[] = [];
  #chat: ChatEntry[] = [];
  #handRaisedAt: number | null = null;
  /** The page is hidden and the camera paused for the room (see setBackground). */
  #background = false;
  #speakers: SpeakerDetector | undefined;
  #localSpeech: LocalSpeech | undefined;
  #joinSentAt = 0;
  /** From join() until the microphone and camera delivered (or failed): see `audioEnabled`. */
  #starting = false;
  #off: (() => void)[] = [];
  /** Members kept, still connected, after a fresh WELCOME that did not list them (see #handleWelcome). */
  #rejoining = new Set<string>();
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: CallOptions) {
    super();
    this.#options = options;
    this.room = options.room;
    this.#audioEnabled = options.audioEnabled;
    this.#signaling = new SignalingClient({
      url: options.signalUrl,
      room: options.room,
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.token ? { token: options.token } : {}),
      audioEnabled: options.audioEnabled,
      videoEnabled: options.videoEnabled,
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    });
  }

  get clientId(): string {
    return this.#signaling.clientId;
  }

  get state(): CallState {
    return this.#state;
  }

  get signalingState(): SignalingState {
    return this.#signaling.state;
  }

  /** Server messages ignored because they were not valid protocol messages. */
  get ignoredMessages(): number {
    return this.#signaling.ignoredMessages;
  }

  /** The local microphone and camera tracks of the moment (a new object when a track changes). */
  get localStream(): MediaStream | undefined {
    return this.#devices ? this.#tracks.stream : undefined;
  }

  /** The local devices, once joining started (undefined when receive-only). */
  get devices(): LocalDevices | undefined {
    return this.#devices;
  }

  /**
   * The microphone is on: captured and sent, unmuted. While it starts (from
   * join() until the capture delivers) it is the state we start it in: that is
   * what JOIN and the first answers tell the room, and a capture that fails
   * is followed by AUDIO_TOGGLE false.
   */
  get audioEnabled(): boolean {
    return this.#audioEnabled && (this.#tracks.audio !== undefined || this.#starting);
  }

  /** The camera is on: captured and sent (off stops it). While it starts: as for `audioEnabled`. */
  get videoEnabled(): boolean {
    return this.#tracks.video !== undefined || (this.#starting && this.#options.videoEnabled);
  }

  get hasAudio(): boolean {
    return this.#tracks.audio !== undefined;
  }

  /** A camera can be turned on. */
  get hasVideo(): boolean {
    return this.#devices?.hasCamera ?? false;
  }

  /** Everyone else in the room, in the order they were seen. */
  get participants(): Participant[] {
    return [...this.#participants.values()];
  }

  /** Chat messages so far, in the server's order (those sent before we joined marked `earlier`). */
  get chat(): readonly ChatEntry[] {
    return this.#chat;
  }

  /** When our hand went up (server time), or null. */
  get handRaisedAt(): number | null {
    return this.#handRaisedAt;
  }

  /** The raised hands, ours included, in the order everyone sees: by the server's time of raising, then id. */
  get hands(): RaisedHand[] {
    const hands: RaisedHand[] = [];
    if (this.#handRaisedAt !== null) hands.push({ clientId: this.clientId, at: this.#handRaisedAt });
    for (const p of this.#participants.values()) {
      if (p.handRaisedAt !== null) hands.push({ clientId: p.clientId, at: p.handRaisedAt });
    }
    return hands.sort((a, b) => a.at - b.at || (a.clientId < b.clientId ? -1 : 1));
  }

  /** The link to one peer, for monitoring and tests. */
  link(peerId: string): MediaLink | undefined {
    return this.#links.get(peerId);
  }

  /** Acquires media (unless disabled), then connects and joins. */
  async join(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#setState('joining');
    this.#off = [
      this.#signaling.on('welcome', this.#handleWelcome),
      this.#signaling.on('message', this.#handleMessage),
      this.#signaling.on('state', this.#handleSignalingState),
      this.#signaling.on('error', this.#handleSignalingError),
    ];
    // JOIN goes out as soon as the socket is open, saying the microphone and camera we are starting (see
    // audioEnabled). Members offer at once; our answers have sendrecv transceivers (tracks.send), which the
    // capture's tracks join by replaceTrack when it delivers: the room is seen and heard while our camera warms up.
    const given = this.#options.devices;
    const media = given !== undefined || this.#options.requestMedia !== false;
    this.#tracks.send = this.#starting = media;
    this.#joinSentAt = performance.now();
    this.#signaling.connect(media ? undefined : Promise.resolve({ audioEnabled: false, videoEnabled: false }));
    if (!media) return;
    const devices = (this.#devices = given ?? new LocalDevices({ video: this.#options.videoEnabled }));
    const failures: DeviceFailure[] = [];
    this.#off.push(
      devices.on('track', this.#handleTrack),
      devices.on('change', (change) => this.emit('device-change', change)),
      devices.on('failure', (failure) => {
        if (this.#starting) failures.push(failure);
        else this.#mediaError(failure);
      }),
    );
    await devices.start(); // done already when a preview started them
    if ((this.#state as CallState) === 'left') return; // left while the permission prompt was open
    const said = [this.audioEnabled, this.videoEnabled];
    this.#starting = false;
    this.#tracks.audio = devices.audioTrack;
    this.#tracks.video = this.#background ? undefined : devices.videoTrack; // a page hidden meanwhile stays paused
    if (this.#tracks.audio) this.#tracks.audio.enabled = this.#audioEnabled;
    this.#tracks.stream = streamOf(this.#tracks);
    void this.#setTrack('audio', this.#tracks.audio);
    void this.#setTrack('video', this.#tracks.video);
    this.#emitLocalMedia();
    // What JOIN (or an answer) said while starting, corrected when a capture failed.
    if (said[0] !== this.audioEnabled) this.#signaling.send({ type: 'AUDIO_TOGGLE', enabled: this.audioEnabled });
    if (said[1] !== this.videoEnabled) this.#signaling.send({ type: 'VIDEO_TOGGLE', enabled: this.videoEnabled });
    // After the tracks are known, so that listeners can tell audio-only from receive-only.
    for (const failure of failures) this.#mediaError(failure);
  }

  /** Switches the microphone, camera or speaker (captures the new device; links get it without an offer). */
  setDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (!this.#devices) return Promise.reject(new DOMException('This call has no local devices', 'InvalidStateError'));
    return this.#devices.setDevice(kind, deviceId);
  }

  /** Mutes or unmutes the microphone (track.enabled; no renegotiation) and tells the room. */
  setAudioEnabled(enabled: boolean): void {
    if (!this.#tracks.audio || enabled === this.#audioEnabled) return;
    this.#audioEnabled = enabled;
    this.#tracks.audio.enabled = enabled;
    this.#signaling.send({ type: 'AUDIO_TOGGLE', enabled });
    this.#emitLocalMedia();
  }

  /**
   * The page went into the background (or came back): the camera's picture
   * pauses for everyone (replaceTrack(null): no offer; the track is kept, so
   * coming back needs no new capture) and the room hears `VIDEO_TOGGLE`
   * with `background`, to show an "in background" avatar, not a frozen frame.
   */
  setBackground(hidden: boolean): void {
    const track = this.#devices?.videoTrack;
    if (hidden === this.#background || this.#state === 'left') return;
    this.#background = hidden;
    if (!track) return; // the camera is off: nothing to pause
    this.#tracks.video = hidden ? undefined : track;
    this.#tracks.stream = streamOf(this.#tracks);
    void this.#setTrack('video', this.#tracks.video);
    this.#signaling.send({ type: 'VIDEO_TOGGLE', enabled: !hidden, ...(hidden ? { background: true as const } : {}) });
    this.#emitLocalMedia();
  }

  /**
   * Turns the camera on or off. Off stops the camera (its light goes out) and
   * sends no video on any link (replaceTrack(null): no renegotiation, no
   * bytes); on captures it again. Resolves true when the camera is as asked.
   */
  async setVideoEnabled(enabled: boolean): Promise<boolean> {
    const devices = this.#devices;
    if (!devices || this.#state === 'left') return false;
    if (enabled === this.videoEnabled) return true;
    return devices.setCamera(enabled); // the track event below tells the links and the room
  }

  /** Sends a chat line to the room (shown when the server echoes it, in order). */
  sendChat(text: string): boolean {
    const line = text.trim();
    if (line.length === 0 || line.length > 2000 || this.#state === 'left') return false;
    return this.#signaling.send({ type: 'CHAT_MESSAGE', text: line });
  }

  /** Whether a member (us too) is speaking now: above the threshold for 300 ms, not yet 800 ms below, not muted. */
  isSpeaking(clientId: string): boolean {
    return this.#speakers?.isSpeaking(clientId) ?? false;
  }

  /** The active speaker (changes after 1.5 s of dominance), once someone spoke. */
  get activeSpeaker(): string | undefined {
    return this.#speakers?.activeSpeaker;
  }

  /** Our shared screen's track while we share. */
  get screenTrack(): MediaStreamTrack | undefined {
    return this.#tracks.screen;
  }

  /**
   * Shares a screen, window or tab (the browser asks which). Every link sends
   * it on its third transceiver with replaceTrack: no offer. Resolves false
   * when the person cancelled or the browser refused (`NotAllowedError`);
   * rejects with the browser's error when there is nothing it can share
   * (headless Firefox: `NotFoundError`) or the capture failed. Someone else
   * sharing after us takes over: ours stops.
   */
  async startShare(contentHint: 'detail' | 'text' | 'motion' = 'detail'): Promise<boolean> {
    if (this.#tracks.screen) return true;
    if (this.#state === 'left' || !this.#tracks.send || !navigator.mediaDevices?.getDisplayMedia) return false;
    let track: MediaStreamTrack | undefined;
    try {
      track = (await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false })).getVideoTracks()[0];
    } catch (error) {
      if ((error as Error).name === 'NotAllowedError') return false; // cancelled in the picker, or not allowed
      throw error;
    }
    if (!track || (this.#state as CallState) === 'left' || this.#tracks.screen) {
      track?.stop();
      return this.#tracks.screen !== undefined;
    }
    track.contentHint = contentHint;
    // The browser's own "Stop sharing" ends the track: the same as our control.
    track.onended = () => this.stopShare();
    this.#tracks.screen = track;
    void this.#setTrack('screen', track);
    this.#signaling.send({ type: 'SCREEN_SHARE', enabled: true });
    this.emit('screen-share', { clientId: this.clientId, local: true, enabled: true });
    return true;
  }

  /** Stops our screen share (no offer). */
  stopShare(): void {
    this.#endShare(true);
  }

  /** Ends our share; `by`: the server ended it because that member's share took over (it told the room). */
  #endShare(tell: boolean, by?: string): void {
    const track = this.#tracks.screen;
    if (!track) return;
    track.onended = null;
    track.stop();
    this.#tracks.screen = undefined;
    void this.#setTrack('screen', undefined);
    if (tell) this.#signaling.send({ type: 'SCREEN_SHARE', enabled: false });
    this.emit('screen-share', {
      clientId: this.clientId,
      local: true,
      enabled: false,
      ...(by === undefined ? {} : { by }),
    });
  }

  /** Raises our hand (the server's echo puts it in the queue). False when not in a room. */
  raiseHand(): boolean {
    return this.#state !== 'left' && this.#signaling.send({ type: 'HAND', raised: true });
  }

  /** Lowers our hand, or (a host) someone else's. */
  lowerHand(clientId?: string): boolean {
    if (this.#state === 'left') return false;
    const other = clientId !== undefined && clientId !== this.clientId;
    return this.#signaling.send({ type: 'HAND', raised: false, ...(other ? { for: clientId } : {}) });
  }

  /** Sends a reaction from the fixed set (the server limits them to 2 per 5 s); false for anything else. */
  react(emoji: Reaction): boolean {
    if (!(REACTIONS as readonly string[]).includes(emoji)) return false;
    return this.#state !== 'left' && this.#signaling.send({ type: 'REACTION', emoji });
  }

  /** Sends LEAVE, stops every track, closes every link and the socket. Safe to call twice. */
  leave(): void {
    if (this.#state === 'left') return;
    const wasActive = this.#state !== 'idle';
    this.#state = 'left';
    for (const off of this.#off.splice(0)) off();
    clearTimeout(this.#rejoinTimer);
    this.#signaling.close();
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
    void this.#sfu?.then((sfu) => sfu.close());
    this.#participants.clear();
    this.#speakers?.stop();
    this.#localSpeech?.close();
    this.#tracks.screen?.stop();
    this.#devices?.stop();
    this.#options.devices?.stop(); // handed over, even if joining never began
    if (wasActive) this.emit('state', 'left');
    this.removeAllListeners();
  }

  #setState(state: CallState): void {
    if (state === this.#state || this.#state === 'left') return;
    this.#state = state;
    this.emit('state', state);
  }

  #emitLocalMedia(): void {
    this.emit('local-media', {
      audioEnabled: this.audioEnabled,
      videoEnabled: this.videoEnabled,
      stream: this.localStream,
    });
  }

  /**
   * A device's track changed (switched, lost, back, camera on or off): every
   * link sends the new one with replaceTrack, and the room hears of a change
   * of state. A microphone lost with no other to take over leaves us muted.
   */
  #handleTrack = ({ kind, track, waitUntil }: TrackChange): void => {
    if (this.#state === 'joining' && !this.#tracks.send) return; // the tracks are read when the media is known
    const audio = kind === 'audioinput';
    const before = audio ? this.audioEnabled : this.videoEnabled;
    if (audio) {
      if (!track) this.#audioEnabled = false;
      if (track) track.enabled = this.#audioEnabled;
      this.#tracks.audio = track;
    } else {
      this.#tracks.video = this.#background ? undefined : track; // a camera paused in the background stays paused
    }
    this.#tracks.stream = streamOf(this.#tracks);
    waitUntil(this.#setTrack(audio ? 'audio' : 'video', this.#tracks[audio ? 'audio' : 'video']));
    const after = audio ? this.audioEnabled : this.videoEnabled;
    if (before !== after) this.#signaling.send({ type: audio ? 'AUDIO_TOGGLE' : 'VIDEO_TOGGLE', enabled: after });
    this.#emitLocalMedia();
  };

  /** Sends a track (or none) on every link and the SFU's publication (replaceTrack: no offer). */
  #setTrack(slot: Slot, track: MediaStreamTrack | undefined): Promise<unknown> {
    return Promise.all([...this.#links.values(), this.#sfu].map(async (link) => (await link)?.setTrack(slot, track)));
  }

  /**
   * The room's media mode (WELCOME, MEDIA_MODE): into the SFU loads its chunk
   * and publishes; back to the mesh makes links again. The SFU decides when
   * each participant's tile moves (make-before-break, see sfu.ts).
   */
  #setMode(mode: MediaMode): void {
    if (mode === this.#mode) return;
    this.#mode = mode;
    this.#sfu ??= import('./sfu.js').then(
      ({ Sfu }) =>
        new Sfu({
          send: (message) => this.#signaling.send(message),
          tracks: this.#tracks,
          iceServers: () => this.#iceServers(),
          iceTransportPolicy: this.#options.iceTransportPolicy,
          links: this.#links,
          connect: (peerId) => this.#ensureLink(peerId, this.clientId < peerId, performance.now()),
          update: (peerId, patch) => this.#updateParticipant(peerId, patch),
          known: (peerId) => this.#participants.has(peerId),
          done: () => (this.#sfu = undefined),
        }),
    );
    void this.#sfu.then((sfu) => sfu.mode(mode));
  }

  /** Starts the speaker detection: our microphone and every remote audio receiver. */
  #listen(): SpeakerDetector {
    const speakers = new SpeakerDetector(
      () => this.#speechSources(),
      () => this.clientId,
    );
    speakers.on('speaking', (e) => this.emit('speaking', e));
    speakers.on('active-speaker', (e) => this.emit('active-speaker', e));
    speakers.on('muted-speech', () => this.emit('muted-speech', undefined));
    return speakers;
  }

  #speechSources(): Map<string, SpeakerSource> {
    const sources = new Map<string, SpeakerSource>();
    const mic = this.#tracks.audio;
    if (this.#localSpeech?.track !== mic) {
      this.#localSpeech?.close();
      this.#localSpeech = mic ? new LocalSpeech(mic) : undefined;
    }
    if (this.#localSpeech) sources.set(this.clientId, this.#localSpeech);
    for (const [id, link] of this.#links) {
      const receiver = link.audioReceiver;
      if (!receiver) continue;
      sources.set(id, {
        level: () => receiverLevel(receiver),
        audible: () => this.#participants.get(id)?.audioEnabled === true,
      });
    }
    return sources;
  }

  #mediaError(failure: DeviceFailure): void {
    const device = deviceOf(failure);
    this.emit('error', { code: 'media', message: mediaMessage(failure.problem, device), cause: failure.name, device });
  }

  #iceServers(): RTCIceServer[] {
    return [...(this.#options.iceServers ?? []), ...(this.#serverIceServers as RTCIceServer[])];
  }

  #handleWelcome = ({ message, resumed }: SignalingEvents['welcome']): void => {
    this.#serverIceServers = message.iceServers ?? [];
    const present = new Set(message.peers.map((p) => p.clientId));
    // A fresh seat (the resume window passed, or the server restarted and forgot us): a link that still
    // carries media to a member who is still here stays (media never needed the server), and the new
    // server learns its state; any other old link goes, and that member offers to us again.
    // Resumed: links stay untouched.
    if (!resumed) {
      for (const [id, link] of [...this.#links]) {
        if (link.state.connectionState !== 'connected') this.#dropLink(id);
        else if (present.has(id)) link.reportState();
      }
    }
    // Whoever is no longer in the room goes, except, on a fresh seat, a member still connected to us: the
    // server restarted and it is rejoining too. It has REJOIN_GRACE_MS to show up (JOIN) before it goes.
    for (const { clientId } of [...this.#participants.values()]) {
      if (present.has(clientId)) continue;
      if (!resumed && this.#links.has(clientId)) this.#rejoining.add(clientId);
      else this.#removeParticipant(clientId);
    }
    if (this.#rejoining.size > 0) {
      clearTimeout(this.#rejoinTimer);
      this.#rejoinTimer = setTimeout(() => {
        for (const id of this.#rejoining) this.#removeParticipant(id);
      }, REJOIN_GRACE_MS);
    }
    for (const peer of message.peers) this.#upsertParticipant(peer);
    this.#setMode(message.media ?? 'mesh');
    // A fresh seat starts with the hand down; a resumed one keeps it (the server kept it too).
    if (!resumed) this.#handRaisedAt = null;
    for (const earlier of message.chat ?? []) this.#addChat({ ...earlier, earlier: true });
    const first = this.#state === 'joining';
    this.#speakers ??= this.#listen();
    this.#setState('joined');
    if (first) this.emit('joined', { room: message.room, clientId: message.clientId });
  };

  #handleMessage = (message: SignalingEvents['message']): void => {
    if (message.type === 'ICE_SERVERS') {
      // Fresh TURN credentials, before the ones we have expire: for new links and ICE restarts.
      this.#serverIceServers = message.iceServers;
      for (const link of this.#links.values()) link.setIceServers(this.#iceServers());
      void this.#sfu?.then((sfu) => sfu.setIceServers(this.#iceServers()));
      return;
    }
    if (message.type === 'MEDIA_MODE') return this.#setMode(message.mode);
    if (message.type.startsWith('SFU_')) return void this.#sfu?.then((sfu) => sfu.receive(message));
    // Our own chat, hand and reactions come back from the server, and so does the end of our share when someone
    // else's took over; anything else "from" us would be a server bug.
    const echo =
      message.type === 'CHAT_MESSAGE' ||
      message.type === 'HAND' ||
      message.type === 'REACTION' ||
      message.type === 'SCREEN_SHARE';
    // (SFU messages have gone to the SFU above.)
    if ((message as { from: string }).from === this.clientId && !echo) return;
    switch (message.type) {
      case 'JOIN': {
        // A newcomer, or a member back with a fresh seat (its resume window passed, or the server restarted).
        // A link to it that still carries media stays, as it does on the other side (see WELCOME); else we offer.
        const { from, ...info } = message;
        this.#rejoining.delete(from);
        const link = this.#links.get(from);
        const keep = link?.state.connectionState === 'connected';
        if (!keep) this.#dropLink(from);
        this.#upsertParticipant({ clientId: from, ...info });
        if (keep) link.reportState();
        // In SFU mode the newcomer's media comes through the SFU (its feed reaches us in an SFU_OFFER).
        else if (this.#mode === 'mesh') this.#ensureLink(from, true, performance.now());
        return;
      }
      case 'OFFER':
      case 'ANSWER':
      case 'CANDIDATE': {
        if (!this.#participants.has(message.from)) return; // not someone we know: ignore
        if (message.type !== 'CANDIDATE') {
          this.#updateParticipant(message.from, {
            audioEnabled: message.audioEnabled,
            videoEnabled: message.videoEnabled,
          });
        }
        const link =
          this.#links.get(message.from) ??
          (message.type === 'OFFER' && this.#mode === 'mesh'
            ? this.#ensureLink(message.from, false, this.#joinSentAt)
            : undefined);
        void link?.receive(message);
        return;
      }
      case 'AUDIO_TOGGLE':
        this.#updateParticipant(message.from, { audioEnabled: message.enabled === true });
        return;
      case 'VIDEO_TOGGLE':
        this.#updateParticipant(message.from, {
          videoEnabled: message.enabled,
          background: message.background === true,
        });
        return;
      case 'CHAT_MESSAGE':
        this.#addChat(message);
        return;
      case 'HAND': {
        const at = message.raised ? (message.at ?? Date.now()) : null;
        if (message.from === this.clientId) this.#handRaisedAt = at;
        else if (this.#participants.has(message.from)) this.#updateParticipant(message.from, { handRaisedAt: at });
        else return;
        this.emit('hand', {
          clientId: message.from,
          raised: message.raised,
          ...(message.by === undefined ? {} : { by: message.by }),
        });
        return;
      }
      case 'REACTION':
        if (message.from === this.clientId || this.#participants.has(message.from)) {
          this.emit('reaction', { clientId: message.from, emoji: message.emoji });
        }
        return;
      case 'SCREEN_SHARE': {
        // One sharer at a time, in the server's order: a newer share ends ours (the server tells us, with `by`).
        if (message.from === this.clientId) {
          if (!message.enabled) this.#endShare(false, message.by);
          return;
        }
        if (!this.#participants.has(message.from)) return;
        this.#updateParticipant(message.from, { screenSharing: message.enabled });
        this.emit('screen-share', { clientId: message.from, local: false, enabled: message.enabled });
        return;
      }
      case 'LEAVE':
        this.#removeParticipant(message.from);
        return;
    }
  };

  #handleSignalingState = (state: SignalingState): void => {
    if (state === 'reconnecting') this.#setState('reconnecting');
  };

  #handleSignalingError = (error: SignalingEvents['error']): void => {
    if (error.code === 'transport') {
      // While joining, an unreachable server is an error; later, the signaling client keeps trying.
      if (this.#state === 'joining')
        this.emit('error', { code: 'signaling', message: error.message, cause: 'transport' });
      return;
    }
    if (REFUSALS.has(error.code)) {
      this.emit('error', { code: 'refused', message: error.message, cause: error.code });
      this.leave();
      return;
    }
    this.emit('error', { code: 'signaling', message: error.message, cause: error.code });
  };

  #ensureLink(peerId: string, initiator: boolean, startedAt: number): MediaLink {
    const existing = this.#links.get(peerId);
    if (existing) return existing;
    const link = new PeerLink({
      localId: this.clientId,
      peerId,
      iceServers: this.#iceServers(),
      ...(this.#options.iceTransportPolicy ? { iceTransportPolicy: this.#options.iceTransportPolicy } : {}),
      tracks: this.#tracks,
      media: () => ({ audioEnabled: this.audioEnabled, videoEnabled: this.videoEnabled }),
      links: () => this.#links.size,
      send: (message) => this.#signaling.send(message),
      startedAt,
      initiator,
    });
    // While the SFU is there, it decides when the tile moves to this link (once it carries media): its streams and
    // its state (a mesh link connecting again would show "Connecting…" on a tile that plays through the SFU).
    link.on('stream', (stream) => this.#sfu || this.#updateParticipant(peerId, { stream }));
    link.on('screen', (screenStream) => this.#sfu || this.#updateParticipant(peerId, { screenStream }));
    link.on(
      'state',
      (state: LinkState) =>
        this.#sfu ||
        this.#updateParticipant(
          peerId,
          state.connectionState === 'connected' ? { ...state, problem: undefined } : state,
        ),
    );
    link.on('quality', (quality) => this.#updateParticipant(peerId, { quality }));
    link.on('problem', (problem) => {
      this.#updateParticipant(peerId, { problem });
      this.emit('error', { code: 'connectivity', message: problem.message, cause: problem.cause });
    });
    this.#links.set(peerId, link);
    if (!this.#sfu) this.#updateParticipant(peerId, { stream: link.remoteStream, screenStream: link.remoteScreen });
    return link;
  }

  #dropLink(peerId: string): void {
    const link = this.#links.get(peerId);
    if (!link) return;
    link.close();
    this.#links.delete(peerId);
  }

  #upsertParticipant(peer: PeerInfo): void {
    const existing = this.#participants.get(peer.clientId);
    if (existing) {
      this.#updateParticipant(peer.clientId, {
        ...peer,
        handRaisedAt: peer.handRaisedAt ?? null,
        screenSharing: peer.screenSharing ?? false,
      });
      return;
    }
    const participant: Participant = {
      clientId: peer.clientId,
      name: peer.name,
      ...(peer.role === undefined ? {} : { role: peer.role }),
      audioEnabled: peer.audioEnabled,
      videoEnabled: peer.videoEnabled,
      handRaisedAt: peer.handRaisedAt ?? null,
      screenSharing: peer.screenSharing ?? false,
      stream: undefined,
      screenStream: undefined,
      connectionState: 'new',
      iceConnectionState: 'new',
    };
    this.#participants.set(peer.clientId, participant);
    this.emit('participant-joined', participant);
  }

  #updateParticipant(peerId: string, patch: Partial<Participant>): void {
    const current = this.#participants.get(peerId);
    if (!current) return;
    const next = { ...current, ...patch };
    this.#participants.set(peerId, next);
    this.emit('participant-updated', next);
  }

  #removeParticipant(peerId: string): void {
    this.#rejoining.delete(peerId);
    this.#dropLink(peerId);
    const participant = this.#participants.get(peerId);
    if (!participant) return;
    this.#participants.delete(peerId);
    this.emit('participant-left', participant);
  }

  #addChat(message: ChatEntry): void {
    if (typeof message.text !== 'string' || this.#chat.some((m) => m.id === message.id)) return;
    const seq = typeof message.seq === 'number' ? message.seq : Number.MAX_SAFE_INTEGER;
    let index = this.#chat.length;
    while (index > 0 && (this.#chat[index - 1]!.seq ?? 0) > seq) index--;
    this.#chat.splice(index, 0, message);
    this.emit('chat', message);
  }
}
