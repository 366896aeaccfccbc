/** The headless call core and the element class, without registering the tag. */
export { Call, type CallOptions, type CallState, type CallEvents, type CallError, type Participant } from './call.js';
export { PeerLink, selectedPair, type PeerLinkOptions, type LinkState, type LinkTracks } from './peer-link.js';
export {
  SignalingClient,
  randomClientId,
  reconnectDelay,
  type SignalingOptions,
  type SignalingState,
  type SignalingEvents,
} from './signaling-client.js';
export { acquireLocalMedia, stopLocalMedia, type LocalMedia } from './local-media.js';
export { MeetingRoom, defaultSignalUrl, type MeetingRoomState } from './meeting-room.js';
export { parseIceServers } from './ice-servers.js';
export * from './events.js';
export type * from './protocol.js';
