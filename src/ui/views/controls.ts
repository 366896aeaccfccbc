/**
 * The bar of call controls: icon buttons with their names as labels and
 * tooltips. In a narrow box (a phone) the bar keeps microphone, camera, chat,
 * "More" and leave in one row; the rest moves into the "More" menu, where each
 * shows its name beside its icon.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { IconNode } from 'lucide';
import type { MeetingRoomStrings } from '../strings.js';
import * as icons from './icons.js';

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
  moreOpen: boolean;
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
  toggleMore: () => void;
  closeMore: () => void;
  leave: () => void;
}

export interface ButtonOptions {
  /** A toggle: `aria-pressed` says whether it is on (the name stays). */
  pressed?: boolean;
  /** Opens something: `aria-expanded`. */
  expanded?: boolean;
  disabled?: boolean;
  /** The accessible name when it differs from the tooltip (an unread count). */
  name?: string;
  prepare?: () => void;
  /** The unread count over the icon (not read out: the name says it). */
  unread?: number;
  /** Shows its name beside the icon (the "More" menu, "Join now"). */
  text?: boolean;
}

/** A control: an icon, its name for assistive technology and as a tooltip. */
export function iconButton(
  part: string,
  label: string,
  glyph: IconNode,
  onClick: () => void,
  o: ButtonOptions = {},
): TemplateResult {
  return html`<button
    part=${`button ${part}`}
    type="button"
    aria-label=${o.name ?? label}
    data-tip=${o.text ? nothing : label}
    aria-pressed=${o.pressed === undefined ? nothing : String(o.pressed)}
    aria-expanded=${o.expanded === undefined ? nothing : String(o.expanded)}
    ?disabled=${o.disabled}
    @click=${onClick}
    @pointerenter=${o.prepare}
    @focus=${o.prepare}
  >
    ${icons.icon(glyph)}${o.text ? html`<span part="button-label">${label}</span>` : nothing}${
      o.unread ? html`<span part="unread-badge" aria-hidden="true">${o.unread}</span>` : nothing
    }
  </button>`;
}

/** Microphone and camera on/off: the bar, the pre-join preview and the picture-in-picture window. */
export function mediaToggles(
  t: MeetingRoomStrings,
  s: { micOn: boolean; cameraOn: boolean; hasMic: boolean; hasCamera: boolean },
  toggle: (kind: 'mic' | 'camera') => void,
) {
  return html`${iconButton('mic-button', t.microphone, s.micOn ? icons.Mic : icons.MicOff, () => toggle('mic'), {
    pressed: s.micOn,
    disabled: !s.hasMic,
  })}
  ${iconButton('camera-button', t.camera, s.cameraOn ? icons.Video : icons.VideoOff, () => toggle('camera'), {
    pressed: s.cameraOn,
    disabled: !s.hasCamera,
  })}`;
}

/** The controls a narrow box moves into the "More" menu; `text` when they are shown there. */
function secondary(t: MeetingRoomStrings, s: ControlsState, on: ControlsActions, text: boolean) {
  return html`${
    s.canShare
      ? iconButton('share-button', t.share, icons.MonitorUp, on.toggleShare, { pressed: s.sharing, text })
      : nothing
  }
  ${iconButton('hand-button', t.raiseHand, icons.Hand, on.toggleHand, { pressed: s.handRaised, text })}
  ${iconButton('reaction-button', t.reactions, icons.Smile, on.toggleReactions, { expanded: s.reactionsOpen, text })}
  ${iconButton('participants-button', t.participantsCount(s.people), icons.Users, on.toggleParticipants, {
    pressed: s.participantsOpen,
    text,
  })}
  ${
    document.fullscreenEnabled
      ? iconButton('fullscreen-button', t.fullscreen, icons.Maximize2, on.toggleFullscreen, {
          pressed: s.fullscreen,
          text,
        })
      : nothing
  }
  ${
    s.canPip
      ? iconButton('pip-button', t.pictureInPicture, icons.PictureInPicture2, on.togglePip, {
          pressed: s.pip,
          prepare: on.preparePip,
          text,
        })
      : nothing
  }
  ${iconButton('settings-button', t.settings, icons.Settings2, on.toggleSettings, { pressed: s.settingsOpen, text })}`;
}

export function controls(t: MeetingRoomStrings, s: ControlsState, on: ControlsActions) {
  return html`<div part="controls" role="toolbar" aria-label=${t.controls}>
      ${mediaToggles(t, s, on.toggle)}
      ${iconButton('chat-button', t.chat, icons.MessageSquare, on.toggleChat, {
        pressed: s.chatOpen,
        name: s.unread > 0 ? t.chatUnread(s.unread) : t.chat,
        unread: s.unread,
      })}
      <span part="secondary">${secondary(t, s, on, false)}</span>
      ${iconButton('more-button', t.more, icons.Ellipsis, on.toggleMore, { expanded: s.moreOpen })}
      ${iconButton('leave-button', t.leave, icons.PhoneOff, on.leave)}
    </div>
    ${
      s.moreOpen
        ? // A choice closes the menu: the buttons' clicks (keyboard ones too) reach it after the button acted.
          // eslint-disable-next-line lit-a11y/click-events-have-key-events -- not a control itself: it hears its buttons
          html`<div part="more-menu" role="group" aria-label=${t.more} @click=${on.closeMore}>
            ${secondary(t, s, on, true)}
          </div>`
        : nothing
    }`;
}
