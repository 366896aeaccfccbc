/** The participants panel's list: everyone, the local person first, with media, link and raised hand. */
import { html, nothing } from 'lit';
import type { Participant } from '../../core/call.js';
import type { MeetingRoomStrings } from '../strings.js';

export interface PeopleEntry {
  clientId: string;
  /** As shown: "Ada (you)" for the local person. */
  label: string;
  micOn: boolean;
  cameraOn: boolean;
  /** Remote only: the link's path and quality. */
  quality?: Participant['quality'];
  /** Place in the hand queue (1 = first), 0 when the hand is down. */
  hand: number;
  local: boolean;
}

export function participantsPanel(
  t: MeetingRoomStrings,
  people: readonly PeopleEntry[],
  /** The local person may lower others' hands (token role `host`). */
  host: boolean,
  lower: (clientId: string) => void,
) {
  return html`<ul part="participant-list">
    ${people.map((p) => {
      const state = [
        p.micOn ? '' : t.muted,
        p.cameraOn ? '' : t.cameraOff,
        p.quality ? `${p.quality.path === 'relay' ? t.relayed : t.direct} · ${t.quality[p.quality.level]}` : '',
      ].filter(Boolean);
      return html`<li part=${p.local ? 'participant local' : 'participant'} data-client-id=${p.clientId}>
        <span part="participant-name">${p.label}</span>
        ${p.hand ? html`<span part="hand" role="img" aria-label=${t.handInLine(p.hand)}>✋ ${p.hand}</span>` : nothing}
        ${state.length ? html`<span part="participant-state">${state.join(' · ')}</span>` : nothing}
        ${
          p.hand && host && !p.local
            ? html`<button part="button lower-hand-button" type="button" @click=${() => lower(p.clientId)}>
                ${t.lowerHandOf(p.label)}
              </button>`
            : nothing
        }
      </li>`;
    })}
  </ul>`;
}
