/**
 * `<meeting-room>`: a drop-in video meeting. The element and its lobby are all
 * the embed file carries; the call (the headless core, the stage, chat) is a
 * chunk fetched on the first sign of intent to join: pointer or focus on the
 * Join button, `autojoin`, or a call to `join()`.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Call } from '../core/call.js';
import type { DeviceChoice, DeviceInfo, DeviceKind } from '../core/devices.js';
import type { CallView } from './call-view.js';
import { MeetingRoomErrorEvent, MeetingRoomLeftEvent, type MeetingRoomErrorCode } from './event-base.js';
import { en, loadStrings, localeOf, stringsFor, type MeetingRoomStrings } from './strings.js';
import { SIGNAL_PATH, type Reaction } from '../protocol/constants.js';
import { styles } from './meeting-room.styles.js';

export type MeetingRoomState = 'idle' | 'prejoin' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'error';

const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The signaling URL for a page: `/ws` on its own origin, wss: on https pages. */
export function defaultSignalUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SIGNAL_PATH}`;
}

type CallViewModule = typeof import('./call-view.js');
let callViewModule: Promise<CallViewModule> | undefined;
/** The chunk once it has arrived: a join after a prefetch starts the call without waiting a tick. */
let callView: CallViewModule | undefined;

/**
 * The call view chunk, fetched once per page (resolved relative to this
 * file's URL, so the files work from any origin or path). A failed fetch is
 * forgotten, so the next attempt tries again.
 */
function loadCallView(): Promise<CallViewModule> {
  callViewModule ??= import('./call-view.js').then(
    (module) => (callView = module),
    (error: unknown) => {
      callViewModule = undefined;
      throw error;
    },
  );
  return callViewModule;
}

/**
 * A video meeting in one element: tiles, controls and chat in its shadow
 * DOM, peer-to-peer WebRTC between the participants, a small signaling server.
 *
 * @summary Drop-in peer-to-peer video meeting.
 *
 * @csspart lobby - The view before joining (and after leaving), with the Join button.
 * @csspart room-name - The room's name in the lobby and the pre-join view.
 * @csspart join-button - The Join button of the lobby, and "Join now" in the pre-join view.
 * @csspart prejoin - The pre-join view: preview, name, devices, "Join now".
 * @csspart prejoin-title - Its heading.
 * @csspart prejoin-form - Its form (name, meter, pickers, problems, "Join now").
 * @csspart preview-box - The box around the preview and its microphone and camera buttons.
 * @csspart preview - The live, mirrored camera preview.
 * @csspart preview-controls - The microphone and camera buttons over the preview.
 * @csspart name-input - The name field (read-only when the token names the person).
 * @csspart mic-level - The microphone level meter (`role="meter"`, `aria-valuenow` 0-100, and `--level` as a percentage for CSS).
 * @csspart mic-level-bar - The bar inside the meter.
 * @csspart devices - The device pickers (pre-join view and settings panel).
 * @csspart device-field - A label with its field (name, camera, microphone, speaker).
 * @csspart device-label - The text of that label.
 * @csspart device-select - Every device picker; each also has its own part below.
 * @csspart camera-select - The camera picker.
 * @csspart mic-select - The microphone picker.
 * @csspart speaker-select - The speaker picker (only where the browser can route sound: `setSinkId`).
 * @csspart test-sound-button - Plays a short tone on the chosen speaker.
 * @csspart permission-help - The link to `permission-help-href`, with a permission error.
 * @csspart toast - Announces device changes the person did not make ("Now using …"); empty otherwise.
 * @csspart settings-button - Opens and closes the settings panel.
 * @csspart settings - The settings panel: the device pickers during the call.
 * @csspart share-button - Starts and stops sharing a screen (`aria-pressed`); absent where the browser cannot share (phones).
 * @csspart screen - A shared screen's tile (with `tile`; `remote`, or `local` for our own "You are presenting").
 * @csspart screen-video - The video of a shared screen.
 * @csspart presenting - "You are presenting" in our share's tile.
 * @csspart stop-share-button - Stops our share, in that tile.
 * @csspart speaking - On a tile (with `tile`) while that person speaks; the tile also has the `speaking` attribute.
 * @csspart float - Our own tile with `self-view="float"`: a small overlay in a corner of the stage.
 * @csspart focus - The large tile of the speaker view (with `tile`).
 * @csspart pin-button - Pins a tile (`aria-pressed`); double-click a tile does the same, Escape unpins.
 * @csspart fullscreen-button - Puts the element itself in fullscreen, and back (`aria-pressed`).
 * @csspart more-button - "More options" (`aria-expanded`): in a box narrower than 640 px the bar keeps microphone, camera, chat, More and leave; the rest moves into its menu.
 * @csspart more-menu - The menu of the controls a narrow box moves out of the bar (each with its name beside its icon).
 * @csspart secondary - The controls of the bar that a narrow box moves into the "More" menu.
 * @csspart icon - The icon (lucide) of a control or an indicator.
 * @csspart button-label - The name beside an icon in the "More" menu.
 * @csspart panel - The open panel (with `chat`, `participants`, `settings` or `shortcuts`): beside the grid, over it in a narrow box.
 * @csspart panel-header - Its heading row; `panel-title` the heading.
 * @csspart panel-title - A panel's heading.
 * @csspart close-button - Closes the panel (Escape does too; focus returns to the control that opened it).
 * @csspart shortcuts - The keyboard shortcuts panel (Alt+Shift+? or the button in the settings).
 * @csspart shortcuts-button - Opens it, in the settings panel.
 * @csspart shortcut-list - The list of keys and what they do.
 * @csspart pip-button - Picture-in-picture (`aria-pressed`): a small window with the speaker or the share and microphone, camera and leave controls (Document Picture-in-Picture; elsewhere the browser's video picture-in-picture with Media Session actions). Absent where the browser has neither.
 * @csspart hand-button - Raises and lowers the hand (`aria-pressed` is true while raised).
 * @csspart reaction-button - Opens the reaction picker.
 * @csspart reaction-menu - The reaction picker; each of its buttons has `reaction`.
 * @csspart reaction - One reaction in the picker.
 * @csspart reaction-float - A reaction floating over its sender's tile for about 3 s (still and shorter under `prefers-reduced-motion`).
 * @csspart hand - A raised hand with its place in the queue, on a tile and in the participants panel.
 * @csspart participants-button - Opens the participants panel; shows how many are in the call.
 * @csspart participants - The participants panel.
 * @csspart participant-list - Its list.
 * @csspart participant - One person in it (`local` for us, listed first).
 * @csspart participant-name - The name.
 * @csspart participant-state - Microphone, camera, link path and quality.
 * @csspart lower-hand-button - Lowers someone's hand (shown to hosts).
 * @csspart earlier-label - "Earlier messages": above the chat history a late joiner gets.
 * @csspart announcer - The one polite live region: joins, leaves, hands, shares and reactions, batched within a second ("3 people joined"); visually hidden. Errors use `role="alert"`.
 * @csspart status - A status line (joining, reconnecting, left).
 * @csspart error - The visible error message.
 * @csspart notice - A non-fatal message, e.g. joined without camera.
 * @csspart stage - The area holding the grid and the chat panel.
 * @csspart grid - The grid of participant tiles.
 * @csspart tile - One participant's tile, with `local` or `remote`, and `muted`, `camera-off`, `connecting`, `failed`, `relayed` as they apply. Remote tiles carry `data-path` (`direct`, `relay`) and `data-quality` (`good`, `fair`, `poor`).
 * @csspart video - The video in a tile.
 * @csspart avatar - Initials on a colour that comes from the name, shown while the camera is off.
 * @csspart name - The name label in a tile.
 * @csspart indicators - Microphone-off and camera-off icons (named for screen readers) and the connection state in a tile.
 * @csspart quality - Signal bars of a remote tile's link, with `data-level` (`good`, `fair`, `poor`); path, quality and the numbers in its name and in a tooltip on hover or focus.
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
 * @csspart message - One chat message (`earlier` when sent before we joined).
 * @csspart message-sender - The sender's name in a message.
 * @csspart message-time - The time of a message.
 * @csspart message-text - The text of a message (always plain text).
 * @csspart chat-form - The form to write a message.
 * @csspart chat-input - The message input.
 * @csspart chat-send - The Send button.
 *
 * @cssprop --meeting-room-accent - Accent: pressed controls, Join, the meter. Default `#0b57d0` light, `#a8c7fa` dark.
 * @cssprop --meeting-room-accent-contrast - Text and icons on the accent. Default `#fff` light, `#062e6f` dark.
 * @cssprop --meeting-room-background - Background of the element. Default `#f6f8fa` light, `#1b1c1f` dark.
 * @cssprop --meeting-room-color - Text color. Default `#1f2328` light, `#e8eaed` dark.
 * @cssprop --meeting-room-surface - Background of the round controls. Default `#e3e6ea` light, `#3c4043` dark.
 * @cssprop --meeting-room-danger - Errors, Leave, a microphone or camera that is off. Default `#c5221f` light, `#f28b82` dark.
 * @cssprop --meeting-room-danger-contrast - Icons on the danger colour. Default `#fff` light, `#410e0b` dark.
 * @cssprop --meeting-room-font - Font shorthand. Default `14px/1.4 system-ui, sans-serif`.
 * @cssprop --meeting-room-radius - Corner radius of the element. Default `12px`.
 * @cssprop --meeting-room-gap - Gap between tiles. Default `8px`.
 * @cssprop --meeting-room-tile-background - Tile background (behind a camera that is off). Default `#3c4043` light, `#2b2d31` dark.
 * @cssprop --meeting-room-tile-radius - Tile corner radius. Default `12px`.
 * @cssprop --meeting-room-button-radius - Button corner radius. Default `999px`.
 * @cssprop --meeting-room-focus-ring - Focus outline color. Default: the accent.
 * @cssprop --meeting-room-panel-background - Background of the panels and menus. Default `#fff` light, `#26282c` dark.
 * @cssprop --meeting-room-chat-width - Width of a panel beside the grid. Default `320px`.
 * @cssprop --meeting-room-quality-fair - Color of the signal bars of a fair link. Default `#fdd663`.
 * @cssprop --meeting-room-quality-poor - Color of the signal bars of a poor link. Default `#f28b82`.
 * @cssprop --meeting-room-height - Height of the element when the page gives it none. Default `560px`.
 * @cssprop --meeting-room-speaking - Color of the ring around a speaking person's tile. Default `#34a853`.
 *
 * @fires {MeetingRoomJoinedEvent} meeting-room-joined - The local participant is in the room.
 * @fires {MeetingRoomLeftEvent} meeting-room-left - The local participant left.
 * @fires {MeetingRoomParticipantJoinedEvent} meeting-room-participant-joined - Someone else joined.
 * @fires {MeetingRoomParticipantLeftEvent} meeting-room-participant-left - Someone else left.
 * @fires {MeetingRoomMediaChangedEvent} meeting-room-media-changed - A remote participant's microphone or camera went on or off, or the user toggled ours with a control button (`local` is then true).
 * @fires {MeetingRoomChatMessageEvent} meeting-room-chat-message - A chat message arrived (including our own, as echoed by the server).
 * @fires {MeetingRoomConnectionStateEvent} meeting-room-connection-state - The link to a peer changed state.
 * @fires {MeetingRoomDeviceChangeEvent} meeting-room-device-change - A camera, microphone or speaker changed: chosen (`reason: 'user'`), lost (`'lost'`; a stand-in took over, or `deviceId` is empty), or back (`'returned'`).
 * @fires {MeetingRoomScreenShareEvent} meeting-room-screen-share - A screen share started or stopped: `clientId`, `local`, `enabled`.
 * @fires {MeetingRoomActiveSpeakerEvent} meeting-room-active-speaker - The active speaker changed (after 1.5 s of dominance): `clientId`.
 * @fires {MeetingRoomHandEvent} meeting-room-hand - A hand went up or down: `clientId`, `raised`, `position` (1-based place in the queue, 0 when lowered).
 * @fires {MeetingRoomReactionEvent} meeting-room-reaction - A reaction: `clientId`, `emoji`.
 * @fires {MeetingRoomErrorEvent} meeting-room-error - Something failed; `code` and `message` say what.
 */
