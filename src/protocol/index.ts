/**
 * The meeting-room signaling protocol, version 1: every message type that
 * crosses the WebSocket, in one module shared by the element (`src/`) and the
 * server (`server/`). `../shared/PROTOCOL.md` is the prose form of this file;
 * keep the two in step.
 *
 * Client-to-server messages are valibot schemas (the server validates every
 * frame against them) with their TypeScript types inferred from the schemas,
 * so the types cannot drift from the validation. Browser code imports only
 * types and constants from here; valibot is side-effect free and tree-shakes
 * out of the bundle.
 */
import * as v from 'valibot';

export * from './constants.js';
import {
  MAX_CHAT_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SDP_LENGTH,
  MAX_TOKEN_LENGTH,
  REACTIONS,
  SFU_TARGETS,
  type MediaMode,
  type Reaction,
  type SfuSlot,
} from './constants.js';

// ---------------------------------------------------------------------------
// Shared field shapes

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A room name: 1-64 of `[A-Za-z0-9_-]`. */
export const RoomName = v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(ID_PATTERN));
/** A client id: 8-64 of `[A-Za-z0-9_-]`, chosen by the client, public. */
export const ClientId = v.pipe(v.string(), v.minLength(8), v.maxLength(64), v.regex(ID_PATTERN));

export const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;
export const CandidateType = v.picklist(CANDIDATE_TYPES);
export type CandidateType = v.InferOutput<typeof CandidateType>;

export const CONNECTION_STATES = ['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed'] as const;
export const ICE_CONNECTION_STATES = [
  'new',
  'checking',
  'connected',
  'completed',
  'disconnected',
  'failed',
  'closed',
] as const;

const Sdp = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_SDP_LENGTH));

/** RTCIceCandidateInit as browsers produce it. */
const IceCandidateInit = v.object({
  candidate: v.pipe(v.string(), v.maxLength(2048)),
  sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
  sdpMLineIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1024)))),
  usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
});

const MediaState = {
  audioEnabled: v.boolean(),
  videoEnabled: v.boolean(),
};

// ---------------------------------------------------------------------------
// Client to server

export const JoinSchema = v.object({
  type: v.literal('JOIN'),
  room: RoomName,
  clientId: ClientId,
  name: v.optional(v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH))),
  token: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TOKEN_LENGTH))),
  resumeToken: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
  ...MediaState,
});

export const OfferSchema = v.object({ type: v.literal('OFFER'), to: ClientId, sdp: Sdp, ...MediaState });
export const AnswerSchema = v.object({ type: v.literal('ANSWER'), to: ClientId, sdp: Sdp, ...MediaState });

export const CandidateSchema = v.object({
  type: v.literal('CANDIDATE'),
  to: ClientId,
  candidate: v.nullable(IceCandidateInit),
  candidateType: v.optional(CandidateType),
});

export const AudioToggleSchema = v.object({ type: v.literal('AUDIO_TOGGLE'), enabled: v.boolean() });
/** `background: true` with `enabled: false`: the camera is paused because the page is hidden (a phone's other app). */
export const VideoToggleSchema = v.object({
  type: v.literal('VIDEO_TOGGLE'),
  enabled: v.boolean(),
  background: v.optional(v.literal(true)),
});

export const ChatMessageSchema = v.object({
  type: v.literal('CHAT_MESSAGE'),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CHAT_LENGTH)),
});

export const ConnectionStateSchema = v.object({
  type: v.literal('CONNECTION_STATE'),
  peer: ClientId,
  connectionState: v.picklist(CONNECTION_STATES),
  iceConnectionState: v.picklist(ICE_CONNECTION_STATES),
  localCandidateType: v.optional(CandidateType),
  remoteCandidateType: v.optional(CandidateType),
  rttMs: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(600_000))),
});

/** Analytics event names the server turns into metrics; others are only logged. */
export const ANALYTICS_EVENTS = [
  'connection-established',
  'stun-response-time',
  'ice-failed',
  'ice-restart',
  'renegotiate',
] as const;
export type AnalyticsEventName = (typeof ANALYTICS_EVENTS)[number];

