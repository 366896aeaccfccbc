/**
 * The entry of the self-contained embed file (`meeting-room.js`): registers
 * `<meeting-room>`. Pages use the tag; code that wants the classes (events,
 * core) imports the npm package instead, so the file does not carry an
 * export list for them.
 */
export { MeetingRoom } from './define.js';
