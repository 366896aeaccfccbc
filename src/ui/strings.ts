/**
 * Every string the element shows, in one table per locale. `lang` picks a
 * built-in locale; the `strings` property overrides any entry. English is in
 * this module; every other table is its own small module (`./locales/`),
 * loaded only when a page asks for that language, so locales add nothing to
 * the embed file.
 * Messages meant for page authors (bad attributes) stay in English.
 */
import { linkMessages, linkProblemOf, mediaMessage, type MediaDevice, type MediaProblem } from '../core/messages.js';

export interface MeetingRoomStrings {
  join: string;
  joinAgain: string;
  joining: string;
  reconnecting: string;
  left: string;
  enableSound: string;
  participants: string;
  you: (name: string) => string;
  guest: string;
  muted: string;
  cameraOff: string;
  connecting: string;
  connectionLost: string;
  direct: string;
  relayed: string;
  quality: { good: string; fair: string; poor: string };
  controls: string;
  /** The menu a narrow box moves the less used controls into. */
  more: string;
  /** Closes a panel. */
  close: string;
  /** The list of keyboard shortcuts, and holding Space to talk while muted. */
  shortcuts: string;
  holdToTalk: string;
  microphone: string;
  camera: string;
  chat: string;
  chatUnread: (count: number) => string;
  leave: string;
  message: string;
  send: string;
  youSender: string;
  /** What went wrong capturing the camera, the microphone or both (English texts from core/messages.ts). */
  media: (problem: MediaProblem, device: MediaDevice) => string;
  /** Said after a media problem in the pre-join view. */
  mediaHint: string;
  /** The link to `permission-help-href`. */
  permissionHelp: string;
  /** Pre-join. */
  prejoinTitle: string;
  yourName: string;
  joinNow: string;
  preview: string;
  starting: string;
  micLevel: string;
  speaker: string;
  testSound: string;
  /** A device without a label (before permission): "Camera 2". */
  deviceNumber: (kind: string, n: number) => string;
  noDevice: string;
  settings: string;
  /** Room state: participants, hands, reactions, chat history. */
  participantsCount: (count: number) => string;
  raiseHand: string;
  lowerHand: string;
  handInLine: (position: number) => string;
  handRaised: (name: string) => string;
  /** Joins and leaves, read by screen readers (several within a second as a count). */
  /** On the tile of someone whose phone put the page in the background (their camera paused). */
  inBackground: string;
  joinedNamed: (name: string) => string;
  leftNamed: (name: string) => string;
  peopleJoined: (count: number) => string;
  peopleLeft: (count: number) => string;
  handLoweredByHost: string;
  lowerHandOf: (name: string) => string;
  reactions: string;
  reactionFrom: (name: string, emoji: string) => string;
  earlierMessages: string;
  /** Screen share. */
  share: string;
  presenting: string;
  stopPresenting: string;
  screenOf: (name: string) => string;
  startedSharing: (name: string) => string;
  shareTakenOver: (name: string) => string;
  /** Sharing could not start (not a cancel). */
  shareFailed: string;
  /** Pinning a tile, and the whole element in fullscreen. */
  pin: (name: string) => string;
  fullscreen: string;
  /** The small always-on-top window (or the browser's video picture-in-picture). */
  pictureInPicture: string;
  /** Said when the person has been talking for 3 s with the microphone off. */
  youAreMuted: string;
  /** Hot-swap and device changes, announced. */
  nowUsing: (label: string) => string;
  micLost: string;
  cameraLost: string;
  /** Link problems, by cause. */
  turnRefused: string;
  noPath: string;
  connectTimeout: string;
  relayUnreachable: string;
  renegotiating: string;
  /** The call's code could not be fetched (offline, or only the embed file was deployed). */
  loadFailed: string;
}

