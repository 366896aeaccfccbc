/**
 * `<meeting-room>`: a drop-in video meeting. A thin view over the headless
 * `Call` (signaling, local media, the mesh of peer links, chat).
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { Call, type CallError, type CallState, type Participant } from './call.js';
import type { LinkQuality } from './peer-link.js';
import {
  MeetingRoomChatMessageEvent,
  MeetingRoomConnectionStateEvent,
  MeetingRoomErrorEvent,
  MeetingRoomJoinedEvent,
  MeetingRoomLeftEvent,
  MeetingRoomMediaChangedEvent,
  MeetingRoomParticipantJoinedEvent,
  MeetingRoomParticipantLeftEvent,
  type MeetingRoomErrorCode,
} from './events.js';
import type { IceServersResult } from './ice-servers.js';
import {
  en,
  linkProblem,
  loadStrings,
  localeOf,
  mediaProblem,
  stringsFor,
  type MeetingRoomStrings,
} from './strings.js';
import type { ChatBroadcast } from './protocol.js';
import { SIGNAL_PATH } from './protocol.js';
import { styles } from './meeting-room.styles.js';

export type MeetingRoomState = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'error';

const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The signaling URL for a page: `/ws` on its own origin, wss: on https pages. */
export function defaultSignalUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SIGNAL_PATH}`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * A video meeting in one element: tiles, controls and chat in its shadow
 * DOM, peer-to-peer WebRTC between the participants, a small signaling server.
 *
 * @summary Drop-in peer-to-peer video meeting.
 *
 * @csspart lobby - The view before joining (and after leaving), with the Join button.
 * @csspart join-button - The Join button.
 * @csspart status - A status line (joining, reconnecting, left).
 * @csspart error - The visible error message.
 * @csspart notice - A non-fatal message, e.g. joined without camera.
 * @csspart stage - The area holding the grid and the chat panel.
 * @csspart grid - The grid of participant tiles.
 * @csspart tile - One participant's tile, with `local` or `remote`, and `muted`, `camera-off`, `connecting`, `failed`, `relayed` as they apply. Remote tiles carry `data-path` (`direct`, `relay`) and `data-quality` (`good`, `fair`, `poor`).
 * @csspart video - The video in a tile.
 * @csspart avatar - The initial shown in a tile while its camera is off.
 * @csspart name - The name label in a tile.
 * @csspart indicators - The microphone, camera and connection state in a tile.
 * @csspart quality - Path and quality of a remote tile's link ("Direct · Good"), with `data-level`; details in its title.
 * @csspart controls - The bar of buttons.
 * @csspart button - Every control button; each also has its own part below.
 * @csspart mic-button - Microphone on/off (`aria-pressed` is true while on).
 * @csspart camera-button - Camera on/off (`aria-pressed` is true while on).
 * @csspart chat-button - Opens and closes the chat panel.
 * @csspart leave-button - Leaves the meeting.
 * @csspart unread-badge - Count of unread chat messages on the chat button.
 * @csspart sound-button - "Enable sound", shown when the browser blocked audio autoplay.
 * @csspart chat - The chat panel.
 * @csspart messages - The list of chat messages.
 * @csspart message - One chat message.
 * @csspart message-sender - The sender's name in a message.
 * @csspart message-time - The time of a message.
 * @csspart message-text - The text of a message (always plain text).
 * @csspart chat-form - The form to write a message.
 * @csspart chat-input - The message input.
 * @csspart chat-send - The Send button.
 *
 * @cssprop --meeting-room-accent - Accent color of buttons. Default `#0b57d0`.
 * @cssprop --meeting-room-accent-contrast - Text color on the accent. Default `#fff`.
 * @cssprop --meeting-room-background - Background of the element. Default `#f6f8fa`.
 * @cssprop --meeting-room-color - Text color. Default `#1f2328`.
 * @cssprop --meeting-room-danger - Color of errors and of the Leave button. Default `#b42318`.
 * @cssprop --meeting-room-font - Font shorthand. Default `14px/1.4 system-ui, sans-serif`.
 * @cssprop --meeting-room-radius - Corner radius of the element. Default `12px`.
 * @cssprop --meeting-room-gap - Gap between tiles. Default `8px`.
 * @cssprop --meeting-room-tile-min-width - Smallest tile width. Default `220px`.
 * @cssprop --meeting-room-tile-background - Tile background. Default `#24292f`.
 * @cssprop --meeting-room-tile-radius - Tile corner radius. Default `8px`.
 * @cssprop --meeting-room-button-radius - Button corner radius. Default `999px`.
 * @cssprop --meeting-room-focus-ring - Focus outline color. Default `#0b57d0`.
 * @cssprop --meeting-room-panel-background - Chat panel background. Default `#fff`.
 * @cssprop --meeting-room-chat-width - Width of the chat panel. Default `300px`.
 * @cssprop --meeting-room-quality-fair - Color of a "Fair" quality label. Default `#ffd666`.
 * @cssprop --meeting-room-quality-poor - Color of a "Poor" quality label. Default `#ff8a80`.
 *
 * @fires {MeetingRoomJoinedEvent} meeting-room-joined - The local participant is in the room.
 * @fires {MeetingRoomLeftEvent} meeting-room-left - The local participant left.
 * @fires {MeetingRoomParticipantJoinedEvent} meeting-room-participant-joined - Someone else joined.
 * @fires {MeetingRoomParticipantLeftEvent} meeting-room-participant-left - Someone else left.
 * @fires {MeetingRoomMediaChangedEvent} meeting-room-media-changed - A remote participant's microphone or camera went on or off, or the user toggled ours with a control button (`local` is then true).
 * @fires {MeetingRoomChatMessageEvent} meeting-room-chat-message - A chat message arrived (including our own, as echoed by the server).
 * @fires {MeetingRoomConnectionStateEvent} meeting-room-connection-state - The link to a peer changed state.
 * @fires {MeetingRoomErrorEvent} meeting-room-error - Something failed; `code` and `message` say what.
 */
