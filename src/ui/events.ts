/**
 * The element's events: one prefix (`meeting-room-`), bubbling and composed,
 * each a typed Event subclass registered in GlobalEventHandlersEventMap.
 */
import type { ChatBroadcast } from '../protocol/index.js';

export interface ParticipantDetail {
  clientId: string;
  name: string;
  role?: string;
  audioEnabled: boolean;
  videoEnabled: boolean;
}

abstract class MeetingRoomEvent extends Event {
  constructor(type: string) {
    super(type, { bubbles: true, composed: true });
  }
}

/** The local participant is in the room. */
export class MeetingRoomJoinedEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-joined';
  constructor(
    readonly room: string,
    readonly clientId: string,
  ) {
    super(MeetingRoomJoinedEvent.type);
  }
}

/** The local participant left (leave(), room change, removal). */
export class MeetingRoomLeftEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-left';
  constructor(readonly room: string) {
    super(MeetingRoomLeftEvent.type);
  }
}

export class MeetingRoomParticipantJoinedEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-participant-joined';
  constructor(readonly participant: ParticipantDetail) {
    super(MeetingRoomParticipantJoinedEvent.type);
  }
}

export class MeetingRoomParticipantLeftEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-participant-left';
  constructor(readonly participant: ParticipantDetail) {
    super(MeetingRoomParticipantLeftEvent.type);
  }
}

/** A microphone or camera changed, local (`clientId` is ours) or remote. */
export class MeetingRoomMediaChangedEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-media-changed';
  constructor(
    readonly clientId: string,
    readonly local: boolean,
    readonly audioEnabled: boolean,
    readonly videoEnabled: boolean,
  ) {
    super(MeetingRoomMediaChangedEvent.type);
  }
}

export class MeetingRoomChatMessageEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-chat-message';
  constructor(readonly message: ChatBroadcast) {
    super(MeetingRoomChatMessageEvent.type);
  }
}

/** The state of the link to one peer changed. */
export class MeetingRoomConnectionStateEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-connection-state';
  constructor(
    readonly peer: string,
    readonly connectionState: RTCPeerConnectionState,
    readonly iceConnectionState: RTCIceConnectionState,
  ) {
    super(MeetingRoomConnectionStateEvent.type);
  }
}

/** A hand went up or down; `position` is its 1-based place in the queue everyone sees (0 when lowered). */
export class MeetingRoomHandEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-hand';
  constructor(
    readonly clientId: string,
    readonly raised: boolean,
    readonly position: number,
  ) {
    super(MeetingRoomHandEvent.type);
  }
}

/** Someone (us too) sent a reaction. */
export class MeetingRoomReactionEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-reaction';
  constructor(
    readonly clientId: string,
    readonly emoji: string,
  ) {
    super(MeetingRoomReactionEvent.type);
  }
}

/** The active speaker changed (after 1.5 s of dominance; ours too). */
export class MeetingRoomActiveSpeakerEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-active-speaker';
  constructor(readonly clientId: string) {
    super(MeetingRoomActiveSpeakerEvent.type);
  }
}

/** A screen share started or stopped (`local`: ours). */
export class MeetingRoomScreenShareEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-screen-share';
  constructor(
    readonly clientId: string,
    readonly local: boolean,
    readonly enabled: boolean,
  ) {
    super(MeetingRoomScreenShareEvent.type);
  }
}

/** A device in use changed: the person chose it (`user`), the one in use was lost (`lost`: a stand-in took over, or `deviceId` is `''` when none is left), or the chosen one came back (`returned`). */
export class MeetingRoomDeviceChangeEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-device-change';
  constructor(
    readonly kind: 'audioinput' | 'videoinput' | 'audiooutput',
    readonly deviceId: string,
    readonly label: string,
    readonly reason: 'user' | 'lost' | 'returned',
  ) {
    super(MeetingRoomDeviceChangeEvent.type);
  }
}

/**
 * `load-failed`: the call's code (the chunks beside the embed file) could not be fetched.
 * Camera and microphone: `media-denied` (permission), `media-not-found` (no such device), `media-busy`
 * (in use by another application), `media-overconstrained` (the chosen device cannot be used; the default
 * is tried), `media` (anything else, e.g. a page without https).
 */
export type MeetingRoomErrorCode =
  | 'invalid-attribute'
  | 'load-failed'
  | 'signaling'
  | 'media'
  | 'media-denied'
  | 'media-not-found'
  | 'media-busy'
  | 'media-overconstrained'
  | 'connectivity'
  | 'refused';

export class MeetingRoomErrorEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-error';
  constructor(
    readonly code: MeetingRoomErrorCode,
    readonly message: string,
    /** The server's ERROR code, or the DOMException name, when there is one. */
    readonly cause?: string,
    /** For camera and microphone errors: `camera`, `microphone` or `both`. */
    readonly device?: 'camera' | 'microphone' | 'both',
  ) {
    super(MeetingRoomErrorEvent.type);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'meeting-room-joined': MeetingRoomJoinedEvent;
    'meeting-room-left': MeetingRoomLeftEvent;
    'meeting-room-participant-joined': MeetingRoomParticipantJoinedEvent;
    'meeting-room-participant-left': MeetingRoomParticipantLeftEvent;
    'meeting-room-media-changed': MeetingRoomMediaChangedEvent;
    'meeting-room-chat-message': MeetingRoomChatMessageEvent;
    'meeting-room-connection-state': MeetingRoomConnectionStateEvent;
    'meeting-room-error': MeetingRoomErrorEvent;
    'meeting-room-device-change': MeetingRoomDeviceChangeEvent;
    'meeting-room-hand': MeetingRoomHandEvent;
    'meeting-room-screen-share': MeetingRoomScreenShareEvent;
    'meeting-room-active-speaker': MeetingRoomActiveSpeakerEvent;
    'meeting-room-reaction': MeetingRoomReactionEvent;
  }
}
