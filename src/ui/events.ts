/**
 * The element's events: one prefix (`meeting-room-`), bubbling and composed,
 * each a typed Event subclass registered in GlobalEventHandlersEventMap.
 * Errors and leaving live in `event-base.ts` (the embed file needs them); the
 * rest come with the call (`call-events.ts`).
 */
import type {
  MeetingRoomActiveSpeakerEvent,
  MeetingRoomChatMessageEvent,
  MeetingRoomConnectionStateEvent,
  MeetingRoomDeviceChangeEvent,
  MeetingRoomHandEvent,
  MeetingRoomJoinedEvent,
  MeetingRoomMediaChangedEvent,
  MeetingRoomParticipantJoinedEvent,
  MeetingRoomParticipantLeftEvent,
  MeetingRoomReactionEvent,
  MeetingRoomScreenShareEvent,
} from './call-events.js';
import type { MeetingRoomErrorEvent, MeetingRoomLeftEvent } from './event-base.js';

export * from './event-base.js';
export * from './call-events.js';

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