export class MeetingRoom extends LitElement {
  static override styles = styles;

  // Declared without decorators: the TypeScript decorator helper and Lit's
  // decorator modules weigh more than this table.
  static override properties = {
    participants: { state: true },
    messages: { state: true },
    localStream: { state: true },
    micOn: { state: true },
    cameraOn: { state: true },
    hasMic: { state: true },
    hasCamera: { state: true },
    chatOpen: { state: true },
    unread: { state: true },
    soundBlocked: { state: true },
    errorMessage: { state: true },
    notice: { state: true },
    room: { reflect: true },
    signalUrl: { attribute: 'signal-url' },
    iceServers: { attribute: 'ice-servers' },
    iceTransportPolicy: { attribute: 'ice-transport-policy' },
    name: {},
    token: {},
    autojoin: { type: Boolean },
    noAudio: { type: Boolean, attribute: 'no-audio' },
    noVideo: { type: Boolean, attribute: 'no-video' },
    lang: {},
    strings: { attribute: false },
    state: { reflect: true },
  };

  #call: Call | undefined;
  #strings: MeetingRoomStrings = en;

  private participants: Participant[] = [];
  private messages: readonly ChatBroadcast[] = [];
  private localStream: MediaStream | undefined;
  private micOn = false;
  private cameraOn = false;
  private hasMic = false;
  private hasCamera = false;
  private chatOpen = false;
  private unread = 0;
  private soundBlocked = false;
  private errorMessage = '';
  private notice = '';

  /** Room to join: 1-64 of `A-Z a-z 0-9 _ -`. Required. Changing it while joined moves to the new room. */
  room = '';

  /** WebSocket URL of the signaling server. Default: `/ws` on the page's origin (`wss:` on https pages). */
  signalUrl = '';

  /** JSON array of RTCIceServer, merged with the servers the signaling server hands out. */
  iceServers = '';

  /** `all` (default) or `relay`: send every link through the TURN relay (hides IP addresses from peers). */
  iceTransportPolicy: RTCIceTransportPolicy = 'all';

  /** Display name shown to the others. */
  name = '';

  /** JWT for servers that require one (`MEETING_AUTH_SECRET`). */
  token = '';

  /** Join as soon as the element is connected, without the Join button. */
  autojoin = false;

  /** Join with the microphone muted. */
  noAudio = false;

  /** Join with the camera off. */
  noVideo = false;

