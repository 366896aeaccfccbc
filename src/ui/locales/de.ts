/** German UI strings: loaded by `<meeting-room>` when its language is `de` (or `de-*`). */
import type { MeetingRoomStrings } from '../strings.js';

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
  more: 'Weitere Optionen',
  close: 'Schließen',
  shortcuts: 'Tastenkürzel',
  holdToTalk: 'Gedrückt halten, um stummgeschaltet zu sprechen',
  microphone: 'Mikrofon',
  camera: 'Kamera',
  chat: 'Chat',
  chatUnread: (count) => `Chat, ${count} ungelesen`,
  leave: 'Verlassen',
  message: 'Nachricht',
  send: 'Senden',
  youSender: 'Sie',
  media: (problem, device) => {
    const d = { camera: 'Kamera', microphone: 'Mikrofon', both: 'Kamera und Mikrofon' }[device];
    const article = { camera: 'Die', microphone: 'Das', both: 'Die' }[device];
    switch (problem) {
      case 'denied':
        return `Der Zugriff auf ${device === 'both' ? d : `${article.toLowerCase()} ${d}`} wurde verweigert.`;
      case 'notFound':
        return device === 'both'
          ? 'Keine Kamera und kein Mikrofon gefunden.'
          : `${device === 'camera' ? 'Keine' : 'Kein'} ${d} gefunden.`;
      case 'busy':
        return `${article} ${d} ${device === 'both' ? 'werden' : 'wird'} von einer anderen Anwendung benutzt.`;
      case 'overconstrained':
        return `${article} gewählte ${d} ${device === 'both' ? 'sind' : 'ist'} nicht verfügbar; die Standardgeräte werden benutzt.`;
      case 'insecure':
        return 'Diese Seite kann weder Kamera noch Mikrofon nutzen (sie braucht https).';
      case 'failed':
        return `${article} ${d} ${device === 'both' ? 'konnten' : 'konnte'} nicht gestartet werden.`;
    }
  },
  mediaHint: 'Sie können ohne beitreten oder ein anderes Gerät wählen.',
  permissionHelp: 'So erlauben Sie den Zugriff',
  prejoinTitle: 'Bereit zum Beitreten?',
  yourName: 'Ihr Name',
  joinNow: 'Jetzt beitreten',
  preview: 'Vorschau Ihrer Kamera',
  starting: 'Kamera und Mikrofon werden gestartet …',
  micLevel: 'Mikrofonpegel',
  speaker: 'Lautsprecher',
  testSound: 'Testton',
  deviceNumber: (kind, n) => `${kind} ${n}`,
  noDevice: 'Keines gefunden',
  settings: 'Einstellungen',
  participantsCount: (count) => `Teilnehmende (${count})`,
  raiseHand: 'Hand heben',
  lowerHand: 'Hand senken',
  handInLine: (position) => `Hand gehoben, Nummer ${position} in der Reihe`,
  handRaised: (name) => `${name} hat die Hand gehoben`,
  inBackground: 'Im Hintergrund',
  joinedNamed: (name) => `${name} ist beigetreten`,
  leftNamed: (name) => `${name} hat den Raum verlassen`,
  peopleJoined: (count) => `${count} Personen sind beigetreten`,
  peopleLeft: (count) => `${count} Personen haben den Raum verlassen`,
  handLoweredByHost: 'Die Moderation hat Ihre Hand gesenkt',
  lowerHandOf: (name) => `Hand von ${name} senken`,
  reactions: 'Reaktionen',
  reactionFrom: (name, emoji) => `${name}: ${emoji}`,
  earlierMessages: 'Frühere Nachrichten',
  share: 'Bildschirm teilen',
  presenting: 'Sie präsentieren',
  stopPresenting: 'Präsentation beenden',
  screenOf: (name) => `Bildschirm von ${name}`,
  startedSharing: (name) => `${name} präsentiert`,
  shareTakenOver: (name) => `${name} präsentiert jetzt; Ihre Freigabe wurde beendet.`,
  shareFailed: 'Dieser Browser konnte keinen Bildschirm teilen.',
  youAreMuted: 'Sie sind stummgeschaltet. Schalten Sie das Mikrofon ein, um gehört zu werden.',
  pin: (name) => `${name} anheften`,
  fullscreen: 'Vollbild',
  pictureInPicture: 'Bild im Bild',
  nowUsing: (label) => `Jetzt aktiv: ${label}`,
  micLost: 'Das Mikrofon wurde getrennt. Sie sind stummgeschaltet.',
  cameraLost: 'Die Kamera wurde getrennt.',
  turnRefused: 'Keine Verbindung: Der TURN-Server hat die Zugangsdaten abgelehnt (401).',
  noPath: 'Keine Verbindung: Es wurde kein Netzwerkpfad gefunden.',
  connectTimeout: 'Noch keine Verbindung zu dieser Person; neuer Versuch läuft.',
  relayUnreachable: 'Keine Verbindung: Kein direkter Weg, und das TURN-Relay ist nicht erreichbar.',
  renegotiating: 'Die Verbindung ist fehlgeschlagen; eine neue wird ausgehandelt.',
  loadFailed: 'Das Meeting konnte nicht geladen werden. Bitte Verbindung prüfen und erneut versuchen.',
};

export default de;
