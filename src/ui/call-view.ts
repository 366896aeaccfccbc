/**
 * The call as the element shows it: the view that owns the
 * headless `Call`, turns its events into the element's DOM events, and renders
 * the stage (tiles, controls, chat). This module is the entry of the chunk the
 * element loads on the first sign of intent to join (see `meeting-room.ts`):
 * a page that only shows the Join button never downloads the call core.
 */
import { adoptStyles, html, nothing, type ReactiveControllerHost, type ReactiveElement } from 'lit';
import { AudioLevel } from '../core/audio-level.js';
import {
  Call,
  type CallError,
  type CallOptions,
  type CallState,
  type ChatEntry,
  type Participant,
} from '../core/call.js';
import {
  checkKind,
  LocalDevices,
  type DeviceChange,
  type DeviceChoice,
  type DeviceFailure,
  type DeviceInfo,
  type DeviceKind,
} from '../core/devices.js';
import { deviceOf, mediaMessage, mediaProblemOf, type MediaProblem } from '../core/messages.js';
import type { Reaction } from '../protocol/index.js';
import { preconnect } from '../core/signaling-client.js';
import { callStyles } from './call-view.styles.js';
import {
  MeetingRoomActiveSpeakerEvent,
  MeetingRoomChatMessageEvent,
  MeetingRoomConnectionStateEvent,
  MeetingRoomDeviceChangeEvent,
  MeetingRoomHandEvent,
  MeetingRoomJoinedEvent,
  MeetingRoomMediaChangedEvent,
  MeetingRoomParticipantJoinedEvent,
  MeetingRoomParticipantLeftEvent,
  MeetingRoomReactionEvent,
  MeetingRoomScreenShareEvent,
} from './call-events.js';
import { MeetingRoomErrorEvent, type MeetingRoomErrorCode } from './event-base.js';
import { loadPreferences, rememberDevice, savePreferences, tokenClaims, type Preferences } from './preferences.js';
import type { Pip, PipView } from './pip.js';
import { isHoldToTalk, shortcutOf, SHORTCUT_KEYS, type ShortcutMode } from './shortcuts.js';
import { X } from './views/icons.js';
import { iconButton } from './views/controls.js';
import type { MeetingRoomStrings } from './strings.js';
import { chat } from './views/chat.js';
import { controls } from './views/controls.js';
import { devicePickers } from './views/devices.js';
import { participantsPanel } from './views/participants.js';
import { prejoin } from './views/prejoin.js';
import { pipWindow } from './views/pip-window.js';
import { reactionMenu } from './views/reactions.js';
import { gridGeometry } from './layout.js';
import { localTile, presentingTile, remoteTile, screenTile, type TileExtras } from './views/tiles.js';

export { parseIceServers } from '../core/ice-servers.js';
export { preconnect } from '../core/signaling-client.js';

/** The element as the call view sees it. */
export type CallViewHost = ReactiveControllerHost &
  HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/** What the element gives the view besides itself. */
export interface CallViewHooks {
  /** The element's current UI strings (they change with `lang` and `strings`). */
  strings: () => MeetingRoomStrings;
  /** The local display name. */
  name: () => string;
  /** The view moved to pre-join, or the call to joining, joined or reconnecting. */
  onState: (state: 'prejoin' | 'joining' | 'joined' | 'reconnecting') => void;
  /** The call ended by itself (refused, unreachable while joining): the element shows why and leaves. */
  onFail: (code: MeetingRoomErrorCode, message: string, cause?: string) => void;
  /** The Leave control was pressed. */
  leave: () => void;
}

/** How the element wants the call: its options, and how to get there. */
export interface CallViewOptions {
  /** The call's options (name, microphone and camera are the starting point the pre-join view may change). */
  call: CallOptions;
  /** Show the pre-join view first (else join at once). */
  prejoin: boolean;
  /** Remember name, toggles and devices in localStorage. */
  remember: boolean;
  /** `permission-help-href`: shown with a permission error. */
  helpHref: string;
  /** Devices chosen with setDevice() before joining, over the remembered ones. */
  preferred: Partial<Record<DeviceKind, DeviceChoice>>;
  /** `share-hint`: the content hint of a shared screen's track. */
  shareHint: 'detail' | 'text' | 'motion';
  /** `layout`: grid, speaker, or auto (speaker view while a share is on or a tile is pinned). */
  layout: () => 'grid' | 'speaker' | 'auto';
  /** `self-view`: our own tile in the grid, floating in a corner, or not shown. */
  selfView: () => 'tile' | 'float' | 'hidden';
  /** `shortcuts`: Alt+Shift letters, single letters, or none. */
  shortcuts: () => ShortcutMode;
}

type Panel = 'chat' | 'settings' | 'participants' | 'shortcuts';

/** With several elements on a page, the keyboard drives the one last joined, clicked or focused. */
let keyTarget: Element | undefined;

const TOAST_MS = 5000;
/** How long a reaction floats over its tile (shorter, and still, under prefers-reduced-motion). */
const REACTION_MS = 3000;
const REACTION_STILL_MS = 1500;
/** Announcements that arrive within this window are read as one. */
const ANNOUNCE_BATCH_MS = 1000;
const METER_MS = 100;
/** `media-denied`, `media-not-found`, `media-busy`, `media-overconstrained`; `media` for the rest. */
const errorCode = (problem: MediaProblem) =>
  (problem === 'insecure' || problem === 'failed'
    ? 'media'
    : `media-${problem.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`) as MeetingRoomErrorCode;