export const AnalyticsSchema = v.object({
  type: v.literal('ANALYTICS'),
  event: v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[a-z0-9][a-z0-9-]*$/)),
  peer: v.optional(ClientId),
  ms: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(3_600_000))),
  detail: v.optional(v.pipe(v.string(), v.maxLength(500))),
});

export const LeaveSchema = v.object({ type: v.literal('LEAVE') });

/** Raise or lower my hand; `for`: lower someone else's (a host only). */
export const HandSchema = v.object({ type: v.literal('HAND'), raised: v.boolean(), for: v.optional(ClientId) });

export const ReactionSchema = v.object({ type: v.literal('REACTION'), emoji: v.picklist(REACTIONS) });

export const ScreenShareSchema = v.object({ type: v.literal('SCREEN_SHARE'), enabled: v.boolean() });

// SFU mode (the room's media through the server's media server): see PROTOCOL.md, "SFU mode".

/** Our publishing connection's offer (audio, camera, screen; sendonly), first or again. */
export const SfuPublishSchema = v.object({ type: v.literal('SFU_PUBLISH'), sdp: Sdp });
/** The answer to the latest SFU_OFFER (the subscription). */
export const SfuStartSchema = v.object({ type: v.literal('SFU_START'), sdp: Sdp });
/** A candidate of the publishing or the subscribing connection (null: gathering ended). */
export const SfuCandidateSchema = v.object({
  type: v.literal('SFU_CANDIDATE'),
  target: v.picklist(SFU_TARGETS),
  candidate: v.nullable(IceCandidateInit),
});
/** I receive `peer`'s media through the SFU now (forwarded to `peer`: make-before-break of the mesh link). */
export const SfuReceivingSchema = v.object({ type: v.literal('SFU_RECEIVING'), peer: ClientId });
/** Which simulcast layer of `peer`'s camera to receive: 0 (smallest) to 2, or null for none (a hidden tile). */
export const SfuLayerSchema = v.object({
  type: v.literal('SFU_LAYER'),
  peer: ClientId,
  layer: v.nullable(v.picklist([0, 1, 2])),
});
/** A number of simulcast layers or cameras (SFU_STATE.layers). */
const LayerCount = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)));
/** How one of my two SFU connections is doing (on a change, and every few seconds while connected). */
export const SfuStateSchema = v.object({
  type: v.literal('SFU_STATE'),
  target: v.picklist(SFU_TARGETS),
  connectionState: v.picklist(CONNECTION_STATES),
  localCandidateType: v.optional(CandidateType),
  remoteCandidateType: v.optional(CandidateType),
  rttMs: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(600_000))),
  /** Media bitrate: sent (publisher) or received (subscriber). */
  kbps: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1_000_000))),
  /**
   * Simulcast layers: the camera's layers the publisher sends now (1 each), or
   * how many cameras the subscriber receives at each layer (`none`: paused).
   */
  layers: v.optional(v.object({ h: LayerCount, m: LayerCount, l: LayerCount, none: LayerCount })),
});
/** I no longer use the SFU (the room went back to the mesh and every link carries media). */
export const SfuStopSchema = v.object({ type: v.literal('SFU_STOP') });

/** Every message a client may send, keyed by `type`. */
export const CLIENT_SCHEMAS = {
  JOIN: JoinSchema,
  OFFER: OfferSchema,
  ANSWER: AnswerSchema,
  CANDIDATE: CandidateSchema,
  AUDIO_TOGGLE: AudioToggleSchema,
  VIDEO_TOGGLE: VideoToggleSchema,
  CHAT_MESSAGE: ChatMessageSchema,
  CONNECTION_STATE: ConnectionStateSchema,
  ANALYTICS: AnalyticsSchema,
  LEAVE: LeaveSchema,
  HAND: HandSchema,
  REACTION: ReactionSchema,
  SCREEN_SHARE: ScreenShareSchema,
  SFU_PUBLISH: SfuPublishSchema,
  SFU_START: SfuStartSchema,
  SFU_CANDIDATE: SfuCandidateSchema,
  SFU_RECEIVING: SfuReceivingSchema,
  SFU_LAYER: SfuLayerSchema,
  SFU_STATE: SfuStateSchema,
  SFU_STOP: SfuStopSchema,
} as const;

