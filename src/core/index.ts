/**
 * The headless call core, without Lit and without the element: for a page
 * that builds its own UI. `import { Call } from 'meeting-room/core'`.
 */
export { Call, type CallOptions, type CallState, type CallEvents, type CallError, type Participant } from './call.js';
export {
  PeerLink,
  qualityLevel,
  selectedPair,
  type PeerLinkOptions,
  type LinkQuality,
  type LinkState,
  type LinkTracks,
  type QualityLevel,
} from './peer-link.js';
export {
  SignalingClient,
  randomClientId,
  reconnectDelay,
  type SignalingOptions,
  type SignalingState,
  type MediaState,
  type SignalingEvents,
} from './signaling-client.js';
export {
  LocalDevices,
  deviceIdOf,
  type DevicesOptions,
  type DevicesEvents,
  type DeviceKind,
  type InputKind,
  type DeviceChoice,
  type DeviceInfo,
  type DeviceChange,
  type DeviceChangeReason,
  type DeviceFailure,
} from './devices.js';
export { mediaProblemOf, mediaMessage, type MediaProblem, type MediaDevice } from './messages.js';
export { parseIceServers } from './ice-servers.js';
export type * from '../protocol/index.js';
