/** The chat panel's content: the messages in the server's order (a log) and a form to write one. */
import { html, nothing } from 'lit';
import type { ChatEntry } from '../../core/call.js';
import type { MeetingRoomStrings } from '../strings.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function chat(
  t: MeetingRoomStrings,
  messages: readonly ChatEntry[],
  ownId: string | undefined,
  onSubmit: (event: SubmitEvent) => void,
) {
  return html`<div part="messages" role="log">
      ${messages.map(
        (m, i) =>
          html`${m.earlier && i === 0 ? html`<p part="earlier-label">${t.earlierMessages}</p>` : nothing}
            <p part=${m.earlier ? 'message earlier' : 'message'} data-id=${m.id}>
              <span part="message-sender">${m.from === ownId ? t.youSender : m.name || t.guest}</span>
              <time part="message-time" datetime=${new Date(m.ts).toISOString()}>${timeFormat.format(m.ts)}</time>
              <span part="message-text">${m.text}</span>
            </p>`,
      )}
    </div>
    <form part="chat-form" @submit=${onSubmit}>
      <input part="chat-input" type="text" maxlength="2000" aria-label=${t.message} autocomplete="off" />
      <button part="button chat-send" type="submit">${t.send}</button>
    </form>`;
}
