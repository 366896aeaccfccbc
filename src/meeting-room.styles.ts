import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    box-sizing: border-box;
    position: relative;
    min-height: 240px;
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
  [part~='lobby'],
  [part~='status'] {
    display: grid;
    place-items: center;
    gap: 8px;
    padding: 24px;
    min-height: 200px;
    text-align: center;
  }
  [part~='error'] {
    color: var(--meeting-room-danger, #b42318);
  }
  [part~='grid'] {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(var(--meeting-room-tile-min-width, 220px), 1fr));
    gap: var(--meeting-room-gap, 8px);
    padding: var(--meeting-room-gap, 8px);
  }
  [part~='tile'] {
    position: relative;
    aspect-ratio: 16 / 9;
    background: var(--meeting-room-tile-background, #24292f);
    color: #fff;
    border-radius: var(--meeting-room-tile-radius, 8px);
    overflow: hidden;
  }
  [part~='name'] {
    position: absolute;
    left: 8px;
    bottom: 8px;
    padding: 2px 8px;
    border-radius: 4px;
    background: rgb(0 0 0 / 55%);
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
  button:focus-visible {
    outline: 2px solid var(--meeting-room-focus-ring, #0b57d0);
    outline-offset: 2px;
  }
`;
