/**
 * The base of the element's events (one prefix, bubbling and composed) and
 * the two the element itself dispatches before any call code is loaded:
 * errors and leaving. The call's events are in `call-events.ts`, loaded with
 * the call; `events.ts` exports them all.
 */
export abstract class MeetingRoomEvent extends Event {
  /** Each event's name is its class's static `type`. */
  constructor() {
    super((new.target as unknown as { type: string }).type, { bubbles: true, composed: true });
  }
}

/** The local participant left (leave(), room change, removal). */
export class MeetingRoomLeftEvent extends MeetingRoomEvent {
  static readonly type = 'meeting-room-left';
  constructor(readonly room: string) {
    super();
  }
}

/**
 * `load-failed`: the call's code (the chunks beside the embed file) could not be fetched.
 * Camera and microphone: `media-denied` (permission), `media-not-found` (no such device), `media-busy`
 * (in use by another application), `media-overconstrained` (the chosen device cannot be used; the default
 * is tried), `media` (anything else, e.g. a page without https).
 * `share`: a screen share could not start for another reason than a cancel (the browser has nothing to share).
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
  | 'refused'
  | 'share';

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
    super();
  }
}
