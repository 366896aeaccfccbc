/** The element class and the headless core, without registering the tag (`meeting-room/element`). */
export * from './core/index.js';
export { MeetingRoom, defaultSignalUrl, type MeetingRoomState } from './ui/meeting-room.js';
export { en, stringsFor, loadStrings, type MeetingRoomStrings } from './ui/strings.js';
export { de } from './ui/locales/de.js';
export * from './ui/events.js';