export class MeetingRoom extends LitElement {
  static override styles = styles;

  // Declared without decorators: the TypeScript decorator helper and Lit's
  // decorator modules weigh more than this table.
  static override properties = {
    errorMessage: { state: true },
    room: { reflect: true },
    signalUrl: { attribute: 'signal-url' },
    iceServers: { attribute: 'ice-servers' },
    iceTransportPolicy: { attribute: 'ice-transport-policy' },
    name: {},
    token: {},
    autojoin: { type: Boolean },
    skipPrejoin: { type: Boolean, attribute: 'skip-prejoin' },
    noRemember: { type: Boolean, attribute: 'no-remember' },
    permissionHelpHref: { attribute: 'permission-help-href' },
    shareHint: { attribute: 'share-hint' },
    layout: {},
    selfView: { attribute: 'self-view' },
    theme: { reflect: true },
    shortcuts: {},
    noAudio: { type: Boolean, attribute: 'no-audio' },
    noVideo: { type: Boolean, attribute: 'no-video' },
    lang: {},
    strings: { attribute: false },
    state: { reflect: true },
  };

  #view: CallView | undefined;
  /** Devices chosen with setDevice() before joining. */
  #chosen: Partial<Record<DeviceKind, DeviceChoice>> = {};
  #strings: MeetingRoomStrings = en;
  private errorMessage = '';

