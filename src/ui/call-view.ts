/**
 * The call as the element shows it: the view that owns the
 * headless `Call`, turns its events into the element's DOM events, and renders
 * the stage (tiles, controls, chat). This module is the entry of the chunk the
 * element loads on the first sign of intent to join (see `meeting-room.ts`):
 * a page that only shows the Join button never downloads the call core.
 */
import { adoptStyles, html, nothing, type ReactiveControllerHost, type ReactiveElement } from 'lit';
import { Call, type CallError, type CallOptions, type CallState, type Participant } from '../core/call.js';
import type { ChatBroadcast } from '../protocol/index.js';
import { callStyles } from './call-view.styles.js';
import {
  MeetingRoomChatMessageEvent,
  MeetingRoomConnectionStateEvent,
  MeetingRoomErrorEvent,
  MeetingRoomJoinedEvent,
  MeetingRoomMediaChangedEvent,
  MeetingRoomParticipantJoinedEvent,
  MeetingRoomParticipantLeftEvent,
  type MeetingRoomErrorCode,
} from './events.js';
import { mediaProblem, type MeetingRoomStrings } from './strings.js';
import { chat } from './views/chat.js';
import { controls } from './views/controls.js';
import { localTile, remoteTile } from './views/tiles.js';

export { parseIceServers } from '../core/ice-servers.js';

/** The element as the call view sees it. */
export type CallViewHost = ReactiveControllerHost &
  HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/** What the element gives the view besides itself. */
export interface CallViewHooks {
  /** The element's current UI strings (they change with `lang` and `strings`). */
  strings: () => MeetingRoomStrings;
  /** The local display name. */
  name: () => string;
  /** The call moved to joining, joined or reconnecting. */
  onState: (state: 'joining' | 'joined' | 'reconnecting') => void;
  /** The call ended by itself (refused, unreachable while joining): the element shows why and leaves. */
  onFail: (code: MeetingRoomErrorCode, message: string, cause?: string) => void;
  /** The Leave control was pressed. */
  leave: () => void;
}

export class CallView {
  readonly call: Call;
  #host: CallViewHost;
  #hooks: CallViewHooks;
  /** The participants as last rendered, to tell what an update changed. */
  #participants: Participant[] = [];
  #chatOpen = false;
  #unread = 0;
  #soundBlocked = false;
  #notice = '';

  constructor(host: CallViewHost, hooks: CallViewHooks, options: CallOptions) {
    this.#host = host;
    this.#hooks = hooks;
    adoptCallStyles(host);
    const call = (this.call = new Call(options));
    call.on('state', this.#handleState);
    call.on('joined', ({ room, clientId }) => host.dispatchEvent(new MeetingRoomJoinedEvent(room, clientId)));
    call.on('participant-joined', (p) => {
      this.#participants = call.participants;
      this.#update();
      host.dispatchEvent(new MeetingRoomParticipantJoinedEvent(p));
    });
    call.on('participant-left', (p) => {
      this.#participants = call.participants;
      this.#update();
      host.dispatchEvent(new MeetingRoomParticipantLeftEvent(p));
    });
    call.on('participant-updated', this.#handleParticipantUpdated);
    call.on('local-media', () => this.#update());
    call.on('chat', this.#handleChat);
    call.on('error', this.#handleError);
  }

  /** Connects and joins (media and signaling started when it resolves). */
  join(): Promise<void> {
    return this.call.join();
  }

  /** Leaves the call: LEAVE sent, tracks stopped, links and socket closed. */
  leave(): void {
    this.call.leave();
  }

  /** A control button toggled the microphone or camera: the page hears of it (a method call fires nothing). */
  #toggle = (kind: 'mic' | 'camera'): void => {
    const call = this.call;
    if (kind === 'mic') call.setAudioEnabled(!call.audioEnabled);
    else call.setVideoEnabled(!call.videoEnabled);
    this.#host.dispatchEvent(
      new MeetingRoomMediaChangedEvent(call.clientId, true, call.audioEnabled, call.videoEnabled),
    );
  };

  #update(): void {
    this.#host.requestUpdate();
  }

  #handleState = (state: CallState): void => {
    if (state === 'joined' || state === 'reconnecting' || state === 'joining') this.#hooks.onState(state);
    this.#update();
  };

  #handleParticipantUpdated = (p: Participant): void => {
    const before = this.#participants.find((x) => x.clientId === p.clientId);
    this.#participants = this.call.participants;
    this.#update();
    if (!before) return;
    if (before.audioEnabled !== p.audioEnabled || before.videoEnabled !== p.videoEnabled) {
      this.#host.dispatchEvent(new MeetingRoomMediaChangedEvent(p.clientId, false, p.audioEnabled, p.videoEnabled));
    }
    if (before.connectionState !== p.connectionState || before.iceConnectionState !== p.iceConnectionState) {
      this.#host.dispatchEvent(
        new MeetingRoomConnectionStateEvent(p.clientId, p.connectionState, p.iceConnectionState),
      );
    }
  };

  #handleChat = (message: ChatBroadcast): void => {
    if (!this.#chatOpen) this.#unread++;
    this.#update();
    this.#host.dispatchEvent(new MeetingRoomChatMessageEvent(message));
  };

  #handleError = (error: CallError): void => {
    if (error.code === 'media') {
      const call = this.call;
      this.#notice = mediaProblem(this.#hooks.strings(), error.cause ?? '', call.hasAudio && !call.hasVideo);
      this.#update();
      this.#host.dispatchEvent(new MeetingRoomErrorEvent('media', error.message, error.cause));
      return;
    }
    if (error.code === 'refused' || (error.code === 'signaling' && this.call.state === 'joining')) {
      this.#hooks.onFail(error.code === 'refused' ? 'refused' : 'signaling', error.message, error.cause);
      return;
    }
    this.#host.dispatchEvent(new MeetingRoomErrorEvent(error.code, error.message, error.cause));
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

  #chatInput(): HTMLInputElement | null {
    return this.#host.renderRoot.querySelector<HTMLInputElement>('[part~="chat-input"]');
  }

  #handleChatToggle = (): void => {
    this.#chatOpen = !this.#chatOpen;
    if (this.#chatOpen) {
      this.#unread = 0;
      void this.#host.updateComplete.then(() => this.#chatInput()?.focus());
    }
    this.#update();
  };

  #handleChatSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const input = this.#chatInput();
    if (input && this.call.sendChat(input.value)) input.value = '';
  };

  render() {
    const t = this.#hooks.strings();
    const call = this.call;
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
        <div part="grid" role="list" aria-label=${t.participants}>
          ${localTile(
            t,
            {
              name: this.#hooks.name(),
              stream: call.localStream,
              micOn: call.audioEnabled,
              cameraOn: call.videoEnabled,
            },
            this.#handleMetadata,
          )}
          ${this.#participants.map((p) => remoteTile(t, p, this.#soundBlocked, this.#handleMetadata))}
        </div>
        ${this.#chatOpen ? chat(t, call.chat, call.clientId, this.#handleChatSubmit) : nothing}
      </div>
      ${controls(
        t,
        {
          micOn: call.audioEnabled,
          cameraOn: call.videoEnabled,
          hasMic: call.hasAudio,
          hasCamera: call.hasVideo,
          chatOpen: this.#chatOpen,
          unread: this.#unread,
        },
        { toggle: this.#toggle, toggleChat: this.#handleChatToggle, leave: this.#hooks.leave },
      )}
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
