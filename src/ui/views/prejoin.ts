/**
 * The pre-join view: see and hear yourself, set your name, pick devices, then
 * join. Its preview's tracks are the ones the call sends.
 */
import { html, nothing } from 'lit';
import type { DeviceInfo } from '../../core/devices.js';
import type { MeetingRoomStrings } from '../strings.js';
import { avatar } from './avatar.js';
import { fresh } from './fresh.js';
import { mediaToggles } from './controls.js';
import { devicePickers, type PickerActions } from './devices.js';

export interface PrejoinState {
  room: string;
  name: string;
  /** The name comes from the token: shown, not editable. */
  nameLocked: boolean;
  /** The camera's track alone (undefined while the camera is off). */
  preview: MediaStream | undefined;
  micOn: boolean;
  cameraOn: boolean;
  hasMic: boolean;
  hasCamera: boolean;
  starting: boolean;
  devices: readonly DeviceInfo[];
  /** What went wrong with the devices, in the person's language. */
  problem: string;
  /** Permission was denied and the page has a help page for it. */
  helpHref: string;
}

export interface PrejoinActions extends PickerActions {
  toggle: (kind: 'mic' | 'camera') => void;
  name: (value: string) => void;
  join: () => void;
  /** The pointer or focus on "Join now": the signaling socket opens again if it closed meanwhile. */
  intent: () => void;
}

export function prejoin(t: MeetingRoomStrings, s: PrejoinState, on: PrejoinActions) {
  return html`<section part="prejoin" aria-labelledby="prejoin-title">
    <div part="preview-box">
      <video
        part="preview"
        aria-label=${t.preview}
        .srcObject=${fresh(s.preview ?? null)}
        .muted=${true}
        ?hidden=${!s.preview}
        autoplay
        playsinline
      ></video>
      ${s.preview ? nothing : avatar(s.name)}
      <div part="preview-controls">${mediaToggles(t, s, on.toggle)}</div>
    </div>
    <form
      part="prejoin-form"
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        on.join();
      }}
    >
      <h2 id="prejoin-title" part="prejoin-title">${t.prejoinTitle}</h2>
      ${s.room ? html`<p part="room-name">${s.room}</p>` : nothing}
      <label part="device-field">
        <span part="device-label">${t.yourName}</span>
        <input
          part="name-input"
          type="text"
          maxlength="64"
          autocomplete="name"
          .value=${fresh(s.name)}
          ?readonly=${s.nameLocked}
          @input=${(event: InputEvent) => on.name((event.target as HTMLInputElement).value)}
        />
      </label>
      <div
        part="mic-level"
        role="meter"
        aria-label=${t.micLevel}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow="0"
      >
        <span part="mic-level-bar"></span>
      </div>
      ${devicePickers(t, s.devices, on)}
      ${s.starting ? html`<p part="status" role="status">${t.starting}</p>` : nothing}
      ${
        s.problem
          ? html`<p part="error" role="alert">
              ${s.problem} ${t.mediaHint}
              ${
                s.helpHref
                  ? html`<a part="permission-help" href=${s.helpHref} target="_blank" rel="noopener"
                      >${t.permissionHelp}</a
                    >`
                  : nothing
              }
            </p>`
          : nothing
      }
      <button part="button join-button" type="submit" @pointerenter=${on.intent} @focus=${on.intent}>
        ${t.joinNow}
      </button>
    </form>
  </section>`;
}
