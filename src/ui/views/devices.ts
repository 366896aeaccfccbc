/** The device pickers: camera, microphone and speaker (the speaker only where the browser can route sound). */
import { html, nothing } from 'lit';
import type { DeviceInfo, DeviceKind } from '../../core/devices.js';
import type { MeetingRoomStrings } from '../strings.js';

export interface PickerActions {
  select: (kind: DeviceKind, deviceId: string) => void;
  testSound: () => void;
}

/** Whether sound can be sent to a chosen speaker here (`setSinkId`: not in Safari before 18.4, not on phones). */
export const canChooseSpeaker = () => 'setSinkId' in HTMLMediaElement.prototype;

/*
 * The pickers act on `change`: choosing a device changes a setting, not the
 * context (WCAG 3.2.2), and keyboard users get the same event when they
 * confirm a choice. lit-a11y's rule predates that reading, hence the exception.
 */
/* eslint-disable lit-a11y/no-invalid-change-handler */
export function devicePickers(t: MeetingRoomStrings, devices: readonly DeviceInfo[], on: PickerActions) {
  const kinds: [DeviceKind, string, string][] = [
    ['videoinput', 'camera-select', t.camera],
    ['audioinput', 'mic-select', t.microphone],
  ];
  if (canChooseSpeaker()) kinds.push(['audiooutput', 'speaker-select', t.speaker]);
  return html`<div part="devices">
    ${kinds.map(([kind, part, label]) => {
      const options = devices.filter((d) => d.kind === kind);
      return html`<label part="device-field">
          <span part="device-label">${label}</span>
          <select
            part=${`device-select ${part}`}
            ?disabled=${options.length === 0}
            @change=${(event: Event) => on.select(kind, (event.target as HTMLSelectElement).value)}
          >
            ${options.length === 0 ? html`<option value="">${t.noDevice}</option>` : nothing}
            ${options.map(
              (d, i) =>
                html`<option value=${d.deviceId} .selected=${d.selected}>
                  ${d.label || t.deviceNumber(label, i + 1)}
                </option>`,
            )}
          </select>
        </label>
        ${
          kind === 'audiooutput'
            ? html`<button part="button test-sound-button" type="button" @click=${on.testSound}>${t.testSound}</button>`
            : nothing
        }`;
    })}
  </div>`;
}
