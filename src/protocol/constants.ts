/**
 * The protocol's plain constants, apart from its schemas: browser code
 * imports them from here, so that no validation code (valibot) comes along
 * into the embed file or the call.
 */
export const PROTOCOL_VERSION = 1;

/** WebSocket path on the signaling server. */
export const SIGNAL_PATH = '/ws';

/** Maximum lengths of free-form fields (JavaScript string lengths). */
export const MAX_NAME_LENGTH = 64;
export const MAX_CHAT_LENGTH = 2000;
export const MAX_TOKEN_LENGTH = 4096;
export const MAX_SDP_LENGTH = 60_000;

/** The reactions a member may send (a fixed set: nothing else is forwarded). */
export const REACTIONS = ['👍', '👏', '😂', '❤️', '🎉', '😮', '🙌', '👋'] as const;
export type Reaction = (typeof REACTIONS)[number];
/** At most this many reactions per member per window. */
export const REACTION_LIMIT = { count: 2, windowMs: 5000 } as const;

/** How a room's media flows: a mesh of peer links, or through the server's SFU (media server). */
export type MediaMode = 'mesh' | 'sfu';
/** The two connections of a member in SFU mode. */
export const SFU_TARGETS = ['publisher', 'subscriber'] as const;
/** What a stream of the subscription carries: a member's microphone, camera or screen. */
export type SfuSlot = 'audio' | 'video' | 'screen';