  /** Room to join: 1-64 of `A-Z a-z 0-9 _ -`. Required. Changing it while joined moves to the new room. */
  room = '';

  /**
   * WebSocket URL of the signaling server: absolute `ws:` or `wss:`, no `#fragment` (else an `invalid-attribute`
   * error at join). Default: `/ws` on the page's origin (`wss:` on https pages).
   */
  signalUrl = '';

  /** JSON array of RTCIceServer, merged with the servers the signaling server hands out. */
  iceServers = '';

  /** `all` (default) or `relay`: send every link through the TURN relay (hides IP addresses from peers). */
  iceTransportPolicy: RTCIceTransportPolicy = 'all';

  /** Display name shown to the others. */
  name = '';

  /** JWT for servers that require one (`MEETING_AUTH_SECRET`). */
  token = '';

  /** Join as soon as the element is connected, without the Join button (and without the pre-join view). */
  autojoin = false;

  /** Join straight away when Join is pressed, without the pre-join view (preview, name, devices). */
  skipPrejoin = false;

  /** Do not remember name, microphone and camera on/off and devices (localStorage key `meeting-room`). */
  noRemember = false;

  /** A page that explains how to allow camera and microphone, linked from the permission error. */
  permissionHelpHref = '';

  /**
   * `grid` (everyone the same size, as large as the box allows), `speaker`
   * (one large tile: the pinned one, a shared screen, or the active speaker;
   * the others in a strip), or `auto` (default: speaker view while a screen
   * is shared or a tile is pinned, grid otherwise).
   */
  layout: 'grid' | 'speaker' | 'auto' = 'auto';

