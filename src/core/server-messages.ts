/**
 * Checks that a message from the server has the shape PROTOCOL.md gives its
 * type, before the call logic touches it. A broken or hostile server then
 * gets its message ignored instead of throwing inside the call. Hand-written
 * (not the server's valibot schemas) to keep the embed file small.
 */
import { REACTIONS } from '../protocol/constants.js';
import type { ServerMessage } from '../protocol/index.js';

type Check = (m: Record<string, unknown>) => boolean;

const str = (v: unknown, max = 100_000): v is string => typeof v === 'string' && v.length <= max;
const id = (v: unknown) => str(v, 64) && (v as string).length > 0;
const bool = (v: unknown): v is boolean => typeof v === 'boolean';
const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);
const media = (m: Record<string, unknown>) => bool(m['audioEnabled']) && bool(m['videoEnabled']);

const time = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** The room-state fields a member may carry (absent from servers before them). */
const roomState = (m: Record<string, unknown>) =>
  optional(m['handRaisedAt'], (v) => v === null || time(v)) && optional(m['screenSharing'], bool);

const peer = (p: unknown) => {
  if (typeof p !== 'object' || p === null) return false;
  const m = p as Record<string, unknown>;
  return id(m['clientId']) && str(m['name'], 256) && optional(m['role'], (r) => str(r, 64)) && media(m) && roomState(m);
};

const chat = (m: Record<string, unknown>) =>
  id(m['from']) && str(m['name'], 256) && str(m['text'], 10_000) && str(m['id'], 128) && time(m['ts']);

const iceServer = (s: unknown) => {
  if (typeof s !== 'object' || s === null) return false;
  const urls = (s as { urls?: unknown }).urls;
  return str(urls, 2048) || (Array.isArray(urls) && urls.every((u) => str(u, 2048)));
};

const iceServers = (v: unknown) => Array.isArray(v) && v.every(iceServer);

const mode = (v: unknown) => v === 'mesh' || v === 'sfu';

// The SFU's messages (`SFU_…`) are checked in its own chunk (sfu-messages.ts): only rooms on the SFU load them.
const CHECKS: Record<Exclude<ServerMessage['type'], `SFU_${string}`>, Check> = {
  WELCOME: (m) =>
    id(m['clientId']) &&
    str(m['room'], 64) &&
    str(m['resumeToken'], 256) &&
    Array.isArray(m['peers']) &&
    m['peers'].every(peer) &&
    optional(m['iceServers'], iceServers) &&
    optional(m['media'], mode) &&
    optional(
      m['chat'],
      (v) => Array.isArray(v) && v.every((c) => typeof c === 'object' && c !== null && chat(c as never)),
    ),
  JOIN: (m) =>
    id(m['from']) && str(m['name'], 256) && optional(m['role'], (r) => str(r, 64)) && media(m) && roomState(m),
  OFFER: (m) => id(m['from']) && str(m['sdp']) && media(m),
  ANSWER: (m) => id(m['from']) && str(m['sdp']) && media(m),
  CANDIDATE: (m) =>
    id(m['from']) &&
    (m['candidate'] === null ||
      (typeof m['candidate'] === 'object' && str((m['candidate'] as { candidate?: unknown }).candidate, 4096))),
  AUDIO_TOGGLE: (m) => id(m['from']) && bool(m['enabled']),
  VIDEO_TOGGLE: (m) => id(m['from']) && bool(m['enabled']) && optional(m['background'], bool),
  CHAT_MESSAGE: chat,
  HAND: (m) => id(m['from']) && bool(m['raised']) && optional(m['at'], time) && optional(m['by'], id),
  REACTION: (m) => id(m['from']) && (REACTIONS as readonly unknown[]).includes(m['emoji']),
  SCREEN_SHARE: (m) => id(m['from']) && bool(m['enabled']) && optional(m['by'], id),
  LEAVE: (m) => id(m['from']),
  ICE_SERVERS: (m) => iceServers(m['iceServers']),
  MEDIA_MODE: (m) => mode(m['mode']),
  ERROR: (m) => str(m['code'], 64) && str(m['message'], 10_000),
};

/** True when `value` is a server message of a known type with the fields its type requires. */
export function isServerMessage(value: unknown): value is ServerMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  if (typeof m['type'] !== 'string') return false;
  // (An SFU message goes on to the SFU's chunk, which checks it: see sfu-messages.ts.)
  if (m['type'].startsWith('SFU_')) return true;
  const check = Object.hasOwn(CHECKS, m['type']) ? CHECKS[m['type'] as keyof typeof CHECKS] : undefined;
  return check !== undefined && check(m);
}
