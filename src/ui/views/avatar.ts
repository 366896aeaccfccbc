/** The picture of someone whose camera is off. */
import { html } from 'lit';

/** Initials ("AL" for Ada Lovelace) on a colour that comes from the name, so each person keeps theirs. */
export function avatar(name: string) {
  const words = name.trim().split(/\s+/);
  const initials = ((words[0]?.[0] ?? '?') + (words.length > 1 ? (words.at(-1)?.[0] ?? '') : '')).toUpperCase();
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  // A property, not an attribute: CSSOM, so strict CSP pages allow it.
  return html`<span part="avatar" .style=${`--_hue:${hash % 360}`} aria-hidden="true">${initials}</span>`;
}
