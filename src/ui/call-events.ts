/** The events the call dispatches on the element (loaded with the call; exported from `events.ts`). */
import type { ChatBroadcast } from '../protocol/index.js';
import { MeetingRoomEvent } from './event-base.js';

export interface ParticipantDetail {
  clientId: string;
  name: string;
  role?: string;
  audioEnabled: boolean;
  videoEnabled: boolean;
}

/** The local participant is in the room. */
export class MeetingRoomJoinedEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-joined';
  constructor(
    readonly room: string,
    readonly clientId: string,
  ) {
    super();
  }
}

export class MeetingRoomParticipantJoinedEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-participant-joined';
  constructor(readonly participant: ParticipantDetail) {
    super();
  }
}

export class MeetingRoomParticipantLeftEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-participant-left';
  constructor(readonly participant: ParticipantDetail) {
    super();
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
    super();
  }
}

export class MeetingRoomChatMessageEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-chat-message';
  constructor(readonly message: ChatBroadcast) {
    super();
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
    super();
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
    super();
  }
}

/** Someone (us too) sent a reaction. */
export class MeetingRoomReactionEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-reaction';
  constructor(
    readonly clientId: string,
    readonly emoji: string,
  ) {
    super();
  }
}

/** The active speaker changed (after 1.5 s of dominance; ours too). */
export class MeetingRoomActiveSpeakerEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-active-speaker';
  constructor(readonly clientId: string) {
    super();
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
    super();
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
    super();
  }
}