export const en: MeetingRoomStrings = {
  join: 'Join',
  joinAgain: 'Join again',
  joining: 'Joining…',
  reconnecting: 'Reconnecting…',
  left: 'You left the meeting.',
  enableSound: 'Enable sound',
  participants: 'Participants',
  you: (name) => `${name} (you)`,
  guest: 'Guest',
  muted: 'Muted',
  cameraOff: 'Camera off',
  connecting: 'Connecting…',
  connectionLost: 'Connection lost, retrying…',
  direct: 'Direct',
  relayed: 'Relayed',
  quality: { good: 'Good', fair: 'Fair', poor: 'Poor' },
  controls: 'Call controls',
  more: 'More options',
  close: 'Close',
  shortcuts: 'Keyboard shortcuts',
  holdToTalk: 'Hold to talk while muted',
  microphone: 'Microphone',
  camera: 'Camera',
  chat: 'Chat',
  chatUnread: (count) => `Chat, ${count} unread`,
  leave: 'Leave',
  message: 'Message',
  send: 'Send',
  youSender: 'You',
  media: mediaMessage,
  mediaHint: 'You can join without it, or pick another device.',
  permissionHelp: 'How to allow access',
  prejoinTitle: 'Ready to join?',
  yourName: 'Your name',
  joinNow: 'Join now',
  preview: 'Your camera preview',
  starting: 'Starting camera and microphone…',
  micLevel: 'Microphone level',
  speaker: 'Speaker',
  testSound: 'Test sound',
  deviceNumber: (kind, n) => `${kind} ${n}`,
  noDevice: 'None found',
  settings: 'Settings',
  participantsCount: (count) => `Participants (${count})`,
  raiseHand: 'Raise hand',
  lowerHand: 'Lower hand',
  handInLine: (position) => `Hand raised, number ${position} in line`,
  handRaised: (name) => `${name} raised a hand`,
  inBackground: 'In background',
  joinedNamed: (name) => `${name} joined`,
  leftNamed: (name) => `${name} left`,
  peopleJoined: (count) => `${count} people joined`,
  peopleLeft: (count) => `${count} people left`,
  handLoweredByHost: 'A host lowered your hand',
  lowerHandOf: (name) => `Lower ${name}'s hand`,
  reactions: 'Reactions',
  reactionFrom: (name, emoji) => `${name}: ${emoji}`,
  earlierMessages: 'Earlier messages',
  share: 'Share screen',
  presenting: 'You are presenting',
  stopPresenting: 'Stop presenting',
  screenOf: (name) => `${name}'s screen`,
  startedSharing: (name) => `${name} is presenting`,
  shareTakenOver: (name) => `${name} is presenting now; your share ended.`,
  shareFailed: 'This browser could not share a screen.',
  youAreMuted: 'You are muted. Turn on your microphone to be heard.',
  pin: (name) => `Pin ${name}`,
  fullscreen: 'Full screen',
  pictureInPicture: 'Picture in picture',
  nowUsing: (label) => `Now using ${label}`,
  micLost: 'The microphone was disconnected. You are muted.',
  cameraLost: 'The camera was disconnected.',
  ...linkMessages,
  loadFailed: 'The meeting could not be loaded. Check the connection and try again.',
};

/** The built-in tables besides English, each loaded on first use. */
const BUILT_IN: Record<string, () => Promise<{ default: MeetingRoomStrings }>> = {
  de: () => import('./locales/de.js'),
};

const loaded = new Map<string, MeetingRoomStrings>([['en', en]]);

/** The built-in locale for a BCP 47 tag (`de-AT` → `de`); `en` when there is none. */
export function localeOf(lang: string | null | undefined): string {
  const tag = (lang ?? '').toLowerCase();
  const base = tag.split('-')[0] ?? '';
  return tag in BUILT_IN ? tag : base in BUILT_IN ? base : 'en';
}

/** The table for a tag if it is loaded already, else English (see `loadStrings`). */
export function stringsFor(lang: string | null | undefined): MeetingRoomStrings {
  return loaded.get(localeOf(lang)) ?? en;
}

/**
 * The table for a tag, loading its module the first time. A module that
 * cannot be loaded (the locales folder was not deployed beside the embed
 * file) gives English and a console warning, never an error.
 */
export async function loadStrings(lang: string | null | undefined): Promise<MeetingRoomStrings> {
  const locale = localeOf(lang);
  const table = loaded.get(locale);
  if (table) return table;
  try {
    const { default: strings } = await BUILT_IN[locale]!();
    loaded.set(locale, strings);
    return strings;
  } catch (error) {
    console.warn(`<meeting-room>: the "${locale}" strings could not be loaded; using English.`, error);
    loaded.set(locale, en);
    return en;
  }
}

/** The string for a link problem, by the cause PeerLink reports. */
export function linkProblem(strings: MeetingRoomStrings, cause: string | undefined): string | undefined {
  const problem = linkProblemOf(cause);
  return problem && strings[problem];
}