  /** Our own video: `tile` (default, in the grid), `float` (a small overlay in a corner), `hidden`. */
  selfView: 'tile' | 'float' | 'hidden' = 'tile';

  /**
   * `dark` (the default: video reads better on dark), `light`, or `auto`
   * (follows the system's `prefers-color-scheme`). Every colour can still be
   * set through the `--meeting-room-*` custom properties.
   */
  theme: 'dark' | 'light' | 'auto' | undefined;

  /**
   * Keyboard shortcuts: `modifier` (default: Alt+Shift with M microphone,
   * V camera, C chat, S share, H hand, P participants, ? the list), `single`
   * (the letters alone, never while typing), or `off`. Holding Space talks
   * while muted (not in `off`).
   */
  shortcuts: 'off' | 'modifier' | 'single' = 'modifier';

  /** What a shared screen shows, for the encoder: `detail` (default: slides, documents), `text`, `motion` (video). */
  shareHint: 'detail' | 'text' | 'motion' = 'detail';

  /** Join with the microphone muted. */
  noAudio = false;

  /** Join with the camera off. */
  noVideo = false;

  /** UI language (BCP 47). Built in: `en`, `de`. Default: the nearest `lang` up the tree, else English. */
  // No initializer: an empty `lang` attribute would mean "unknown language" to assistive technology.
  override lang!: string;

  /** Overrides any UI string of the built-in table (see `MeetingRoomStrings`). */
  strings: Partial<MeetingRoomStrings> = {};

  /** The call's state, reflected for CSS: idle, prejoin, joining, joined, reconnecting, left, error. */
  state: MeetingRoomState = 'idle';

  /** The headless call while joined: for monitoring, or to build on. */
  get call(): Call | undefined {
    return this.#view?.call;
  }

  /** Our clientId in the room, once joining started. */
  get clientId(): string | undefined {
    return this.#view?.call?.clientId;
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
    if (changed.has('room') && changed.get('room') !== undefined && this.#view) {
      const inCall = this.#view.call !== undefined; // from a call straight into the next room
      this.leave();
      void this.#join(inCall);
    }
  }

