import { css } from 'lit';

/**
 * The element's box, its palette and its lobby: all a page pays for until
 * someone joins (the call's styles come with the call). The palette: each
 * colour is a public `--meeting-room-*` property over a theme default;
 * `light-dark()` picks the default by the `theme` attribute (dark unless
 * `light`, or the system's scheme with `auto`).
 */
export const styles = css`
  :host {
    color-scheme: dark;
    --_bg: var(--meeting-room-background, light-dark(#f6f8fa, #1b1c1f));
    --_fg: var(--meeting-room-color, light-dark(#1f2328, #e8eaed));
    --_panel: var(--meeting-room-panel-background, light-dark(#fff, #26282c));
    --_surface: var(--meeting-room-surface, light-dark(#e3e6ea, #3c4043));
    --_accent: var(--meeting-room-accent, light-dark(#0b57d0, #a8c7fa));
    --_on-accent: var(--meeting-room-accent-contrast, light-dark(#fff, #062e6f));
    --_danger: var(--meeting-room-danger, light-dark(#c5221f, #f28b82));
    --_on-danger: var(--meeting-room-danger-contrast, light-dark(#fff, #410e0b));
    --_line: light-dark(rgb(0 0 0 / 12%), rgb(255 255 255 / 14%));
    display: flex;
    flex-direction: column;
    box-sizing: border-box;
    position: relative;
    container-type: inline-size;
    min-height: 240px;
    /* A box for the call to fill when the page gives none. */
    height: var(--meeting-room-height, 560px);
    color: var(--_fg);
    background: var(--_bg);
    border-radius: var(--meeting-room-radius, 12px);
    font: var(--meeting-room-font, 14px/1.4 system-ui, sans-serif);
    /* 😂 in colour even where the text font has an outline of it (DejaVu Sans); text-style ❤ stays text */
    font-variant-emoji: unicode;
    overflow: hidden;
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='auto']) {
    color-scheme: light dark;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  [part~='lobby'] {
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 12px;
    flex: 1;
    padding: 24px;
    text-align: center;
  }
  [part~='room-name'] {
    margin: 0;
    font-size: 1.3em;
    font-weight: 600;
  }
  [part~='status'],
  [part~='notice'],
  [part~='error'] {
    margin: 8px;
    text-align: center;
  }
  [part~='error'] {
    color: var(--_danger);
  }
  button {
    font: inherit;
    cursor: pointer;
    border: 0;
    border-radius: var(--meeting-room-button-radius, 999px);
    min-height: 24px;
    padding: 10px 20px;
    color: var(--_on-accent);
    background: var(--_accent);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  [tabindex]:focus-visible {
    outline: 2px solid var(--meeting-room-focus-ring, var(--_accent));
    outline-offset: 2px;
  }
  @media (pointer: coarse) {
    button {
      min-width: 44px;
      min-height: 44px;
    }
  }
  @media (forced-colors: active) {
    button {
      border: 1px solid ButtonText;
    }
  }
`;
