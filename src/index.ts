/** The element class and the headless core, without registering the tag (`meeting-room/element`). */
export * from './core.js';
export { MeetingRoom, defaultSignalUrl, type MeetingRoomState } from './meeting-room.js';
export { en, stringsFor, loadStrings, type MeetingRoomStrings } from './strings.js';
export { de } from './locales/de.js';
export * from './events.js';