/** The devices a person can see in a list: the browser's, or, before any permission, none. */
export async function listDevices(preferred: Partial<Record<DeviceKind, DeviceChoice>>): Promise<DeviceInfo[]> {
  const devices = new LocalDevices({ preferred: { ...loadPreferences().devices, ...preferred } });
  try {
    return await devices.list();
  } finally {
    devices.stop();
  }
}

/**
 * A device chosen before joining (the element's setDevice() in the lobby):
 * checked against the browser's list, remembered, announced. Returns the
 * choices with it, for the next join.
 */
export async function chooseDevice(
  host: HTMLElement,
  kind: DeviceKind,
  deviceId: string,
  chosen: Partial<Record<DeviceKind, DeviceChoice>>,
  remember: boolean,
): Promise<Partial<Record<DeviceKind, DeviceChoice>>> {
  checkKind(kind);
  const device = (await listDevices(chosen)).find((d) => d.kind === kind && d.deviceId === deviceId);
  if (!device)
    throw new DOMException(
      `No ${String(kind).slice(0, 40)} device with id "${String(deviceId).slice(0, 80)}"`,
      'NotFoundError',
    );
  const choice = { deviceId, label: device.label };
  if (remember) rememberDevice(kind, choice);
  host.dispatchEvent(new MeetingRoomDeviceChangeEvent(kind, deviceId, device.label, 'user'));
  return { ...chosen, [kind]: choice };
}

export class CallView {
  /** The call, once the person entered (undefined in the pre-join view). */
  call: Call | undefined;
  #host: CallViewHost;
  #hooks: CallViewHooks;
  #options: CallViewOptions;
  #devices: LocalDevices;
  #deviceList: DeviceInfo[] = [];
  #started: Promise<void> | undefined;
  #phase: 'prejoin' | 'call' | 'left' = 'prejoin';
  #name: string;
  #nameLocked: boolean;
  #micOn: boolean;
  /** The camera's track alone, for the preview (a new stream when the track changes). */
  #preview: MediaStream | undefined;
  #problem = '';
  /** The camera and microphone of the pre-join view are starting; the camera was asked for. */
  #starting = false;
  #cameraWanted: boolean;
  #toast = '';
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  #meter: AudioLevel | undefined;
  #meterTimer: ReturnType<typeof setInterval> | undefined;
  /** The participants as last rendered, to tell what an update changed. */
  #participants: Participant[] = [];
  #panel: Panel | undefined;
  #reactionMenu = false;
  /** The "More" menu of a narrow box. */
  #more = false;
  /** The microphone is on while Space is held (it was off). */
  #holding = false;
  /** The latest reaction of each member, while it floats. */
  #reactions = new Map<string, { id: number; emoji: string; timer: ReturnType<typeof setTimeout> }>();
  #reactionIds = 0;
  /** Texts for the polite live region, read in batches. */
  #announcements: [text: string, kind: number][] = [];
  #announced = '';
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  /** The token's role is `host`: may lower others' hands (the server checks it). */
  #isHost = false;
  #unread = 0;
  /** The pinned tile: a clientId, or `screen:<clientId>` for a shared screen. */
  #pinned: string | undefined;
  // The geometry is applied in the next frame: applied in the observer's callback, a tile size that changes the box
  // again (a scrollbar in a small box) is a "ResizeObserver loop" error on the page.
  #resize = new ResizeObserver(() => requestAnimationFrame(() => this.#phase === 'call' && this.#applyGeometry()));
  #observed: Element | undefined;
  #soundBlocked = false;
  #notice = '';
  /** Ends the listeners on the page, the window and the element at leave(). */
  #listening = new AbortController();
  /** Picture-in-picture while open (its code is a chunk of its own, fetched on first reach). */
  #pip: Pip | undefined;
  #pipModule: Promise<typeof import('./pip.js')> | undefined;