export type ClientMessageType = keyof typeof CLIENT_SCHEMAS;
export type ClientMessageOf<T extends ClientMessageType> = v.InferOutput<(typeof CLIENT_SCHEMAS)[T]>;

export type JoinMessage = ClientMessageOf<'JOIN'>;
export type OfferMessage = ClientMessageOf<'OFFER'>;
export type AnswerMessage = ClientMessageOf<'ANSWER'>;
export type CandidateMessage = ClientMessageOf<'CANDIDATE'>;
export type AudioToggleMessage = ClientMessageOf<'AUDIO_TOGGLE'>;
export type VideoToggleMessage = ClientMessageOf<'VIDEO_TOGGLE'>;
export type ChatMessageMessage = ClientMessageOf<'CHAT_MESSAGE'>;
export type ConnectionStateMessage = ClientMessageOf<'CONNECTION_STATE'>;
export type AnalyticsMessage = ClientMessageOf<'ANALYTICS'>;
export type LeaveMessage = ClientMessageOf<'LEAVE'>;
export type HandMessage = ClientMessageOf<'HAND'>;
export type ReactionMessage = ClientMessageOf<'REACTION'>;
export type ScreenShareMessage = ClientMessageOf<'SCREEN_SHARE'>;
export type SfuPublishMessage = ClientMessageOf<'SFU_PUBLISH'>;
export type SfuStartMessage = ClientMessageOf<'SFU_START'>;
export type SfuCandidateMessage = ClientMessageOf<'SFU_CANDIDATE'>;
export type SfuReceivingMessage = ClientMessageOf<'SFU_RECEIVING'>;
export type SfuLayerMessage = ClientMessageOf<'SFU_LAYER'>;
export type SfuStateMessage = ClientMessageOf<'SFU_STATE'>;

export type ClientMessage = { [T in ClientMessageType]: ClientMessageOf<T> }[ClientMessageType];

// ---------------------------------------------------------------------------
// Server to client

export interface PeerInfo {
  clientId: string;
  name: string;
  role?: string;
  audioEnabled: boolean;
  videoEnabled: boolean;
  /** Server time the hand was raised, or null (absent from servers before room state). */
  handRaisedAt?: number | null;
  /** Sharing a screen now (absent from servers before room state). */
  screenSharing?: boolean;
}

