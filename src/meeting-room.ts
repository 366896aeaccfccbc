/**
 * `<meeting-room>`: a drop-in video meeting. A thin view over the headless
 * call core (`SignalingClient`, and the mesh of peer links).
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import {
  MeetingRoomErrorEvent,
  MeetingRoomJoinedEvent,
  MeetingRoomLeftEvent,
  MeetingRoomParticipantJoinedEvent,
  MeetingRoomParticipantLeftEvent,
  type MeetingRoomErrorCode,
  type ParticipantDetail,
} from './events.js';
import { parseIceServers } from './ice-servers.js';
import { SIGNAL_PATH } from './protocol.js';
import { SignalingClient, type SignalingEvents } from './signaling-client.js';
import { styles } from './meeting-room.styles.js';

export type MeetingRoomState = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'error';

const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The signaling URL for a page: `/ws` on its own origin, wss: on https pages. */
export function defaultSignalUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SIGNAL_PATH}`;
}

/**
 * A video meeting in one element: tiles, controls and chat in its shadow
 * DOM, peer-to-peer WebRTC between the participants, a small signaling server.
 *
 * @summary Drop-in peer-to-peer video meeting.
 *
 * @csspart lobby - The view before joining, with the Join button.
 * @csspart join-button - The Join button.
 * @csspart status - A status line (joining, reconnecting, left).
 * @csspart error - The visible error message.
 * @csspart grid - The grid of participant tiles.
 * @csspart tile - One participant's tile; also `tile local` or `tile remote`.
 * @csspart name - The name label in a tile.
 *
 * @cssprop --meeting-room-accent - Accent color of buttons. Default `#0b57d0`.
 * @cssprop --meeting-room-accent-contrast - Text color on the accent. Default `#fff`.
 * @cssprop --meeting-room-background - Background of the element. Default `#f6f8fa`.
 * @cssprop --meeting-room-color - Text color. Default `#1f2328`.
 * @cssprop --meeting-room-danger - Color of error text. Default `#b42318`.
 * @cssprop --meeting-room-font - Font shorthand. Default `14px/1.4 system-ui, sans-serif`.
 * @cssprop --meeting-room-radius - Corner radius of the element. Default `12px`.
 * @cssprop --meeting-room-gap - Gap between tiles. Default `8px`.
 * @cssprop --meeting-room-tile-min-width - Smallest tile width. Default `220px`.
 * @cssprop --meeting-room-tile-background - Tile background. Default `#24292f`.
 * @cssprop --meeting-room-tile-radius - Tile corner radius. Default `8px`.
 * @cssprop --meeting-room-button-radius - Button corner radius. Default `999px`.
 * @cssprop --meeting-room-focus-ring - Focus outline color. Default `#0b57d0`.
 *
 * @fires {MeetingRoomJoinedEvent} meeting-room-joined - The local participant is in the room.
 * @fires {MeetingRoomLeftEvent} meeting-room-left - The local participant left.
 * @fires {MeetingRoomParticipantJoinedEvent} meeting-room-participant-joined - Someone else joined.
 * @fires {MeetingRoomParticipantLeftEvent} meeting-room-participant-left - Someone else left.
 * @fires {MeetingRoomErrorEvent} meeting-room-error - Something failed; `code` and `message` say what.
 */
export class MeetingRoom extends LitElement {
  static override styles = styles;

  #client: SignalingClient | undefined;
  #unsubscribe: (() => void)[] = [];

  @state() private participants: ParticipantDetail[] = [];
  @state() private errorMessage = '';

  /** Room to join: 1-64 of `A-Z a-z 0-9 _ -`. Required. */
  @property({ reflect: true }) room = '';

  /** WebSocket URL of the signaling server. Default: `/ws` on the page's origin. */
  @property({ attribute: 'signal-url' }) signalUrl = '';

  /** JSON array of RTCIceServer, merged with the servers the signaling server hands out. */
  @property({ attribute: 'ice-servers' }) iceServers = '';

  /** Display name shown to the others. */
  @property() name = '';

  /** JWT for servers that require one (`MEETING_AUTH_SECRET`). */
  @property() token = '';

  /** Join as soon as the element is connected, without the Join button. */
  @property({ type: Boolean }) autojoin = false;

  /** Join with the microphone muted. */
  @property({ type: Boolean, attribute: 'no-audio' }) noAudio = false;

  /** Join with the camera off. */
  @property({ type: Boolean, attribute: 'no-video' }) noVideo = false;

  /** The call's state, reflected for CSS: idle, joining, joined, reconnecting, left, error. */
  @property({ reflect: true }) state: MeetingRoomState = 'idle';