  constructor(host: CallViewHost, hooks: CallViewHooks, options: CallViewOptions) {
    this.#host = host;
    this.#hooks = hooks;
    this.#options = options;
    adoptCallStyles(host);
    const remembered: Preferences = options.remember ? loadPreferences() : {};
    const claims = options.call.token ? tokenClaims(options.call.token) : {};
    const fromToken = claims.name;
    this.#nameLocked = fromToken !== undefined;
    this.#isHost = claims.role === 'host';
    this.#name = fromToken ?? (options.call.name || remembered.name || '');
    // The page's no-audio / no-video win; otherwise what the person chose in the pre-join view last time.
    const last = options.prejoin ? remembered : {};
    this.#micOn = options.call.audioEnabled && (last.audio ?? true);
    const cameraOn = (this.#cameraWanted = options.call.videoEnabled && (last.video ?? true));
    this.#devices = new LocalDevices({
      audio: options.call.requestMedia !== false,
      video: cameraOn,
      preferred: { ...remembered.devices, ...options.preferred },
    });
    this.#devices.on('track', this.#handleTrack);
    this.#devices.on('change', (change) => {
      if (this.#phase === 'prejoin') this.#handleDeviceChange(change);
    });
    this.#devices.on('failure', (failure) => {
      if (this.#phase === 'prejoin') this.#handleFailure(failure);
    });
    this.#devices.on('devices', () => void this.#refreshDevices());
    const listen = { signal: this.#listening.signal };
    host.addEventListener('keydown', this.#handleKey, listen);
    document.addEventListener('fullscreenchange', this.#handleFullscreen, listen);
  }

  /** The local devices (pre-join and call). */
  get devices(): LocalDevices {
    return this.#devices;
  }

  /** Shows the pre-join view and starts the preview, or joins at once (no pre-join). */
  async start(): Promise<void> {
    if (!this.#options.prejoin) return this.enter();
    this.#hooks.onState('prejoin');
    this.#preconnect(); // "Join now" then skips the socket's opening
    this.#starting = true;
    this.#started = this.#devices.start().then(async () => {
      this.#starting = false;
      if (this.#phase !== 'prejoin') return; // left, or joined meanwhile: the call took the devices over
      const audio = this.#devices.audioTrack;
      if (audio) audio.enabled = this.#micOn;
      await this.#refreshDevices();
      this.#startMeter();
    });
    this.#update();
    await this.#started;
    this.#update();
  }

  /** Leaves the pre-join view for the room: the call sends the preview's tracks. */
  async enter(): Promise<void> {
    if (this.#phase !== 'prejoin') return;
    this.#phase = 'call';
    this.#stopMeter();
    // "Join now" while the preview's camera still starts: the call joins at once and sends the camera when it
    // delivers (Call.join), as it does without a pre-join view.
    const cameraOn = this.#starting
      ? this.#cameraWanted
      : this.#devices.videoTrack !== undefined || !this.#options.prejoin;
    if (this.#options.remember) {
      savePreferences({
        ...(this.#nameLocked ? {} : { name: this.#name }),
        ...(this.#options.prejoin ? { audio: this.#micOn, video: cameraOn } : {}),
      });
    }
    const name = this.#name.trim();
    const call = (this.call = new Call({
      ...this.#options.call,
      ...(name ? { name } : {}),
      audioEnabled: this.#micOn,
      videoEnabled: cameraOn,
      devices: this.#devices,
    }));
    const host = this.#host;
    call.on('state', this.#handleState);
    call.on('joined', ({ room, clientId }) => this.#fire(new MeetingRoomJoinedEvent(room, clientId)));
    call.on('participant-joined', (p) => {
      const t = this.#hooks.strings();
      this.#participants = call.participants;
      // Those already in the room when we arrive are not news.
      if (call.state === 'joined') this.#announce(t.joinedNamed(p.name || t.guest), 1);
      this.#update();
      this.#fire(new MeetingRoomParticipantJoinedEvent(p));
    });
    call.on('participant-left', (p) => {
      const t = this.#hooks.strings();
      this.#participants = call.participants;
      this.#announce(t.leftNamed(p.name || t.guest), 2);
      this.#update();
      this.#fire(new MeetingRoomParticipantLeftEvent(p));
    });
    call.on('participant-updated', this.#handleParticipantUpdated);
    call.on('local-media', () => this.#update());
    call.on('device-change', this.#handleDeviceChange);
    call.on('chat', this.#handleChat);
    call.on('hand', this.#handleHand);
    call.on('reaction', this.#handleReaction);
    call.on('screen-share', this.#handleShare);
    call.on('speaking', () => this.#update());
    call.on('active-speaker', ({ clientId }) => {
      this.#update();
      this.#fire(new MeetingRoomActiveSpeakerEvent(clientId));
    });
    call.on('muted-speech', () => this.#showToast(this.#hooks.strings().youAreMuted));
    call.on('error', this.#handleError);
    const listen = { signal: this.#listening.signal };
    document.addEventListener('keydown', this.#handleShortcut, listen);
    document.addEventListener('keyup', this.#handleKeyUp, listen);
    document.addEventListener('visibilitychange', this.#handleVisibility, listen);
    window.addEventListener('blur', this.#releaseSpace, listen);
    host.addEventListener('pointerdown', this.#takeKeys, listen);
    host.addEventListener('focusin', this.#takeKeys, listen);
    keyTarget = this.#host;
    this.#update();
    await call.join();
  }

  /** Leaves: the call (LEAVE sent, links and socket closed) or the preview; every track stopped. */
  leave(): void {
    this.#phase = 'left';
    this.#stopMeter();
    clearTimeout(this.#toastTimer);
    clearTimeout(this.#announceTimer);
    for (const { timer } of this.#reactions.values()) clearTimeout(timer);
    this.#resize.disconnect();
    this.#pip?.close();
    this.#listening.abort(); // every page, window and element listener added in the constructor and enter()
    if (keyTarget === this.#host) keyTarget = undefined;
    this.call?.leave();
    this.#devices.stop();
  }

  /** Uses a device (the pickers and the element's setDevice()). */
  async setDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    await this.#devices.setDevice(kind, deviceId);
  }

  #handleTrack = ({ kind, track }: { kind: string; track: MediaStreamTrack | undefined }): void => {
    if (kind === 'videoinput') this.#preview = track ? new MediaStream([track]) : undefined;
    if (kind === 'audioinput' && this.#phase === 'prejoin') {
      if (track) track.enabled = this.#micOn;
      else this.#micOn = false;
      this.#startMeter();
    }
    this.#update();
  };

  /** A device changed: the page hears of it, the person is told of what they did not do, the choice is kept. */
  #handleDeviceChange = (change: DeviceChange): void => {
    const t = this.#hooks.strings();
    this.#fire(new MeetingRoomDeviceChangeEvent(change.kind, change.deviceId, change.label, change.reason));
    if (change.reason === 'user') {
      if (this.#options.remember) rememberDevice(change.kind, { deviceId: change.deviceId, label: change.label });
      if (change.kind !== 'audiooutput') this.#problem = '';
    } else if (change.label) {
      this.#showToast(t.nowUsing(change.label)); // a stand-in, or the chosen device back
    } else if (change.kind !== 'audiooutput') {
      this.#showToast(change.kind === 'audioinput' ? t.micLost : t.cameraLost);
    }
    if (change.kind === 'audiooutput') this.#applySinkEverywhere();
    void this.#refreshDevices();
  };

  #handleFailure = (failure: DeviceFailure): void => {
    const t = this.#hooks.strings();
    const device = deviceOf(failure);
    this.#problem = t.media(failure.problem, device);
    this.#update();
    this.#fire(
      new MeetingRoomErrorEvent(
        errorCode(failure.problem),
        mediaMessage(failure.problem, device),
        failure.name,
        device,
      ),
    );
  };

  async #refreshDevices(): Promise<void> {
    this.#deviceList = await this.#devices.list();
    this.#update();
  }

  #showToast(text: string): void {
    this.#toast = text;
    clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => {
      this.#toast = '';
      this.#update();
    }, TOAST_MS);
    this.#update();
  }

  /** The meter of the pre-join view: the level of the microphone, ten times a second, straight into the DOM. */
  #startMeter(): void {
    this.#stopMeter();
    const track = this.#devices.audioTrack;
    if (!track || this.#phase !== 'prejoin') return;
    const meter = (this.#meter = new AudioLevel(track));
    this.#meterTimer = setInterval(() => {
      const element = this.#host.renderRoot.querySelector<HTMLElement>('[part~="mic-level"]');
      const value = String(Math.round((track.enabled ? meter.level : 0) * 100));
      if (!element || element.getAttribute('aria-valuenow') === value) return;
      element.setAttribute('aria-valuenow', value);
      element.style.setProperty('--level', `${value}%`);
    }, METER_MS);
  }

  #stopMeter(): void {
    clearInterval(this.#meterTimer);
    this.#meter?.close();
    this.#meter = undefined;
  }

  /** Sends the sound of a media element to the chosen speaker. */
  #applySink = (element: Element | undefined): void => {
    const sinkId = this.#devices.sinkId;
    if (element instanceof HTMLMediaElement && 'setSinkId' in element && element.sinkId !== sinkId) {
      element.setSinkId(sinkId).catch(() => {}); // a speaker gone meanwhile: the devicechange handling follows
    }
  };

  #applySinkEverywhere(): void {
    for (const media of this.#host.renderRoot.querySelectorAll('video[data-remote]')) this.#applySink(media);
  }

  /** A short tone on the chosen speaker. */
  #testSound = (): void => {
    const context = new AudioContext();
    const tone = context.createOscillator();
    const gain = context.createGain();
    const out = context.createMediaStreamDestination();
    tone.frequency.value = 660;
    gain.gain.value = 0.2;
    tone.connect(gain).connect(out);
    const audio = new Audio();
    audio.srcObject = out.stream;
    this.#applySink(audio);
    tone.start();
    void audio.play().catch(() => {});
    setTimeout(() => {
      tone.stop();
      audio.srcObject = null;
      void context.close();
    }, 900);
  };

  #selectDevice = (kind: DeviceKind, deviceId: string): void => {
    this.setDevice(kind, deviceId).catch(() => {}); // a failure shows through the failure event
  };

  /** A control button toggled the microphone or camera: the page hears of it (a method call fires nothing). */
  #toggle = (kind: 'mic' | 'camera'): void => {
    const call = this.call;
    if (!call) {
      if (kind === 'mic') {
        this.#micOn = !this.#micOn;
        const audio = this.#devices.audioTrack;
        if (audio) audio.enabled = this.#micOn;
        this.#update();
      } else {
        void this.#devices.setCamera(this.#devices.videoTrack === undefined);
      }
      return;
    }
    const done = () => this.#mediaChanged(call);
    if (kind === 'mic') {
      call.setAudioEnabled(!call.audioEnabled);
      done();
    } else {
      void call.setVideoEnabled(!call.videoEnabled).then(done);
    }
  };

  #update(): void {
    this.#host.requestUpdate();
  }

  /** Opens the signaling socket ahead of "Join now" (again, if the server closed it: a long look at the preview). */
  #preconnect = (): void => preconnect(this.#options.call.signalUrl);

  /** Dispatches one of the element's events on it. */
  #fire(event: Event): void {
    this.#host.dispatchEvent(event);
  }

  #handleState = (state: CallState): void => {
    if (state === 'joined' || state === 'reconnecting' || state === 'joining') this.#hooks.onState(state);
    this.#update();
  };

  #handleParticipantUpdated = (p: Participant): void => {
    const before = this.#participants.find((x) => x.clientId === p.clientId);
    this.#participants = this.call?.participants ?? [];
    this.#update();
    if (!before) return;
    if (before.audioEnabled !== p.audioEnabled || before.videoEnabled !== p.videoEnabled) {
      this.#fire(new MeetingRoomMediaChangedEvent(p.clientId, false, p.audioEnabled, p.videoEnabled));
    }
    if (before.connectionState !== p.connectionState || before.iceConnectionState !== p.iceConnectionState) {
      this.#fire(new MeetingRoomConnectionStateEvent(p.clientId, p.connectionState, p.iceConnectionState));
    }
  };

  #handleChat = (message: ChatEntry): void => {
    // Messages from before we joined are history, not news: they do not count as unread.
    if (this.#panel !== 'chat' && !message.earlier) this.#unread++;
    this.#update();
    this.#fire(new MeetingRoomChatMessageEvent(message));
  };

  /** A display name for a member (ours too). */
  #nameOf(clientId: string): string {
    const t = this.#hooks.strings();
    if (clientId === this.call?.clientId) return t.you(this.#name || t.guest);
    return this.#participants.find((p) => p.clientId === clientId)?.name || t.guest;
  }

  /** 1-based place of a member's raised hand in the queue everyone sees, 0 when down. */
  #handPosition(clientId: string): number {
    return (this.call?.hands.findIndex((h) => h.clientId === clientId) ?? -1) + 1;
  }

  #handleHand = ({ clientId, raised, by }: { clientId: string; raised: boolean; by?: string }): void => {
    const t = this.#hooks.strings();
    this.#update();
    const own = clientId === this.call?.clientId;
    if (raised && !own) this.#announce(t.handRaised(this.#nameOf(clientId)));
    if (!raised && own && by !== undefined) this.#announce(t.handLoweredByHost);
    this.#fire(new MeetingRoomHandEvent(clientId, raised, this.#handPosition(clientId)));
  };

  #handleReaction = ({ clientId, emoji }: { clientId: string; emoji: Reaction }): void => {
    const t = this.#hooks.strings();
    clearTimeout(this.#reactions.get(clientId)?.timer);
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    const timer = setTimeout(
      () => {
        this.#reactions.delete(clientId);
        this.#update();
      },
      still ? REACTION_STILL_MS : REACTION_MS,
    );
    this.#reactions.set(clientId, { id: ++this.#reactionIds, emoji, timer });
    this.#announce(t.reactionFrom(this.#nameOf(clientId), emoji));
    this.#update();
    this.#fire(new MeetingRoomReactionEvent(clientId, emoji));
  };

  /**
   * Queues a text for the polite live region; texts within a second are read
   * together, and several joins (kind 1) or leaves (kind 2) as one count: "3 people joined".
   */
  #announce(text: string, kind = 0): void {
    this.#announcements.push([text, kind]);
    this.#announceTimer ??= setTimeout(() => {
      this.#announceTimer = undefined;
      const t = this.#hooks.strings();
      const batch = this.#announcements.splice(0);
      const texts = batch.filter(([, k]) => !k).map(([text]) => text);
      for (const [k, many] of [
        [1, t.peopleJoined],
        [2, t.peopleLeft],
      ] as const) {
        const some = batch.filter(([, x]) => x === k);
        if (some.length) texts.push(some.length > 1 ? many(some.length) : some[0]![0]);
      }
      this.#announced = texts.join('. ');
      this.#update();
    }, ANNOUNCE_BATCH_MS);
  }

  #extras(clientId: string, focus: string | undefined, tile = clientId): TileExtras {
    const reaction = this.#reactions.get(clientId);
    return {
      hand: this.#handPosition(clientId),
      speaking: this.call?.isSpeaking(clientId) ?? false,
      reaction: reaction && { id: reaction.id, emoji: reaction.emoji },
      pinned: this.#pinned === tile,
      focus: focus === tile,
      pin: () => this.#togglePin(tile),
    };
  }

  #togglePin(tile: string): void {
    this.#pinned = this.#pinned === tile ? undefined : tile;
    this.#update();
  }

  #handleFullscreen = (): void => this.#update();

  #preparePip = () =>
    (this.#pipModule ??= import('./pip.js').catch((error: unknown) => {
      this.#pipModule = undefined; // a failed fetch is tried again on the next reach
      throw error;
    }));

  /** Opens or closes picture-in-picture (the button's click: within its user activation). */
  #togglePip = async (): Promise<void> => {
    if (this.#pip) return this.#pip.close();
    try {
      const { openPip } = await this.#preparePip();
      const host = this.#host.constructor as typeof ReactiveElement;
      const sheets = [...host.elementStyles, callStyles].map((s) => ('cssText' in s ? s.cssText : ''));
      const t = this.#hooks.strings();
      const on = {
        toggle: this.#toggle,
        leave: this.#hooks.leave,
        closed: () => {
          if (this.#pip === pip) this.#pip = undefined;
          this.#update();
        },
      };
      const pip = await openPip(this.#host, t, sheets.join('').replace(/:host/g, 'body'), this.#pipView(), on, (v) =>
        pipWindow(t, v, on),
      );
      if (this.#phase === 'left') return pip.close();
      this.#pip = pip;
      this.#update();
    } catch (error) {
      this.#showToast(String((error as Error).message ?? error));
    }
  };

  /** What picture-in-picture shows: a share, else the active speaker, else the first other person, else us. */
  #pipView(): PipView {
    const call = this.call!;
    const t = this.#hooks.strings();
    const sharer = this.#participants.find((p) => p.screenSharing && p.screenStream);
    const speaker = this.#participants.find((p) => p.clientId === call.activeSpeaker) ?? this.#participants[0];
    const shown = sharer
      ? { label: t.screenOf(sharer.name || t.guest), stream: sharer.screenStream, video: true }
      : speaker
        ? { label: speaker.name || t.guest, stream: speaker.stream, video: speaker.videoEnabled }
        : { label: this.#name || this.#hooks.name(), stream: call.localStream, video: call.videoEnabled };
    return {
      ...shown,
      micOn: call.audioEnabled,
      cameraOn: call.videoEnabled,
      hasMic: call.hasAudio,
      hasCamera: call.hasVideo,
    };
  }

  /** Escape closes what is open, innermost first, and gives focus back to what opened it; then unpins. */
  #handleKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    if (this.#reactionMenu) this.#closeTo('reaction-button', () => (this.#reactionMenu = false));
    else if (this.#more) this.#closeTo('more-button', () => (this.#more = false));
    else if (this.#panel) this.#closePanel();
    else if (this.#pinned !== undefined) this.#pinned = undefined;
    else return;
    this.#update();
  };

  /**
   * Closes something, then focuses the first visible button with `part`, or
   * "More" when a narrow box moved that button into its menu.
   */
  #closeTo(part: string, close: () => void): void {
    close();
    this.#update();
    void this.#host.updateComplete.then(() => {
      const buttons = this.#host.renderRoot.querySelectorAll<HTMLElement>(`[part~="${part}"],[part~="more-button"]`);
      [...buttons].find((b) => b.offsetParent !== null)?.focus();
    });
  }

  #closePanel = (): void => {
    const panel = this.#panel;
    if (panel)
      this.#closeTo(panel === 'shortcuts' ? 'more-button' : `${panel}-button`, () => (this.#panel = undefined));
  };

  /** On a phone (a coarse pointer), a hidden page pauses our camera for the room; a desktop tab switch does not. */
  #handleVisibility = (): void => {
    this.call?.setBackground(document.hidden && matchMedia('(pointer: coarse)').matches);
  };

  #takeKeys = (): void => {
    keyTarget = this.#host;
  };

  #handleShortcut = (event: KeyboardEvent): void => {
    const call = this.call;
    if (!call || call.state === 'left' || keyTarget !== this.#host) return;
    const mode = this.#options.shortcuts();
    if (!call.audioEnabled && !event.repeat && isHoldToTalk(event, mode)) {
      event.preventDefault();
      this.#holding = true;
      call.setAudioEnabled(true);
      this.#mediaChanged(call);
      return;
    }
    if (this.#holding && event.code === 'Space') event.preventDefault(); // no scrolling while held
    const action = shortcutOf(event, mode);
    if (!action) return;
    event.preventDefault();
    if (action === 'mic' || action === 'camera') this.#toggle(action);
    else if (action === 'share') void this.toggleShare();
    else if (action === 'hand') this.#toggleHand();
    else this.#togglePanel(action === 'help' ? 'shortcuts' : action);
  };

  #handleKeyUp = (event: KeyboardEvent): void => {
    if (event.code === 'Space') this.#releaseSpace();
  };

  #releaseSpace = (): void => {
    if (!this.#holding || !this.call) return;
    this.#holding = false;
    this.call.setAudioEnabled(false);
    this.#mediaChanged(this.call);
  };

  #mediaChanged(call: Call): void {
    this.#fire(new MeetingRoomMediaChangedEvent(call.clientId, true, call.audioEnabled, call.videoEnabled));
  }

  /**
   * The large tile of the speaker view: the pinned one, else a shared screen
   * (ours: "You are presenting"), else the active speaker, else the first
   * remote participant. Undefined: the grid.
   */
  #focus(): string | undefined {
    const call = this.call;
    if (!call) return undefined;
    const tiles = new Set([call.clientId, ...this.#participants.map((p) => p.clientId)]);
    const sharer = this.#participants.find((p) => p.screenSharing && p.screenStream);
    if (sharer) tiles.add(`screen:${sharer.clientId}`);
    if (call.screenTrack) tiles.add(`screen:${call.clientId}`);
    if (this.#pinned !== undefined && !tiles.has(this.#pinned)) this.#pinned = undefined; // that tile is gone
    const layout = this.#options.layout();
    const share = call.screenTrack ? `screen:${call.clientId}` : sharer && `screen:${sharer.clientId}`;
    if (layout === 'grid' || (layout === 'auto' && this.#pinned === undefined && share === undefined)) return undefined;
    const speaker = call.activeSpeaker;
    return (
      this.#pinned ??
      share ??
      (speaker !== undefined && tiles.has(speaker) ? speaker : undefined) ??
      this.#participants[0]?.clientId ??
      call.clientId
    );
  }

  /**
   * Sizes the grid's tiles to the largest that fit the box for their number
   * (see layout.ts), through custom properties set with CSSOM (no inline
   * style attribute: strict CSP pages stay clean). Runs after each render and
   * whenever the box changes size.
   */
  #applyGeometry(): void {
    const grid = this.#host.renderRoot.querySelector<HTMLElement>('[part~="grid"]');
    if (grid !== this.#observed) {
      this.#resize.disconnect();
      if (grid) this.#resize.observe(grid, { box: 'border-box' }); // its padding (set below) is not a resize
      this.#observed = grid ?? undefined;
    }
    if (!grid) return;
    const all = [...grid.querySelectorAll<HTMLElement>(':scope > [part~="tile"]:not([part~="float"])')];
    const tiles = all.length;
    const speaker = grid.dataset['layout'] === 'speaker';
    // The strip: one column each for the tiles but the large one (which spans the width), after the side column.
    let column = 2;
    for (const tile of all) tile.style.gridColumn = speaker && !tile.matches('[part~="focus"]') ? String(column++) : '';
    if (speaker) {
      grid.style.setProperty('--_strip', String(Math.max(1, tiles - 1)));
      grid.style.removeProperty('--_side'); // the grid's centring padding is not for this view
      return;
    }
    const style = getComputedStyle(grid);
    const gap = parseFloat(style.columnGap) || 0;
    const padY = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    // The box's exact (fractional) size: clientWidth/Height round, and half a pixel too many scrolls.
    const box = grid.getBoundingClientRect();
    const g = gridGeometry(tiles, box.width - gap * 2, box.height - padY, gap);
    // Exactly `columns` fit in a row: the rest of the width goes to the sides, the last row is centred.
    const side = Math.max(gap, (box.width - (g.columns * g.width + (g.columns - 1) * gap)) / 2);
    grid.style.setProperty('--_tile-w', `${g.width}px`);
    grid.style.setProperty('--_tile-h', `${g.height}px`);
    grid.style.setProperty('--_side', `${Math.floor(side)}px`);
    grid.dataset['columns'] = String(g.columns);
  }

  #handleShare = ({
    clientId,
    local,
    enabled,
    by,
  }: {
    clientId: string;
    local: boolean;
    enabled: boolean;
    by?: string;
  }): void => {
    const t = this.#hooks.strings();
    if (local && !enabled && by !== undefined) this.#showToast(t.shareTakenOver(this.#nameOf(by)));
    if (!local && enabled) this.#announce(t.startedSharing(this.#nameOf(clientId)));
    this.#update();
    this.#fire(new MeetingRoomScreenShareEvent(clientId, local, enabled));
  };

  /** Starts our share (the browser asks what to share), or stops it. */
  toggleShare = async (): Promise<boolean> => {
    const call = this.call;
    if (!call) return false;
    if (call.screenTrack) {
      call.stopShare();
      return false;
    }
    return call.startShare(this.#options.shareHint).catch((error: Error) => {
      // Not a cancel: the browser has nothing to share, or the capture failed. Said, not swallowed.
      this.#showToast(this.#hooks.strings().shareFailed);
      this.#fire(new MeetingRoomErrorEvent('share', error.message, error.name));
      return false;
    });
  };

  #react = (emoji: Reaction): void => {
    this.call?.react(emoji);
    this.#reactionMenu = false;
    this.#update();
  };

  #toggleHand = (): void => {
    const call = this.call;
    if (!call) return;
    if (call.handRaisedAt === null) call.raiseHand();
    else call.lowerHand();
  };

  #handleError = (error: CallError): void => {
    if (error.code === 'media') {
      const problem = mediaProblemOf(error.cause ?? '');
      const device = error.device ?? 'both';
      this.#notice = this.#hooks.strings().media(problem, device);
      this.#update();
      this.#fire(new MeetingRoomErrorEvent(errorCode(problem), error.message, error.cause, device));
      return;
    }
    if (error.code === 'refused' || (error.code === 'signaling' && this.call?.state === 'joining')) {
      this.#hooks.onFail(error.code === 'refused' ? 'refused' : 'signaling', error.message, error.cause);
      return;
    }
    this.#fire(new MeetingRoomErrorEvent(error.code, error.message, error.cause));
  };

  #handleMetadata = (event: Event): void => {
    const video = event.target as HTMLVideoElement;
    video.toggleAttribute('data-ready', true);
    if (video.dataset['local'] !== undefined) return;
    video.play().catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'NotAllowedError') {
        // Autoplay with sound was refused: play muted and offer a button.
        this.#soundBlocked = true;
        this.#update();
        video.muted = true;
        void video.play().catch(() => {});
      }
    });
  };

  #handleEnableSound = (): void => {
    this.#soundBlocked = false;
    this.#update();
    for (const video of this.#host.renderRoot.querySelectorAll<HTMLVideoElement>('video[data-remote]')) {
      video.muted = false;
      void video.play().catch(() => {});
    }
  };

  /** The open panel: a heading with a close button over its content. Beside the grid, or over it in a narrow box. */
  #panelView(t: MeetingRoomStrings, call: Call) {
    const panel = this.#panel!;
    const title = {
      chat: t.chat,
      settings: t.settings,
      participants: t.participants,
      shortcuts: t.shortcuts,
    }[panel];
    return html`<section part=${`panel ${panel}`} aria-label=${title}>
      <header part="panel-header">
        <h2 part="panel-title">${title}</h2>
        ${iconButton('close-button', t.close, X, this.#closePanel)}
      </header>
      ${
        panel === 'chat'
          ? chat(t, call.chat, call.clientId, this.#handleChatSubmit)
          : panel === 'participants'
            ? participantsPanel(
                t,
                [
                  {
                    clientId: call.clientId,
                    label: this.#nameOf(call.clientId),
                    micOn: call.audioEnabled,
                    cameraOn: call.videoEnabled,
                    hand: this.#handPosition(call.clientId),
                    local: true,
                  },
                  ...this.#participants.map((p) => ({
                    clientId: p.clientId,
                    label: p.name || t.guest,
                    micOn: p.audioEnabled,
                    cameraOn: p.videoEnabled,
                    ...(p.quality ? { quality: p.quality } : {}),
                    hand: this.#handPosition(p.clientId),
                    local: false,
                  })),
                ],
                this.#isHost,
                (clientId) => call.lowerHand(clientId),
              )
            : panel === 'settings'
              ? html`${devicePickers(t, this.#deviceList, { select: this.#selectDevice, testSound: this.#testSound })}
                  <button part="button shortcuts-button" type="button" @click=${() => this.#togglePanel('shortcuts')}>
                    ${t.shortcuts}
                  </button>`
              : this.#shortcutList(t)
      }
    </section>`;
  }

  #shortcutList(t: MeetingRoomStrings) {
    const mode = this.#options.shortcuts();
    // In the order of SHORTCUT_KEYS: microphone, camera, chat, share, hand, participants, this list.
    const names = [t.microphone, t.camera, t.chat, t.share, t.raiseHand, t.participants, t.shortcuts];
    return html`<dl part="shortcut-list">
      ${
        mode === 'off'
          ? nothing
          : html`${Object.values(SHORTCUT_KEYS).map(
                (key, i) =>
                  html`<dt><kbd>${mode === 'single' ? key : `Alt+Shift+${key}`}</kbd></dt>
                    <dd>${names[i]}</dd>`,
              )}
              <dt><kbd>Space</kbd></dt>
              <dd>${t.holdToTalk}</dd>`
      }
    </dl>`;
  }

  #chatInput(): HTMLInputElement | null {
    return this.#host.renderRoot.querySelector<HTMLInputElement>('[part~="chat-input"]');
  }

  #togglePanel(panel: Panel): void {
    if (this.#panel === panel) return this.#closePanel();
    this.#panel = panel;
    this.#more = false;
    if (panel === 'chat') this.#unread = 0;
    if (panel === 'settings') void this.#refreshDevices();
    this.#update(); // before updateComplete: a promise taken with no update pending resolves before the render
    if (panel === 'chat') void this.#host.updateComplete.then(() => this.#chatInput()?.focus());
  }

  #handleChatSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const input = this.#chatInput();
    if (input && this.call?.sendChat(input.value)) input.value = '';
  };

  render() {
    const t = this.#hooks.strings();
    const toast = html`<p part="toast" role="status">${this.#toast}</p>`;
    const call = this.call;
    if (!call) {
      const devices = this.#devices;
      return html`${prejoin(
        t,
        {
          room: this.#options.call.room,
          name: this.#name,
          nameLocked: this.#nameLocked,
          preview: this.#preview,
          micOn: this.#micOn && devices.audioTrack !== undefined,
          cameraOn: devices.videoTrack !== undefined,
          hasMic: devices.audioTrack !== undefined,
          hasCamera: devices.hasCamera,
          starting: this.#starting,
          devices: this.#deviceList,
          problem: this.#problem,
          helpHref:
            devices.problems.audioinput?.problem === 'denied' || devices.problems.videoinput?.problem === 'denied'
              ? this.#options.helpHref
              : '',
        },
        {
          toggle: this.#toggle,
          name: (value) => (this.#name = value),
          join: () => void this.enter(),
          intent: this.#preconnect,
          select: this.#selectDevice,
          testSound: this.#testSound,
        },
      )}${toast}`;
    }
    // Right after this render is committed: new remote videos play on the chosen speaker; tiles fit the box.
    queueMicrotask(() => {
      if (this.#devices.sinkId) this.#applySinkEverywhere();
      this.#applyGeometry();
      this.#pip?.update(this.#pipView());
    });
    const focus = this.#focus();
    const selfView = this.#options.selfView();
    const state = call.state;
    const status = state === 'joining' ? t.joining : state === 'reconnecting' ? t.reconnecting : '';
    return html`
      ${status ? html`<p part="status" role="status">${status}</p>` : nothing}
      ${this.#notice ? html`<p part="notice" role="status">${this.#notice}</p>` : nothing}
      ${
        this.#soundBlocked
          ? html`<button part="button sound-button" type="button" @click=${this.#handleEnableSound}>
              ${t.enableSound}
            </button>`
          : nothing
      }
      <div part="stage">
        <div
          part="grid"
          role="list"
          aria-label=${t.participants}
          data-layout=${focus === undefined ? 'grid' : 'speaker'}
        >
          ${call.screenTrack ? presentingTile(t, () => call.stopShare(), focus === `screen:${call.clientId}`) : nothing}
          ${this.#participants
            .filter((p) => p.screenSharing && p.screenStream)
            .map((p) =>
              screenTile(t, p, this.#handleMetadata, this.#extras(p.clientId, focus, `screen:${p.clientId}`)),
            )}
          ${
            selfView === 'hidden' && focus !== call.clientId
              ? nothing
              : localTile(
                  t,
                  {
                    float: selfView === 'float' && focus !== call.clientId,
                    name: this.#name || this.#hooks.name(),
                    stream: call.localStream,
                    micOn: call.audioEnabled,
                    cameraOn: call.videoEnabled,
                  },
                  this.#handleMetadata,
                  this.#extras(call.clientId, focus),
                )
          }
          ${this.#participants.map((p) =>
            remoteTile(t, p, this.#soundBlocked, this.#handleMetadata, this.#extras(p.clientId, focus)),
          )}
        </div>
        ${this.#panel ? this.#panelView(t, call) : nothing}
      </div>
      ${controls(
        t,
        {
          micOn: call.audioEnabled,
          cameraOn: call.videoEnabled,
          hasMic: call.hasAudio,
          hasCamera: call.hasVideo,
          chatOpen: this.#panel === 'chat',
          settingsOpen: this.#panel === 'settings',
          participantsOpen: this.#panel === 'participants',
          people: this.#participants.length + 1,
          handRaised: call.handRaisedAt !== null,
          canShare: typeof navigator.mediaDevices?.getDisplayMedia === 'function',
          sharing: call.screenTrack !== undefined,
          fullscreen: document.fullscreenElement === this.#host,
          canPip: document.pictureInPictureEnabled || 'documentPictureInPicture' in window,
          pip: this.#pip !== undefined,
          reactionsOpen: this.#reactionMenu,
          moreOpen: this.#more,
          unread: this.#unread,
        },
        {
          toggle: this.#toggle,
          toggleChat: () => this.#togglePanel('chat'),
          toggleSettings: () => this.#togglePanel('settings'),
          toggleParticipants: () => this.#togglePanel('participants'),
          toggleHand: this.#toggleHand,
          toggleShare: () => void this.toggleShare(),
          toggleFullscreen: () =>
            void (
              document.fullscreenElement === this.#host ? document.exitFullscreen() : this.#host.requestFullscreen()
            ).catch(() => {}),
          togglePip: this.#togglePip,
          preparePip: this.#preparePip,
          toggleMore: () => {
            this.#more = !this.#more;
            this.#update();
          },
          closeMore: () => {
            this.#more = false;
            this.#update();
          },
          toggleReactions: () => {
            this.#reactionMenu = !this.#reactionMenu;
            this.#update();
          },
          leave: this.#hooks.leave,
        },
      )}
      ${this.#reactionMenu ? reactionMenu(t, this.#react) : nothing} ${toast}
      <p part="announcer" role="status">${this.#announced}</p>
    `;
  }
}

/** Shadow roots that carry the call's styles already. */
const styled = new WeakSet<Node>();

/**
 * Adds the call's styles to the element's shadow root, after the element's own,
 * with Lit's `adoptStyles` (constructable style sheets, or `<style>` elements
 * with the page's `litNonce` where those are missing).
 */
function adoptCallStyles(host: CallViewHost): void {
  const root = host.renderRoot;
  if (!(root instanceof ShadowRoot) || styled.has(root)) return;
  styled.add(root);
  adoptStyles(root, [...(host.constructor as typeof ReactiveElement).elementStyles, callStyles]);
}
