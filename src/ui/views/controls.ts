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
  /** Whether picture-in-picture is possible here, and open. */
  canPip: boolean;
  pip: boolean;
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
  togglePip: () => void;
  /** The pointer or focus reached the picture-in-picture button: fetch its code before the click. */
  preparePip: () => void;
  toggleReactions: () => void;
  leave: () => void;
}

/** A button that turns something on and off: `aria-pressed` says which (the label stays). */
export function toggleButton(
  part: string,
  pressed: boolean,
  label: unknown,
  onClick: () => void,
  { disabled = false, name, prepare }: { disabled?: boolean; name?: string; prepare?: () => void } = {},
) {
  return html`<button
    part=${`button ${part}`}
    type="button"
    aria-pressed=${pressed ? 'true' : 'false'}
    aria-label=${name ?? nothing}
    ?disabled=${disabled}
    @click=${onClick}
    @pointerenter=${prepare}
    @focus=${prepare}
  >
    ${label}
  </button>`;
}

/** Microphone and camera on/off: in the control bar and over the pre-join preview. */
export function mediaToggles(
  t: MeetingRoomStrings,
  s: { micOn: boolean; cameraOn: boolean; hasMic: boolean; hasCamera: boolean },
  toggle: (kind: 'mic' | 'camera') => void,
) {
  return html`${toggleButton('mic-button', s.micOn, t.microphone, () => toggle('mic'), { disabled: !s.hasMic })}
  ${toggleButton('camera-button', s.cameraOn, t.camera, () => toggle('camera'), { disabled: !s.hasCamera })}`;
}

export function controls(t: MeetingRoomStrings, s: ControlsState, on: ControlsActions) {
  return html`<div part="controls" role="toolbar" aria-label=${t.controls}>
    ${mediaToggles(t, s, on.toggle)}
    ${toggleButton(
      'chat-button',
      s.chatOpen,
      html`${t.chat}${s.unread > 0 ? html` <span part="unread-badge" aria-hidden="true">${s.unread}</span>` : nothing}`,
      on.toggleChat,
      { name: s.unread > 0 ? t.chatUnread(s.unread) : t.chat },
    )}
    ${s.canShare ? toggleButton('share-button', s.sharing, t.share, on.toggleShare) : nothing}
    ${toggleButton('hand-button', s.handRaised, t.raiseHand, on.toggleHand)}
    <button
      part="button reaction-button"
      type="button"
      aria-expanded=${s.reactionsOpen ? 'true' : 'false'}
      @click=${on.toggleReactions}
    >
      ${t.reactions}
    </button>
    ${toggleButton('participants-button', s.participantsOpen, t.participantsCount(s.people), on.toggleParticipants)}
    ${
      document.fullscreenEnabled
        ? toggleButton('fullscreen-button', s.fullscreen, t.fullscreen, on.toggleFullscreen)
        : nothing
    }
    ${
      s.canPip
        ? toggleButton('pip-button', s.pip, t.pictureInPicture, on.togglePip, { prepare: on.preparePip })
        : nothing
    }
    ${toggleButton('settings-button', s.settingsOpen, t.settings, on.toggleSettings)}
    <button part="button leave-button" type="button" @click=${on.leave}>${t.leave}</button>
  </div>`;
}
