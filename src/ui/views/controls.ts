/** The bar of call controls. */
import { html, nothing } from 'lit';
import type { MeetingRoomStrings } from '../strings.js';

export interface ControlsState {
  micOn: boolean;
  cameraOn: boolean;
  hasMic: boolean;
  hasCamera: boolean;
  chatOpen: boolean;
  settingsOpen: boolean;
  participantsOpen: boolean;
  /** Everyone in the call, us included. */
  people: number;
  handRaised: boolean;
  /** Whether the browser can share a screen (not on phones). */
  canShare: boolean;
  sharing: boolean;
  fullscreen: boolean;
  reactionsOpen: boolean;
  unread: number;
}

export interface ControlsActions {
  toggle: (kind: 'mic' | 'camera') => void;
  toggleChat: () => void;
  toggleSettings: () => void;
  toggleParticipants: () => void;
  toggleHand: () => void;
  toggleShare: () => void;
  toggleFullscreen: () => void;
  toggleReactions: () => void;
  leave: () => void;
}

export function controls(t: MeetingRoomStrings, s: ControlsState, on: ControlsActions) {
  return html`<div part="controls" role="toolbar" aria-label=${t.controls}>
    <button
      part="button mic-button"
      type="button"
      aria-pressed=${s.micOn ? 'true' : 'false'}
      ?disabled=${!s.hasMic}
      @click=${() => on.toggle('mic')}
    >
      ${t.microphone}
    </button>
    <button
      part="button camera-button"
      type="button"
      aria-pressed=${s.cameraOn ? 'true' : 'false'}
      ?disabled=${!s.hasCamera}
      @click=${() => on.toggle('camera')}
    >
      ${t.camera}
    </button>
    <button
      part="button chat-button"
      type="button"
      aria-pressed=${s.chatOpen ? 'true' : 'false'}
      aria-label=${s.unread > 0 ? t.chatUnread(s.unread) : t.chat}
      @click=${on.toggleChat}
    >
      ${t.chat}${s.unread > 0 ? html` <span part="unread-badge" aria-hidden="true">${s.unread}</span>` : nothing}
    </button>
    ${
      s.canShare
        ? html`<button
            part="button share-button"
            type="button"
            aria-pressed=${s.sharing ? 'true' : 'false'}
            @click=${on.toggleShare}
          >
            ${t.share}
          </button>`
        : nothing
    }
    <button
      part="button hand-button"
      type="button"
      aria-pressed=${s.handRaised ? 'true' : 'false'}
      @click=${on.toggleHand}
    >
      ${t.raiseHand}
    </button>
    <button
      part="button reaction-button"
      type="button"
      aria-expanded=${s.reactionsOpen ? 'true' : 'false'}
      @click=${on.toggleReactions}
    >
      ${t.reactions}
    </button>
    <button
      part="button participants-button"
      type="button"
      aria-pressed=${s.participantsOpen ? 'true' : 'false'}
      @click=${on.toggleParticipants}
    >
      ${t.participantsCount(s.people)}
    </button>
    ${
      document.fullscreenEnabled
        ? html`<button
            part="button fullscreen-button"
            type="button"
            aria-pressed=${s.fullscreen ? 'true' : 'false'}
            @click=${on.toggleFullscreen}
          >
            ${t.fullscreen}
          </button>`
        : nothing
    }
    <button
      part="button settings-button"
      type="button"
      aria-pressed=${s.settingsOpen ? 'true' : 'false'}
      @click=${on.toggleSettings}
    >
      ${t.settings}
    </button>
    <button part="button leave-button" type="button" @click=${on.leave}>${t.leave}</button>
  </div>`;
}
