/** Registers `<meeting-room>`. Import this file (or the bundled embed) to use the tag. */
import { MeetingRoom } from './ui/meeting-room.js';

if (typeof customElements !== 'undefined' && !customElements.get('meeting-room')) {
  customElements.define('meeting-room', MeetingRoom);
}

export { MeetingRoom };
export * from './ui/events.js';