  #handlePageHide = (): void => this.leave();

  /** Fetches the call's code and opens the signaling socket ahead of the click (pointer or focus on Join). */
  #handleIntent = (): void => {
    loadCallView()
      .then((module) => module.preconnect(this.#signalUrl()))
      .catch(() => {}); // a failed fetch, or a bad signal-url, shows when Join is pressed
  };

  #signalUrl(): string {
    return this.signalUrl || defaultSignalUrl(window.location);
  }

  /**
   * Does what the Join button does: shows the pre-join view (unless
   * `skip-prejoin` or `autojoin`), or, from the pre-join view, enters the
   * room. Fetches the call's code if it is not there yet; resolves once the
   * preview runs, or once media and signaling started.
   */
  join(): Promise<void> {
    return this.#join(false);
  }

  async #join(direct: boolean): Promise<void> {
    if (this.state === 'prejoin' && this.#view) return this.#view.enter();
    if (this.#view || this.state === 'joining') return;
    const problem = !ROOM_PATTERN.test(this.room)
      ? `room must be 1-64 of A-Z a-z 0-9 _ - (got "${this.room.slice(0, 80)}")`
      : this.iceTransportPolicy !== 'all' && this.iceTransportPolicy !== 'relay'
        ? `ice-transport-policy must be "all" or "relay" (got "${String(this.iceTransportPolicy).slice(0, 40)}")`
        : this.#checkSignalUrl();
    if (problem) return this.#fail('invalid-attribute', problem);
    this.errorMessage = '';
    this.state = 'joining';
    let module = callView;
    try {
      module ??= await loadCallView();
    } catch (error) {
      if (this.state !== 'joining') return;
      // The browser's message names the file that failed ("Failed to fetch dynamically imported module: …").
      return this.#fail(
        'load-failed',
        this.#strings.loadFailed,
        error instanceof Error ? error.message : String(error),
      );
    }
    // Left, taken off the page, or joined by a second join() that waited for the same fetch, meanwhile.
    if (this.state !== 'joining' || !this.isConnected || this.#view) return;
    const ice = this.iceServers.trim() ? module.parseIceServers(this.iceServers) : { ok: true as const, value: [] };
    if (!ice.ok) return this.#fail('invalid-attribute', ice.error);
    const view = new module.CallView(
      this,
      {
        strings: () => this.#strings,
        name: () => this.name,
        onState: (state) => (this.state = state),
        onFail: (code, message, cause) => {
          this.leave();
          this.#fail(code, message, cause);
        },
        leave: () => this.leave(),
      },
      {
        call: {
          signalUrl: this.#signalUrl(),
          room: this.room,
          ...(this.name ? { name: this.name } : {}),
          ...(this.token ? { token: this.token } : {}),
          iceServers: ice.value,
          iceTransportPolicy: this.iceTransportPolicy,
          audioEnabled: !this.noAudio,
          videoEnabled: !this.noVideo,
        },
        prejoin: !direct && !this.skipPrejoin && !this.autojoin,
        remember: !this.noRemember,
        helpHref: this.permissionHelpHref,
        preferred: this.#chosen,
        shareHint: this.shareHint === 'text' || this.shareHint === 'motion' ? this.shareHint : 'detail',
        layout: () => (this.layout === 'grid' || this.layout === 'speaker' ? this.layout : 'auto'),
        selfView: () => (this.selfView === 'float' || this.selfView === 'hidden' ? this.selfView : 'tile'),
        shortcuts: () => (this.shortcuts === 'off' || this.shortcuts === 'single' ? this.shortcuts : 'modifier'),
      },
    );
    this.#view = view;
    this.requestUpdate(); // the pre-join view or the stage replaces the lobby
    await view.start();
  }

  /**
   * Leaves the room: LEAVE is sent, tracks stopped, links and socket closed.
   * From the pre-join view: the preview stops and the lobby returns.
   */
  leave(): void {
    const view = this.#view;
    if (!view) {
      if (this.state === 'joining') this.state = 'left'; // still fetching the call's code
      return;
    }
    this.#view = undefined;
    view.leave();
    if (!view.call) {
      if (this.state !== 'error') this.state = 'idle';
      return;
    }
    if (this.state !== 'error') this.state = 'left';
    this.dispatchEvent(new MeetingRoomLeftEvent(view.call.room));
  }

  /** Turns the microphone on or off (tells the room; fires no event on this element). */
  setMicrophone(on: boolean): void {
    this.#view?.call?.setAudioEnabled(on);
  }

  /** Turns the camera on or off (tells the room; fires no event on this element); off stops the camera. */
  setCamera(on: boolean): void {
    void this.#view?.call?.setVideoEnabled(on);
  }

  /** Sends a chat message; false when it cannot be sent (empty, too long, not in a room). */
  sendChat(text: string): boolean {
    return this.#view?.call?.sendChat(text) ?? false;
  }

  /**
   * Shares a screen, window or tab (the browser asks which); every link sends
   * it without an offer. Resolves false when cancelled or not in a room. A
   * newer share by someone else ends ours.
   */
  async startShare(): Promise<boolean> {
    const view = this.#view;
    if (!view?.call || view.call.screenTrack) return view?.call?.screenTrack !== undefined;
    return view.toggleShare();
  }

  /** Stops our screen share. */
  stopShare(): void {
    this.#view?.call?.stopShare();
  }

  /** Raises our hand (our place in the queue comes from the server); false when not in a room. */
  raiseHand(): boolean {
    return this.#view?.call?.raiseHand() ?? false;
  }

  /** Lowers our hand, or, with a token whose role is `host`, someone else's (`clientId`). */
  lowerHand(clientId?: string): boolean {
    return this.#view?.call?.lowerHand(clientId) ?? false;
  }

  /** Sends a reaction: one of 👍 👏 😂 ❤️ 🎉 😮 🙌 👋 (at most 2 per 5 s); false when not in a room. */
  react(emoji: Reaction): boolean {
    return this.#view?.call?.react(emoji) ?? false;
  }

  /**
   * The cameras, microphones and speakers the browser lists, with the ones in
   * use (or chosen for the next join) marked `selected`. Labels are empty
   * until the page has had camera or microphone permission.
   */
  async getDevices(): Promise<DeviceInfo[]> {
    if (this.#view) return this.#view.devices.list();
    return (await loadCallView()).listDevices(this.#chosen);
  }

  /**
   * Uses a camera (`videoinput`), microphone (`audioinput`) or speaker
   * (`audiooutput`) by id: at once in the pre-join view or the call (the
   * others keep receiving, no renegotiation), or for the next join. Rejects
   * with a `NotFoundError` for an id the browser does not list, or the
   * capture's error (the old device stays in use).
   */
  async setDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (this.#view) return this.#view.setDevice(kind, deviceId);
    this.#chosen = await (await loadCallView()).chooseDevice(this, kind, deviceId, this.#chosen, !this.noRemember);
  }

  /** The WebSocket constructor's own rules: an absolute ws: or wss: URL without a fragment (an empty one too). */
  #checkSignalUrl(): string | undefined {
    try {
      if (!this.signalUrl || /^wss?:[^#]*$/.test(new URL(this.signalUrl).href)) return undefined;
    } catch {
      // not a URL
    }
    return 'signal-url must be an absolute ws: or wss: URL, without a #fragment';
  }

  #fail(code: MeetingRoomErrorCode, message: string, cause?: string): void {
    this.errorMessage = message;
    this.state = 'error';
    this.dispatchEvent(new MeetingRoomErrorEvent(code, message, cause));
  }

  override render() {
    return this.#view && this.state !== 'left' && this.state !== 'error' ? this.#view.render() : this.renderLobby();
  }

  private renderLobby() {
    const t = this.#strings;
    const status = this.state === 'joining' ? t.joining : this.state === 'left' ? t.left : '';
    return html`<div part="lobby">
      ${this.room ? html`<p part="room-name">${this.room}</p>` : nothing}
      ${this.errorMessage ? html`<p part="error" role="alert">${this.errorMessage}</p>` : nothing}
      ${status ? html`<p part="status" role="status">${status}</p>` : nothing}
      <button
        part="button join-button"
        type="button"
        ?disabled=${this.state === 'joining'}
        @pointerenter=${this.#handleIntent}
        @focus=${this.#handleIntent}
        @click=${() => void this.join()}
      >
        ${this.state === 'idle' || this.state === 'joining' ? t.join : t.joinAgain}
      </button>
    </div>`;
  }
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
