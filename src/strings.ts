/**
 * Every string the element shows, in one table per locale. `lang` picks a
 * built-in locale; the `strings` property overrides any entry.
 * Messages meant for page authors (bad attributes) stay in English.
 */
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
  microphone: string;
  camera: string;
  chat: string;
  chatUnread: (count: number) => string;
  leave: string;
  message: string;
  send: string;
  youSender: string;
  /** Local media outcomes, by DOMException name (see local-media.ts). */
  mediaDenied: string;
  mediaNotFound: string;
  mediaAudioOnly: string;
  mediaBusy: string;
  mediaInsecure: string;
  mediaFailed: string;
  /** Link problems, by cause. */
  turnRefused: string;
  noPath: string;
  connectTimeout: string;
  relayUnreachable: string;
  renegotiating: string;
  unreachable: string;
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
  microphone: 'Microphone',
  camera: 'Camera',
  chat: 'Chat',
  chatUnread: (count) => `Chat, ${count} unread`,
  leave: 'Leave',
  message: 'Message',
  send: 'Send',
  youSender: 'You',
  mediaDenied: 'Camera and microphone permission was denied; you joined without them.',
  mediaNotFound: 'No camera or microphone was found; you joined without them.',
  mediaAudioOnly: 'No camera is available; you joined with audio only.',
  mediaBusy: 'The camera or microphone is in use by another application.',
  mediaInsecure: 'This page cannot use a camera (it needs https); you joined without one.',
  mediaFailed: 'Could not start camera or microphone; you joined without them.',
  turnRefused: 'Cannot connect: the TURN server refused the credentials (401).',
  noPath: 'Cannot connect: no network path was found.',
  connectTimeout: 'Could not connect to this participant yet; still trying.',
  relayUnreachable: 'Cannot connect: no direct path, and the TURN relay could not be reached.',
  renegotiating: 'The connection failed; negotiating a new one.',
  unreachable: 'Cannot reach the meeting server.',
};

export const de: MeetingRoomStrings = {
  join: 'Beitreten',
  joinAgain: 'Erneut beitreten',
  joining: 'Beitritt läuft …',
  reconnecting: 'Verbindung wird wiederhergestellt …',
  left: 'Sie haben das Meeting verlassen.',
  enableSound: 'Ton einschalten',
  participants: 'Teilnehmende',
  you: (name) => `${name} (Sie)`,
  guest: 'Gast',
  muted: 'Stumm',
  cameraOff: 'Kamera aus',
  connecting: 'Verbindung wird aufgebaut …',
  connectionLost: 'Verbindung unterbrochen, neuer Versuch …',
  direct: 'Direkt',
  relayed: 'Über Relay',
  quality: { good: 'Gut', fair: 'Mittel', poor: 'Schlecht' },
  controls: 'Anrufsteuerung',
  microphone: 'Mikrofon',
  camera: 'Kamera',
  chat: 'Chat',
  chatUnread: (count) => `Chat, ${count} ungelesen`,
  leave: 'Verlassen',
  message: 'Nachricht',
  send: 'Senden',
  youSender: 'Sie',
  mediaDenied: 'Zugriff auf Kamera und Mikrofon wurde verweigert; Sie sind ohne beigetreten.',
  mediaNotFound: 'Keine Kamera und kein Mikrofon gefunden; Sie sind ohne beigetreten.',
  mediaAudioOnly: 'Keine Kamera verfügbar; Sie sind nur mit Ton beigetreten.',
  mediaBusy: 'Kamera oder Mikrofon wird von einer anderen Anwendung benutzt.',
  mediaInsecure: 'Diese Seite kann keine Kamera nutzen (sie braucht https); Sie sind ohne beigetreten.',
  mediaFailed: 'Kamera oder Mikrofon konnten nicht gestartet werden; Sie sind ohne beigetreten.',
  turnRefused: 'Keine Verbindung: Der TURN-Server hat die Zugangsdaten abgelehnt (401).',
  noPath: 'Keine Verbindung: Es wurde kein Netzwerkpfad gefunden.',
  connectTimeout: 'Noch keine Verbindung zu dieser Person; neuer Versuch läuft.',
  relayUnreachable: 'Keine Verbindung: Kein direkter Weg, und das TURN-Relay ist nicht erreichbar.',
  renegotiating: 'Die Verbindung ist fehlgeschlagen; eine neue wird ausgehandelt.',
  unreachable: 'Der Meeting-Server ist nicht erreichbar.',
};

export const LOCALES: Record<string, MeetingRoomStrings> = { en, de };

/** The built-in table for a BCP 47 tag (`de-AT` → `de`), English when there is none. */
export function stringsFor(lang: string | null | undefined): MeetingRoomStrings {
  const tag = (lang ?? '').toLowerCase();
  return LOCALES[tag] ?? LOCALES[tag.split('-')[0] ?? ''] ?? en;
}

/** The string for a local media outcome (a DOMException name plus whether audio survived). */
export function mediaProblem(strings: MeetingRoomStrings, name: string, audioOnly: boolean): string {
  if (audioOnly) return strings.mediaAudioOnly;
  if (name === 'NotAllowedError' || name === 'SecurityError') return strings.mediaDenied;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return strings.mediaNotFound;
  if (name === 'NotReadableError') return strings.mediaBusy;
  if (name === 'TypeError') return strings.mediaInsecure;
  return strings.mediaFailed;
}

/** The string for a link problem, by the cause PeerLink reports. */
export function linkProblem(strings: MeetingRoomStrings, cause: string | undefined): string | undefined {
  if (cause === 'ice-401') return strings.turnRefused;
  if (cause === 'no-candidates' || cause?.startsWith('ice-')) return strings.noPath;
  if (cause === 'timeout') return strings.connectTimeout;
  if (cause === 'relay-unreachable') return strings.relayUnreachable;
  if (cause === 'renegotiate') return strings.renegotiating;
  return undefined;
}