/** RTCIceServer, spelled out so that the server needs no DOM types. */
export interface IceServerConfig {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface WelcomeMessage {
  type: 'WELCOME';
  clientId: string;
  room: string;
  resumeToken: string;
  peers: PeerInfo[];
  iceServers?: IceServerConfig[];
  /** The room's last chat messages in `seq` order (a fresh join only; never on resume). */
  chat?: ChatBroadcast[];
  /** How the room's media flows now (absent: `mesh`). */
  media?: MediaMode;
}

/** The room's media moved between the mesh and the SFU (to everyone; make-before-break, see PROTOCOL.md). */
export interface MediaModeMessage {
  type: 'MEDIA_MODE';
  mode: MediaMode;
}

/** The media server's answer to our SFU_PUBLISH. */
export interface SfuAnswerMessage {
  type: 'SFU_ANSWER';
  sdp: string;
}

/** One incoming stream of the subscription: its `mid` in the SDP, whose it is, and which of their three. */
export interface SfuFeed {
  mid: string;
  from: string;
  slot: SfuSlot;
}

/** The subscription's offer (every other member's streams), first or updated; answer with SFU_START. */
export interface SfuOfferMessage {
  type: 'SFU_OFFER';
  sdp: string;
  feeds: SfuFeed[];
}

/** The room's SFU moved to another media server (its own was lost): start the SFU afresh (SFU_STOP, SFU_PUBLISH). */
export interface SfuRestartMessage {
  type: 'SFU_RESTART';
}

/** `from` receives our media through the SFU now. */
export interface SfuReceivingBroadcast {
  type: 'SFU_RECEIVING';
  from: string;
}

/** A newcomer: the fields of `PeerInfo`, its clientId as `from`. */
export type PeerJoinedMessage = { type: 'JOIN'; from: string } & Omit<PeerInfo, 'clientId'>;

type Forwarded<M> = Omit<M, 'to'> & { from: string };
export type ForwardedOffer = Forwarded<OfferMessage>;
export type ForwardedAnswer = Forwarded<AnswerMessage>;
export type ForwardedCandidate = Forwarded<CandidateMessage>;
export type ForwardedAudioToggle = AudioToggleMessage & { from: string };
export type ForwardedVideoToggle = VideoToggleMessage & { from: string };
/** A share started or stopped; `by`: the member whose newer share ended this one (sent to everyone then). */
export type ForwardedScreenShare = ScreenShareMessage & { from: string; by?: string };

/** A hand went up or down; to everyone, the sender included. Order the queue by `at`, then `from`. */
export interface HandBroadcast {
  type: 'HAND';
  /** Whose hand. */
  from: string;
  raised: boolean;
  /** Server time of raising (when raised). */
  at?: number;
  /** The host who lowered it (when lowered for someone else). */
  by?: string;
}

export interface ReactionBroadcast {
  type: 'REACTION';
  from: string;
  emoji: Reaction;
}

export interface ChatBroadcast {
  type: 'CHAT_MESSAGE';
  from: string;
  name: string;
  text: string;
  /** Server-made, unique. */
  id: string;
  /** Increasing within a room: the order in which to show messages. */
  seq: number;
  /** Server time, ms since the epoch. */
  ts: number;
}

export interface PeerLeftMessage {
  type: 'LEAVE';
  from: string;
}

/**
 * Fresh ICE servers (new TURN credentials), sent to every member well before
 * the ones it has expire: they replace WELCOME.iceServers for new links and
 * ICE restarts.
 */
export interface IceServersMessage {
  type: 'ICE_SERVERS';
  iceServers: IceServerConfig[];
}

export const ERROR_CODES = [
  'bad-json',
  'bad-message',
  'not-joined',
  'already-joined',
  'unauthorized',
  'id-taken',
  'room-full',
  'server-full',
  'unknown-peer',
  'too-large',
  'rate-limited',
  // Addition: the server could not handle the message now (e.g. its shared room store is unreachable).
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorMessage {
  type: 'ERROR';
  code: ErrorCode;
  message: string;
  /** The type of the message this answers, when known. */
  ref?: string;
}

export type ServerMessage =
  | WelcomeMessage
  | PeerJoinedMessage
  | ForwardedOffer
  | ForwardedAnswer
  | ForwardedCandidate
  | ForwardedAudioToggle
  | ForwardedVideoToggle
  | ForwardedScreenShare
  | HandBroadcast
  | ReactionBroadcast
  | ChatBroadcast
  | PeerLeftMessage
  | IceServersMessage
  | MediaModeMessage
  | SfuAnswerMessage
  | SfuOfferMessage
  | SfuReceivingBroadcast
  | SfuRestartMessage
  | ErrorMessage;

// ---------------------------------------------------------------------------
// WebSocket close codes used by the server

export const CLOSE_CODES = {
  /** Server shutting down. */
  goingAway: 1001,
  /** Kept flooding after `rate-limited`, or refused by origin policy. */
  policyViolation: 1008,
  /** Frame larger than the limit. */
  tooLarge: 1009,
  /** This seat was resumed by a newer socket with the same clientId. */
  replaced: 4000,
  /** The socket sent nothing within `QUIET_SOCKET_MS` of opening (opened ahead of a join that did not come). */
  quiet: 4001,
} as const;
