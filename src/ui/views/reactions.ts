/** The reaction picker: the fixed set the server forwards. */
import { html } from 'lit';
import { REACTIONS, type Reaction } from '../../protocol/constants.js';
import type { MeetingRoomStrings } from '../strings.js';

export function reactionMenu(t: MeetingRoomStrings, react: (emoji: Reaction) => void) {
  return html`<div part="reaction-menu" role="group" aria-label=${t.reactions}>
    ${REACTIONS.map(
      (emoji) => html`<button part="button reaction" type="button" @click=${() => react(emoji)}>${emoji}</button>`,
    )}
  </div>`;
}
