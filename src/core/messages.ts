/**
 * The core's problems in plain English (the `message` of its errors, for
 * developers and logs), keyed so that a UI can show its own localized text
 * for the same problem: the element's string tables use these keys.
 */
export const linkMessages = {
  turnRefused: 'Cannot connect: the TURN server refused the credentials (401).',
  noPath: 'Cannot connect: no network path was found.',
  connectTimeout: 'Could not connect to this participant yet; still trying.',
  relayUnreachable: 'Cannot connect: no direct path, and the TURN relay could not be reached.',
  renegotiating: 'The connection failed; negotiating a new one.',
};

export type LinkProblem = keyof typeof linkMessages;

/** What went wrong capturing a device, from the DOMException name getUserMedia rejected with. */
export type MediaProblem = 'denied' | 'notFound' | 'busy' | 'overconstrained' | 'insecure' | 'failed';

/** Which devices a problem is about. */
export type MediaDevice = 'camera' | 'microphone' | 'both';

export function mediaProblemOf(name: string): MediaProblem {
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError') return 'notFound';
  if (name === 'NotReadableError' || name === 'TrackStartError') return 'busy';
  if (name === 'OverconstrainedError') return 'overconstrained';
  if (name === 'TypeError') return 'insecure';
  return 'failed';
}

/** Which devices a capture failure is about, from the kinds it asked for. */
export const deviceOf = ({ kinds }: { kinds: readonly string[] }): MediaDevice =>
  kinds.length === 2 ? 'both' : kinds[0] === 'videoinput' ? 'camera' : 'microphone';

const DEVICE = { camera: 'camera', microphone: 'microphone', both: 'camera and microphone' };

/** The English text of a media problem (the element shows its own localized text for the same problem). */
export function mediaMessage(problem: MediaProblem, device: MediaDevice): string {
  const d = DEVICE[device];
  switch (problem) {
    case 'denied':
      return `Permission to use the ${d} was denied.`;
    case 'notFound':
      return device === 'both' ? 'No camera or microphone was found.' : `No ${d} was found.`;
    case 'busy':
      return `The ${d} ${device === 'both' ? 'are' : 'is'} in use by another application.`;
    case 'overconstrained':
      return `The chosen ${d} ${device === 'both' ? 'are' : 'is'} not available; using the default.`;
    case 'insecure':
      return 'This page cannot use a camera or microphone (it needs https).';
    case 'failed':
      return `The ${d} could not be started.`;
  }
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