  /** UI language (BCP 47). Built in: `en`, `de`. Default: the nearest `lang` up the tree, else English. */
  // No initializer: an empty `lang` attribute would mean "unknown language" to assistive technology.
  override lang!: string;

  /** Overrides any UI string of the built-in table (see `MeetingRoomStrings`). */
  strings: Partial<MeetingRoomStrings> = {};

  /** The call's state, reflected for CSS: idle, joining, joined, reconnecting, left, error. */
  state: MeetingRoomState = 'idle';

  get #chatInput(): HTMLInputElement | null | undefined {
    return this.renderRoot?.querySelector<HTMLInputElement>('[part~="chat-input"]');
  }

  /** The headless call while joined: for monitoring, or to build on. */
  get call(): Call | undefined {
    return this.#call;
  }

  /** Our clientId in the room, once joining started. */
  get clientId(): string | undefined {
    return this.#call?.clientId;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('pagehide', this.#handlePageHide);
    if (this.autojoin) void this.join();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pagehide', this.#handlePageHide);
    this.leave();
  }

  /** Holds an update until the table for the element's language is loaded, so no English flashes first. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const lang = languageOf(this);
    if (stringsFor(lang) === en && localeOf(lang) !== 'en') {
      return loadStrings(lang).then(() => super.scheduleUpdate());
    }
    return super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lang') || changed.has('strings') || !this.hasUpdated) {
      this.#strings = { ...stringsFor(languageOf(this)), ...this.strings };
    }
    if (changed.has('room') && changed.get('room') !== undefined && this.#call) {
      this.leave();
      void this.join();
    }
  }

  #handlePageHide = (): void => this.leave();

  /** Joins the room (the Join button calls this). Resolves once media and signaling started. */
  async join(): Promise<void> {
    if (this.#call) return;
    let ice: IceServersResult = { ok: true, value: [] };
    if (this.iceServers.trim()) {
      // Fetched only by pages that set the attribute: most take their servers from the signaling server.
      ice = (await import('./ice-servers.js')).parseIceServers(this.iceServers);
      if (this.#call || !this.isConnected) return; // joined meanwhile, or taken off the page
    }
    const problem = !ROOM_PATTERN.test(this.room)
      ? `room must be 1-64 of A-Z a-z 0-9 _ - (got "${this.room.slice(0, 80)}")`
      : !ice.ok
        ? ice.error
        : this.iceTransportPolicy !== 'all' && this.iceTransportPolicy !== 'relay'
          ? `ice-transport-policy must be "all" or "relay" (got "${String(this.iceTransportPolicy).slice(0, 40)}")`
          : this.#checkSignalUrl();
    if (problem || !ice.ok) {
      this.#fail('invalid-attribute', problem ?? 'invalid attributes');
      return;
    }
    this.errorMessage = '';
    this.notice = '';
    this.participants = [];
    this.messages = [];
    this.unread = 0;
    const call = new Call({
      signalUrl: this.signalUrl || defaultSignalUrl(window.location),
      room: this.room,
      ...(this.name ? { name: this.name } : {}),
      ...(this.token ? { token: this.token } : {}),
      iceServers: ice.value,
      iceTransportPolicy: this.iceTransportPolicy,
      audioEnabled: !this.noAudio,
      videoEnabled: !this.noVideo,
    });
    this.#call = call;
    call.on('state', this.#handleCallState);
    call.on('joined', ({ room, clientId }) => this.dispatchEvent(new MeetingRoomJoinedEvent(room, clientId)));
    call.on('participant-joined', (p) => {
      this.participants = call.participants;
      this.dispatchEvent(new MeetingRoomParticipantJoinedEvent(p));
    });
    call.on('participant-left', (p) => {
      this.participants = call.participants;
      this.dispatchEvent(new MeetingRoomParticipantLeftEvent(p));
    });
    call.on('participant-updated', this.#handleParticipantUpdated);
    call.on('local-media', this.#handleLocalMedia);
    call.on('chat', this.#handleChat);
    call.on('error', this.#handleCallError);
    this.state = 'joining';
    await call.join();
  }

  /** Leaves the room: LEAVE is sent, tracks stopped, links and socket closed. */
  leave(): void {
    const call = this.#call;
    if (!call) return;
    this.#call = undefined;
    call.leave();
    this.participants = [];
    this.localStream = undefined;
    this.soundBlocked = false;
    if (this.state !== 'error') this.state = 'left';
    this.dispatchEvent(new MeetingRoomLeftEvent(call.room));
  }

  /** Turns the microphone on or off (tells the room; fires no event on this element). */
  setMicrophone(on: boolean): void {
    this.#call?.setAudioEnabled(on);
  }

  /** Turns the camera on or off (tells the room; fires no event on this element). */
  setCamera(on: boolean): void {
    this.#call?.setVideoEnabled(on);
  }

  /** Sends a chat message; false when it cannot be sent (empty, too long, not in a room). */
  sendChat(text: string): boolean {
    return this.#call?.sendChat(text) ?? false;
  }

  #checkSignalUrl(): string | undefined {
    if (!this.signalUrl) return undefined;
    try {
      const url = new URL(this.signalUrl);
      return url.protocol === 'ws:' || url.protocol === 'wss:' ? undefined : 'signal-url must be a ws: or wss: URL';
    } catch {
      return 'signal-url must be an absolute ws: or wss: URL';
    }
  }

  #fail(code: MeetingRoomErrorCode, message: string, cause?: string): void {
    this.errorMessage = message;
    this.state = 'error';
    this.dispatchEvent(new MeetingRoomErrorEvent(code, message, cause));
  }

  #handleCallState = (state: CallState): void => {
    if (state === 'joined' || state === 'reconnecting' || state === 'joining') this.state = state;
  };

  #handleParticipantUpdated = (p: Participant): void => {
    const before = this.participants.find((x) => x.clientId === p.clientId);
    this.participants = this.#call?.participants ?? [];
    if (!before) return;
    if (before.audioEnabled !== p.audioEnabled || before.videoEnabled !== p.videoEnabled) {
      this.dispatchEvent(new MeetingRoomMediaChangedEvent(p.clientId, false, p.audioEnabled, p.videoEnabled));
    }
    if (before.connectionState !== p.connectionState || before.iceConnectionState !== p.iceConnectionState) {
      this.dispatchEvent(new MeetingRoomConnectionStateEvent(p.clientId, p.connectionState, p.iceConnectionState));
    }
  };

  #handleLocalMedia = ({
    audioEnabled,
    videoEnabled,
    stream,
  }: {
    audioEnabled: boolean;
    videoEnabled: boolean;
    stream: MediaStream | undefined;
  }): void => {
    this.micOn = audioEnabled;
    this.cameraOn = videoEnabled;
    this.hasMic = this.#call?.hasAudio ?? false;
    this.hasCamera = this.#call?.hasVideo ?? false;
    this.localStream = stream;
  };

  /** A control button toggled the microphone or camera: the page hears of it (a method call fires nothing). */
  #handleToggle(kind: 'mic' | 'camera'): void {
    const call = this.#call;
    if (!call) return;
    if (kind === 'mic') call.setAudioEnabled(!call.audioEnabled);
    else call.setVideoEnabled(!call.videoEnabled);
    this.dispatchEvent(new MeetingRoomMediaChangedEvent(call.clientId, true, call.audioEnabled, call.videoEnabled));
  }

  #handleChat = (message: ChatBroadcast): void => {
    this.messages = [...(this.#call?.chat ?? [])];
    if (!this.chatOpen) this.unread++;
    this.dispatchEvent(new MeetingRoomChatMessageEvent(message));
  };

  #handleCallError = (error: CallError): void => {
    if (error.code === 'media') {
      const call = this.#call;
      this.notice = mediaProblem(this.#strings, error.cause ?? '', Boolean(call?.hasAudio && !call.hasVideo));
      this.dispatchEvent(new MeetingRoomErrorEvent('media', error.message, error.cause));
      return;
    }
    if (error.code === 'refused' || (error.code === 'signaling' && this.state === 'joining')) {
      this.leave();
      this.#fail(error.code === 'refused' ? 'refused' : 'signaling', error.message, error.cause);
      return;
    }
    this.dispatchEvent(new MeetingRoomErrorEvent(error.code, error.message, error.cause));
  };

  #handleMetadata = (event: Event): void => {
    const video = event.target as HTMLVideoElement;
    video.toggleAttribute('data-ready', true);
    if (video.dataset['local'] !== undefined) return;
    video.play().catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'NotAllowedError') {
        // Autoplay with sound was refused: play muted and offer a button.
        this.soundBlocked = true;
        video.muted = true;
        void video.play().catch(() => {});
      }
    });
  };

  #handleEnableSound = (): void => {
    this.soundBlocked = false;
    for (const video of this.renderRoot.querySelectorAll<HTMLVideoElement>('video[data-remote]')) {
      video.muted = false;
      void video.play().catch(() => {});
    }
  };

  #handleChatToggle = (): void => {
    this.chatOpen = !this.chatOpen;
    if (this.chatOpen) {
      this.unread = 0;
      void this.updateComplete.then(() => this.#chatInput?.focus());
    }
  };

  #handleChatSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const input = this.#chatInput;
    if (input && this.sendChat(input.value)) input.value = '';
  };

  override render() {
    if (this.state === 'idle' || this.state === 'left' || this.state === 'error') return this.renderLobby();
    return html`
      ${this.renderStatus()}
      <div part="stage">
        <div part="grid" role="list" aria-label=${this.#strings.participants}>
          ${this.renderLocalTile()} ${this.participants.map((p) => this.renderRemoteTile(p))}
        </div>
        ${this.chatOpen ? this.renderChat() : nothing}
      </div>
      ${this.renderControls()}
    `;
  }

  private renderLobby() {
    const t = this.#strings;
    return html`<div part="lobby">
      ${this.errorMessage ? html`<p part="error" role="alert">${this.errorMessage}</p>` : nothing}
      ${this.state === 'left' ? html`<p part="status" role="status">${t.left}</p>` : nothing}
      <button part="button join-button" type="button" @click=${() => void this.join()}>
        ${this.state === 'idle' ? t.join : t.joinAgain}
      </button>
    </div>`;
  }

  private renderStatus() {
    const t = this.#strings;
    const text = this.state === 'joining' ? t.joining : this.state === 'reconnecting' ? t.reconnecting : '';
    return html`${text ? html`<p part="status" role="status">${text}</p>` : nothing}
    ${this.notice ? html`<p part="notice" role="status">${this.notice}</p>` : nothing}
    ${
      this.soundBlocked
        ? html`<button part="button sound-button" type="button" @click=${this.#handleEnableSound}>
            ${t.enableSound}
          </button>`
        : nothing
    }`;
  }

  private renderLocalTile() {
    const parts = ['tile', 'local', this.micOn ? '' : 'muted', this.cameraOn ? '' : 'camera-off'].filter(Boolean);
    const label = this.#strings.you(this.name || this.#strings.guest);
    return html`<div part=${parts.join(' ')} role="listitem" aria-label=${label}>
      <video
        part="video"
        data-local
        .srcObject=${this.localStream ?? null}
        .muted=${true}
        ?hidden=${!this.cameraOn}
        autoplay
        playsinline
        @loadedmetadata=${this.#handleMetadata}
      ></video>
      ${this.cameraOn ? nothing : html`<span part="avatar" aria-hidden="true">${initial(this.name)}</span>`}
      <span part="name">${label}</span>
      ${this.renderIndicators(this.micOn, this.cameraOn)}
    </div>`;
  }

  private renderRemoteTile(p: Participant) {
    const t = this.#strings;
    const connecting = !p.problem && (p.connectionState === 'new' || p.connectionState === 'connecting');
    const failed = Boolean(p.problem) || p.connectionState === 'failed' || p.connectionState === 'disconnected';
    const parts = [
      'tile',
      'remote',
      p.audioEnabled ? '' : 'muted',
      p.videoEnabled ? '' : 'camera-off',
      connecting ? 'connecting' : '',
      failed ? 'failed' : '',
      p.quality?.path === 'relay' ? 'relayed' : '',
    ].filter(Boolean);
    const label = p.name || t.guest;
    const problem = p.problem ? (linkProblem(t, p.problem.cause) ?? p.problem.message) : '';
    return html`<div
      part=${parts.join(' ')}
      role="listitem"
      aria-label=${label}
      data-client-id=${p.clientId}
      data-connection=${p.connectionState}
      data-path=${p.quality?.path ?? nothing}
      data-quality=${p.quality?.level ?? nothing}
    >
      <video
        part="video"
        data-remote
        .srcObject=${p.stream ?? null}
        .muted=${this.soundBlocked}
        ?hidden=${!p.videoEnabled}
        autoplay
        playsinline
        @loadedmetadata=${this.#handleMetadata}
      ></video>
      ${p.videoEnabled ? nothing : html`<span part="avatar" aria-hidden="true">${initial(p.name)}</span>`}
      <span part="name">${label}</span>
      ${this.renderIndicators(
        p.audioEnabled,
        p.videoEnabled,
        problem || (connecting ? t.connecting : failed ? t.connectionLost : ''),
      )}
      ${p.quality && !failed ? this.renderQuality(p.quality) : nothing}
    </div>`;
  }

  private renderIndicators(mic: boolean, camera: boolean, connection = '') {
    const t = this.#strings;
    return html`<span part="indicators">
      ${mic ? nothing : html`<span data-indicator="muted">${t.muted}</span>`}
      ${camera ? nothing : html`<span data-indicator="camera-off">${t.cameraOff}</span>`}
      ${connection ? html`<span data-indicator="connection">${connection}</span>` : nothing}
    </span>`;
  }

  private renderQuality(quality: LinkQuality) {
    const t = this.#strings;
    const details = [
      quality.rttMs === undefined ? '' : `${Math.round(quality.rttMs)} ms`,
      `${quality.lossPercent}% loss`,
      `${quality.bitrateKbps} kbps`,
    ]
      .filter(Boolean)
      .join(', ');
    return html`<span part="quality" title=${details} data-level=${quality.level}>
      ${quality.path === 'relay' ? t.relayed : t.direct} · ${t.quality[quality.level]}
    </span>`;
  }

  private renderControls() {
    const t = this.#strings;
    return html`<div part="controls" role="toolbar" aria-label=${t.controls}>
      <button
        part="button mic-button"
        type="button"
        aria-pressed=${this.micOn ? 'true' : 'false'}
        ?disabled=${!this.hasMic}
        @click=${() => this.#handleToggle('mic')}
      >
        ${t.microphone}
      </button>
      <button
        part="button camera-button"
        type="button"
        aria-pressed=${this.cameraOn ? 'true' : 'false'}
        ?disabled=${!this.hasCamera}
        @click=${() => this.#handleToggle('camera')}
      >
        ${t.camera}
      </button>
      <button
        part="button chat-button"
        type="button"
        aria-pressed=${this.chatOpen ? 'true' : 'false'}
        aria-label=${this.unread > 0 ? t.chatUnread(this.unread) : t.chat}
        @click=${this.#handleChatToggle}
      >
        ${t.chat}${this.unread > 0 ? html` <span part="unread-badge" aria-hidden="true">${this.unread}</span>` : nothing}
      </button>
      <button part="button leave-button" type="button" @click=${() => this.leave()}>${t.leave}</button>
    </div>`;
  }

  private renderChat() {
    const t = this.#strings;
    return html`<section part="chat" aria-label=${t.chat}>
      <ol part="messages" aria-live="polite">
        ${this.messages.map(
          (m) =>
            html`<li part="message" data-id=${m.id}>
              <span part="message-sender">${m.from === this.clientId ? t.youSender : m.name || t.guest}</span>
              <time part="message-time" datetime=${new Date(m.ts).toISOString()}>${timeFormat.format(m.ts)}</time>
              <span part="message-text">${m.text}</span>
            </li>`,
        )}
      </ol>
      <form part="chat-form" @submit=${this.#handleChatSubmit}>
        <input part="chat-input" type="text" maxlength="2000" aria-label=${t.message} autocomplete="off" />
        <button part="button chat-send" type="submit">${t.send}</button>
      </form>
    </section>`;
  }
}

function initial(name: string): string {
  return (name.trim()[0] ?? '?').toUpperCase();
}

/** The language of the element: its own `lang`, else the nearest ancestor's, else the document's. */
function languageOf(el: HTMLElement): string {
  return el.lang || el.parentElement?.closest<HTMLElement>('[lang]')?.lang || document.documentElement.lang || 'en';
}

declare global {
  interface HTMLElementTagNameMap {
    'meeting-room': MeetingRoom;
  }
}
