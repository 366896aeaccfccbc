/** The headless call core and the element class, without registering the tag. */
export { MeetingRoom, defaultSignalUrl, type MeetingRoomState } from './meeting-room.js';
export {
  SignalingClient,
  randomClientId,
  reconnectDelay,
  type SignalingOptions,
  type SignalingState,
} from './signaling-client.js';
export { parseIceServers } from './ice-servers.js';
export * from './events.js';
export type * from './protocol.js';
