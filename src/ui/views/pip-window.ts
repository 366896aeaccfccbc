/**
 * What the Document Picture-in-Picture window shows (see ../pip.ts): one large
 * tile with the tile's own parts (a share, the speaker, or their initials
 * while the camera is off) over the microphone, camera and leave buttons.
 */
import { html } from 'lit';
import type { PipActions, PipView } from '../pip.js';
import type { MeetingRoomStrings } from '../strings.js';
import { avatar } from './avatar.js';
import { iconButton, mediaToggles } from './controls.js';
import { fresh } from './fresh.js';
import { PhoneOff } from './icons.js';

export function pipWindow(t: MeetingRoomStrings, v: PipView, on: PipActions) {
  // A large tile (`focus`: the picture is not cropped) over the controls.
  return html`<div part="tile focus pip-stage">
      ${
        v.video && v.stream
          ? html`<video
              part="video pip-video"
              data-ready
              autoplay
              playsinline
              .muted=${true}
              .srcObject=${fresh(v.stream)}
            ></video>`
          : avatar(v.label)
      }
      <span part="name pip-name">${v.label}</span>
    </div>
    <div part="controls" role="toolbar" aria-label=${t.controls}>
      ${mediaToggles(t, v, on.toggle)} ${iconButton('leave-button', t.leave, PhoneOff, on.leave)}
    </div>`;
}
