import { css } from 'lit';

/** The element's box and its lobby: all a page pays for until someone joins (the call's styles come with the call). */

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    box-sizing: border-box;
    position: relative;
    min-height: 240px;
    /* A box for the call to fill when the page gives none. */
    height: var(--meeting-room-height, 560px);
    color: var(--meeting-room-color, #1f2328);
    background: var(--meeting-room-background, #f6f8fa);
    border-radius: var(--meeting-room-radius, 12px);
    font: var(--meeting-room-font, 14px/1.4 system-ui, sans-serif);
    overflow: hidden;
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
    gap: 8px;
    padding: 24px;
    min-height: 200px;
    text-align: center;
  }
  [part~='status'],
  [part~='notice'],
  [part~='error'] {
    margin: 8px;
    text-align: center;
  }
  [part~='error'] {
    color: var(--meeting-room-danger, #b42318);
  }
  button {
    font: inherit;
    cursor: pointer;
    border: 0;
    border-radius: var(--meeting-room-button-radius, 999px);
    padding: 8px 16px;
    color: var(--meeting-room-accent-contrast, #fff);
    background: var(--meeting-room-accent, #0b57d0);
  }
  button:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--meeting-room-focus-ring, #0b57d0);
    outline-offset: 2px;
  }
`;
