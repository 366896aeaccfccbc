/**
 * The shapes of the SFU's server messages (PROTOCOL.md, "SFU mode"), checked
 * in the SFU's own chunk: the call lets every `SFU_` message through to it
 * (see server-messages.ts), so rooms on the mesh carry none of these checks.
 * A message of another shape, or of an `SFU_` type the chunk does not know,
 * is ignored.
 */
import type { ServerMessage } from '../protocol/index.js';

type SfuMessage = Extract<ServerMessage, { type: `SFU_${string}` }>;

const str = (v: unknown, max = 100_000): v is string => typeof v === 'string' && v.length <= max;
const id = (v: unknown) => str(v, 64) && (v as string).length > 0;
const feed = (f: unknown) => {
  const m = (f ?? 0) as Record<string, unknown>;
  return str(m['mid'], 64) && id(m['from']) && ['audio', 'video', 'screen'].includes(m['slot'] as string);
};

const CHECKS: Record<SfuMessage['type'], (m: Record<string, unknown>) => boolean> = {
  SFU_ANSWER: (m) => str(m['sdp']),
  SFU_OFFER: (m) => str(m['sdp']) && Array.isArray(m['feeds']) && m['feeds'].every(feed),
  SFU_RECEIVING: (m) => id(m['from']),
  SFU_RESTART: () => true,
};

/** True when `m` (a server message whose type starts with `SFU_`) has the shape PROTOCOL.md gives its type. */
export function isSfuMessage(m: { type: string }): m is SfuMessage {
  return Object.hasOwn(CHECKS, m.type) && CHECKS[m.type as SfuMessage['type']](m as Record<string, unknown>);
}