  /** Our clientId in the room, once joining started. */
  get clientId(): string | undefined {
    return this.#client?.clientId;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.autojoin) void this.join();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.leave();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('room') && changed.get('room') !== undefined && this.#client) {
      this.leave();
      void this.join();
    }
  }

  /** Joins the room (the Join button calls this). Resolves once joining started. */
  async join(): Promise<void> {
    if (this.#client) return;
    const problem = this.#validate();
    if (problem) {
      this.#fail('invalid-attribute', problem);
      return;
    }
    this.errorMessage = '';
    this.participants = [];
    const client = new SignalingClient({
      url: this.signalUrl || defaultSignalUrl(window.location),
      room: this.room,
      name: this.name || undefined,
      token: this.token || undefined,
      audioEnabled: !this.noAudio,
      videoEnabled: !this.noVideo,
    });
    this.#client = client;
    this.state = 'joining';
    this.#unsubscribe = [
      client.on('welcome', this.#handleWelcome),
      client.on('message', this.#handleMessage),
      client.on('state', this.#handleSignalingState),
      client.on('error', this.#handleSignalingError),
    ];
    client.connect();
  }

  /** Leaves the room: LEAVE is sent, the socket closed and everything released. */
  leave(): void {
    const client = this.#client;
    if (!client) return;
    this.#client = undefined;
    for (const off of this.#unsubscribe.splice(0)) off();
    client.close();
    this.participants = [];
    if (this.state !== 'error') this.state = 'left';
    this.dispatchEvent(new MeetingRoomLeftEvent(this.room));
  }

  #validate(): string | undefined {
    if (!ROOM_PATTERN.test(this.room)) return `room must be 1-64 of A-Z a-z 0-9 _ - (got "${this.room.slice(0, 80)}")`;
    const ice = parseIceServers(this.iceServers);
    if (!ice.ok) return ice.error;
    if (this.signalUrl) {
      try {
        const url = new URL(this.signalUrl);
        if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return 'signal-url must be a ws: or wss: URL';
      } catch {
        return 'signal-url must be an absolute ws: or wss: URL';
      }
    }
    return undefined;
  }

  #fail(code: MeetingRoomErrorCode, message: string, cause?: string): void {
    this.errorMessage = message;
    this.state = 'error';
    this.dispatchEvent(new MeetingRoomErrorEvent(code, message, cause));
  }

  #handleWelcome = ({ message, resumed }: SignalingEvents['welcome']): void => {
    this.state = 'joined';
    if (resumed) return;
    this.participants = message.peers.map((p) => ({ ...p }));
    this.dispatchEvent(new MeetingRoomJoinedEvent(message.room, message.clientId));
    for (const p of this.participants) this.dispatchEvent(new MeetingRoomParticipantJoinedEvent(p));
  };

  #handleMessage = (message: SignalingEvents['message']): void => {
    if (message.type === 'JOIN') {
      const participant: ParticipantDetail = {
        clientId: message.from,
        name: message.name,
        ...(message.role === undefined ? {} : { role: message.role }),
        audioEnabled: message.audioEnabled,
        videoEnabled: message.videoEnabled,
      };
      this.participants = [...this.participants.filter((p) => p.clientId !== message.from), participant];
      this.dispatchEvent(new MeetingRoomParticipantJoinedEvent(participant));
    } else if (message.type === 'LEAVE') {
      const gone = this.participants.find((p) => p.clientId === message.from);
      if (!gone) return;
      this.participants = this.participants.filter((p) => p !== gone);
      this.dispatchEvent(new MeetingRoomParticipantLeftEvent(gone));
    }
  };

  #handleSignalingState = (state: SignalingEvents['state']): void => {
    if (state === 'reconnecting') this.state = 'reconnecting';
  };

  #handleSignalingError = (error: SignalingEvents['error']): void => {
    if (error.code === 'transport') {
      if (this.state === 'joining') this.#fail('signaling', error.message, error.code);
      return;
    }
    if (['unauthorized', 'room-full', 'server-full', 'id-taken', 'replaced'].includes(error.code)) {
      this.leave();
      this.#fail('refused', error.message, error.code);
      return;
    }
    this.dispatchEvent(new MeetingRoomErrorEvent('signaling', error.message, error.code));
  };

  override render() {
    if (this.state === 'idle' || this.state === 'left' || this.state === 'error') return this.renderLobby();
    return html`
      ${this.state === 'joined' ? nothing : html`<p part="status" role="status">${this.state === 'joining' ? 'Joining…' : 'Reconnecting…'}</p>`}
      <div part="grid" role="list" aria-label="Participants">${this.participants.map((p) => this.renderTile(p))}</div>
    `;
  }

  private renderLobby() {
    return html`<div part="lobby">
      ${this.errorMessage ? html`<p part="error" role="alert">${this.errorMessage}</p>` : nothing}
      ${this.state === 'left' ? html`<p part="status" role="status">You left the meeting.</p>` : nothing}
      <button part="join-button" type="button" @click=${() => void this.join()}>Join</button>
    </div>`;
  }

  private renderTile(participant: ParticipantDetail) {
    return html`<div part="tile remote" role="listitem" data-client-id=${participant.clientId}>
      <span part="name">${participant.name || 'Guest'}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'meeting-room': MeetingRoom;
  }
}
