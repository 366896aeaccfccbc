/**
 * The core's problems in plain English (the `message` of its errors, for
 * developers and logs), keyed so that a UI can show its own localized text
 * for the same problem: the element's string tables use these keys.
 */
export const mediaMessages = {
  mediaDenied: 'Camera and microphone permission was denied; you joined without them.',
  mediaNotFound: 'No camera or microphone was found; you joined without them.',
  mediaAudioOnly: 'No camera is available; you joined with audio only.',
  mediaBusy: 'The camera or microphone is in use by another application.',
  mediaInsecure: 'This page cannot use a camera (it needs https); you joined without one.',
  mediaFailed: 'Could not start camera or microphone; you joined without them.',
};

export const linkMessages = {
  turnRefused: 'Cannot connect: the TURN server refused the credentials (401).',
  noPath: 'Cannot connect: no network path was found.',
  connectTimeout: 'Could not connect to this participant yet; still trying.',
  relayUnreachable: 'Cannot connect: no direct path, and the TURN relay could not be reached.',
  renegotiating: 'The connection failed; negotiating a new one.',
};

export type MediaProblem = keyof typeof mediaMessages;
export type LinkProblem = keyof typeof linkMessages;

/** The problem for a local media outcome: a DOMException name, and whether audio survived. */
export function mediaProblemOf(name: string, audioOnly: boolean): MediaProblem {
  if (audioOnly) return 'mediaAudioOnly';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'mediaDenied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'mediaNotFound';
  if (name === 'NotReadableError') return 'mediaBusy';
  if (name === 'TypeError') return 'mediaInsecure';
  return 'mediaFailed';
}

/** The problem for a link failure, by the cause PeerLink reports; undefined for an unknown cause. */
export function linkProblemOf(cause: string | undefined): LinkProblem | undefined {
  if (cause === 'ice-401') return 'turnRefused';
  if (cause === 'no-candidates' || cause?.startsWith('ice-')) return 'noPath';
  if (cause === 'timeout') return 'connectTimeout';
  if (cause === 'relay-unreachable') return 'relayUnreachable';
  if (cause === 'renegotiate') return 'renegotiating';
  return undefined;
}
