import { css } from 'lit';

/**
 * The call's stage, tiles, controls, panels and the pre-join view: loaded with
 * the call view. Colours come from the palette the element's own styles set
 * (`--_bg`, `--_fg`, `--_panel`, `--_surface`, `--_accent`, `--_danger`...).
 * Below 640 px of width (a phone, a narrow column) the bar keeps five
 * controls and panels cover the stage instead of sitting beside it.
 */
export const callStyles = css`
  [part~='stage'] {
    position: relative;
    display: flex;
    flex: 1;
    min-height: 0;
  }
  [part~='grid'] {
    flex: 1;
    min-width: 0;
    min-height: 0;
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    align-content: center;
    gap: var(--meeting-room-gap, 8px);
    padding: var(--meeting-room-gap, 8px) var(--_side, var(--meeting-room-gap, 8px));
    overflow: hidden;
  }
  [data-layout='grid'] > [part~='tile'] {
    flex: none;
    width: var(--_tile-w, 320px);
    height: var(--_tile-h, 180px);
    aspect-ratio: auto;
  }
  [data-layout='speaker'] {
    display: grid;
    grid-template-rows: minmax(0, 1fr) auto;
    /* The large tile spans the width; the strip sits between two flexible side columns. */
    grid-template-columns: minmax(0, 1fr) repeat(var(--_strip, 1), minmax(96px, 180px)) minmax(0, 1fr);
    align-content: stretch;
    overflow-x: auto;
  }
  [data-layout='speaker'] > :not([part~='focus']) [part~='quality'] {
    display: none;
  }
  [data-layout='speaker'] > [part~='tile'] {
    grid-row: 2;
  }
  [data-layout='speaker'] > [part~='focus'] {
    grid-row: 1;
    grid-column: 1 / -1;
    aspect-ratio: auto;
    min-height: 0;
  }
  [part~='grid'] > [part~='float'] {
    position: absolute;
    right: 16px;
    bottom: 16px;
    z-index: 1;
    width: var(--meeting-room-float-width, 160px);
    height: auto;
    aspect-ratio: 16 / 9;
    box-shadow: 0 2px 12px #0006;
  }

  /* Tiles */
  [part~='tile'],
  [part~='preview-box'] {
    position: relative;
    display: grid;
    place-items: center;
    aspect-ratio: 16 / 9;
    overflow: hidden;
    color: #fff;
    background: var(--meeting-room-tile-background, light-dark(#3c4043, #2b2d31));
    border-radius: var(--meeting-room-tile-radius, 12px);
  }
  [part~='video'],
  [part~='preview'] {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  [part~='video']:not([data-ready]) {
    visibility: hidden;
  }
  [part~='local'] [part~='video'],
  [part~='preview'] {
    transform: scaleX(-1);
  }
  [part~='focus'] [part~='video'],
  [part~='screen'] [part~='video'] {
    object-fit: contain;
  }
  [part~='screen'] {
    aspect-ratio: auto;
    background: #000;
  }
  [part~='speaking'] {
    box-shadow: inset 0 0 0 3px var(--meeting-room-speaking, #34a853);
  }
  [part~='avatar'] {
    display: grid;
    place-items: center;
    width: min(96px, 40%);
    aspect-ratio: 1;
    border-radius: 50%;
    font-size: 1.6em;
    font-weight: 600;
    background: hsl(var(--_hue, 220) 50% 30%);
  }
  [part~='name'],
  [part~='indicators'],
  [part~='hand'],
  [part~='quality'] {
    position: absolute;
    display: flex;
    align-items: center;
    gap: 4px;
    padding: 2px 8px;
    border-radius: 6px;
    background: #0009;
  }
  [part~='name'] {
    left: 8px;
    bottom: 8px;
    max-width: calc(100% - 80px);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='indicators'] {
    right: 8px;
    bottom: 8px;
  }
  [part~='indicators']:empty {
    display: none;
  }
  [part~='indicators'] [part~='icon'] {
    width: 16px;
    height: 16px;
  }
  [part~='hand'] {
    top: 8px;
    left: 8px;
    color: #1f2328;
    background: #fdd663;
    font-weight: 600;
  }
  [part~='participant'] [part~='hand'] {
    position: static;
  }
  [part~='quality'] {
    top: 8px;
    right: 44px;
    align-items: end;
    gap: 2px;
    height: 26px;
    padding: 6px 8px;
  }
  [part~='quality'] i {
    width: 3px;
    height: 5px;
    background: currentColor;
    border-radius: 1px;
  }
  [part~='quality'] i + i {
    height: 9px;
  }
  [part~='quality'] i + i + i {
    height: 13px;
  }
  [part~='quality'][data-level='fair'] {
    color: var(--meeting-room-quality-fair, #fdd663);
  }
  [part~='quality'][data-level='fair'] i + i + i,
  [part~='quality'][data-level='poor'] i + i {
    opacity: 0.3;
  }
  [part~='quality'][data-level='poor'] {
    color: var(--meeting-room-quality-poor, #f28b82);
  }
  [part~='announcer'] {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  [part~='pin-button'] {
    position: absolute;
    top: 6px;
    right: 6px;
    padding: 4px;
    color: #fff;
    background: #0000008c;
    opacity: 0;
  }
  [part~='tile']:hover [part~='pin-button'],
  [part~='pin-button']:focus-visible,
  [part~='pin-button'][aria-pressed='true'] {
    opacity: 1;
  }

  /* Icons, buttons and their tooltips */
  [part~='icon'] {
    width: 20px;
    height: 20px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
    flex: none;
  }
  [data-tip] {
    position: relative;
  }
  [data-tip]:hover::after,
  [data-tip]:focus-visible::after {
    content: attr(data-tip);
    position: absolute;
    bottom: calc(100% + 6px);
    left: 50%;
    translate: -50%;
    z-index: 3;
    padding: 4px 8px;
    border-radius: 6px;
    color: #fff;
    background: #000000d9;
    font-size: 12px;
    white-space: nowrap;
    pointer-events: none;
  }
  [part~='quality']::after {
    top: 100%;
    bottom: auto !important;
    translate: -80% !important;
  }
  [part~='controls'] {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    padding: 8px 12px max(8px, env(safe-area-inset-bottom));
  }
  [part~='secondary'] {
    display: contents;
  }
  [part~='controls'] [part~='button'] {
    display: inline-grid;
    place-items: center;
    width: 44px;
    height: 44px;
    padding: 0;
    color: var(--_fg);
    background: var(--_surface);
  }
  [aria-pressed='true']:not([part~='mic-button'], [part~='camera-button']) {
    color: var(--_on-accent);
    background: var(--_accent);
  }
  [part~='controls'] [part~='mic-button'][aria-pressed='false'],
  [part~='controls'] [part~='camera-button'][aria-pressed='false'],
  [part~='preview-controls'] [aria-pressed='false'],
  [part~='controls'] [part~='leave-button'] {
    color: var(--_on-danger);
    background: var(--_danger);
  }
  [part~='more-button'] {
    display: none !important;
  }
  [part~='unread-badge'] {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 18px;
    padding: 0 4px;
    border-radius: 9px;
    color: var(--_on-accent);
    background: var(--_accent);
    font-size: 11px;
    line-height: 18px;
  }
  button:disabled {
    opacity: 0.5;
  }
  [part~='more-menu'],
  [part~='reaction-menu'] {
    position: absolute;
    right: 12px;
    bottom: 64px;
    z-index: 4;
    display: grid;
    gap: 4px;
    padding: 8px;
    border-radius: 12px;
    background: var(--_panel);
    box-shadow: 0 4px 24px #00000059;
  }
  [part~='more-menu'] button,
  [part~='shortcuts-button'] {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 8px 12px;
    border-radius: 8px;
    color: var(--_fg);
    background: transparent;
    text-align: start;
  }
  [part~='reaction-menu'] {
    left: 50%;
    right: auto;
    translate: -50%;
    display: flex;
  }
  [part~='reaction'] {
    padding: 4px 8px;
    font-size: 22px;
    background: transparent;
  }
  [part~='sound-button'] {
    position: absolute;
    inset: 0;
    z-index: 5;
    margin: auto;
    width: max-content;
    height: max-content;
    padding: 16px 32px;
    font-size: 1.1em;
    box-shadow: 0 0 0 100vmax #00000080;
  }
  [part~='toast'] {
    position: absolute;
    left: 50%;
    bottom: 72px;
    translate: -50%;
    z-index: 4;
    margin: 0;
    padding: 8px 16px;
    border-radius: 8px;
    color: #fff;
    background: #000000d9;
    pointer-events: none;
  }
  [part~='toast']:empty {
    padding: 0;
  }

  /* Panels: beside the grid, or over it in a narrow box */
  [part~='panel'] {
    display: flex;
    flex-direction: column;
    width: var(--meeting-room-chat-width, 320px);
    margin: 8px 8px 8px 0;
    border-radius: 12px;
    overflow: hidden;
    background: var(--_panel);
  }
  [part~='panel-header'] {
    display: flex;
    align-items: center;
    padding: 4px 4px 4px 16px;
  }
  [part~='panel-title'] {
    flex: 1;
    margin: 0;
    font-size: 1.05em;
  }
  [part~='close-button'],
  [part~='test-sound-button'] {
    padding: 8px;
    color: inherit;
    background: transparent;
  }
  [part~='messages'],
  [part~='participant-list'],
  [part~='shortcut-list'],
  [part~='settings'] [part~='devices'] {
    flex: 1;
    margin: 0;
    padding: 4px 16px;
    overflow-y: auto;
    list-style: none;
  }
  [part~='settings'] [part~='devices'] {
    flex: none;
  }
  [part~='message'] {
    margin: 0 0 8px;
    overflow-wrap: anywhere;
  }
  [part~='message-sender'] {
    font-weight: 600;
  }
  [part~='message-time'],
  [part~='earlier-label'],
  [part~='participant-state'] {
    margin-left: 6px;
    font-size: 0.85em;
    opacity: 0.75;
  }
  [part~='message-text'] {
    display: block;
    white-space: pre-wrap;
  }
  [part~='chat-form'] {
    display: flex;
    gap: 6px;
    padding: 8px;
  }
  [part~='chat-input'],
  [part~='name-input'],
  [part~='device-select'] {
    flex: 1;
    min-width: 0;
    font: inherit;
    padding: 8px 10px;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_line);
    border-radius: 8px;
  }
  [part~='participant'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 8px;
    padding: 8px 0;
    border-bottom: 1px solid var(--_line);
  }
  [part~='participant-name'] {
    flex: 1;
    font-weight: 600;
  }
  [part~='participant-state'] {
    flex-basis: 100%;
    margin: 0;
  }
  [part~='lower-hand-button'] {
    padding: 4px 12px;
    font-size: 0.85em;
  }
  [part~='shortcut-list'] {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 8px 12px;
  }
  [part~='shortcut-list'] dd {
    margin: 0;
  }
  [part~='shortcuts-button'] {
    margin: 8px;
  }

  /* Pre-join */
  [part~='prejoin'] {
    display: flex;
    flex: 1;
    flex-wrap: wrap;
    align-items: center;
    align-content: safe center;
    justify-content: center;
    gap: 24px;
    padding: 24px;
    width: 100%;
    min-height: 0;
    /* In a box shorter than the view (a phone), it scrolls: Join now stays reachable. */
    overflow-y: auto;
  }
  [part~='preview-box'] {
    flex: 1 1 320px;
    max-width: 560px;
  }
  [part~='preview-controls'] {
    position: absolute;
    bottom: 12px;
    display: flex;
    gap: 12px;
  }
  [part~='preview-controls'] button {
    display: inline-grid;
    place-items: center;
    width: 48px;
    height: 48px;
    padding: 0;
    color: #fff;
    background: #fff3;
  }
  [part~='prejoin-form'],
  [part~='devices'],
  [part~='device-field'] {
    display: grid;
    gap: 12px;
    min-width: 0;
  }
  [part~='prejoin-form'] {
    flex: 0 1 320px;
  }
  [part~='device-field'] {
    gap: 4px;
  }
  [part~='prejoin-title'] {
    margin: 0;
    font-size: 1.5em;
  }
  [part~='prejoin-form'] [part~='room-name'] {
    margin: -8px 0 0;
    font: inherit;
    opacity: 0.75;
  }
  [part~='device-label'] {
    font-size: 0.9em;
    font-weight: 600;
  }
  [part~='name-input'][readonly] {
    border-style: dashed;
  }
  [part~='mic-level'] {
    height: 6px;
    border-radius: 3px;
    overflow: hidden;
    background: var(--_surface);
  }
  [part~='mic-level-bar'] {
    display: block;
    height: 100%;
    width: var(--level, 0%);
    background: var(--_accent);
    transition: width 90ms linear;
  }
  [part~='test-sound-button'] {
    justify-self: start;
    box-shadow: inset 0 0 0 1px;
  }
  [part~='prejoin-form'] [part~='error'],
  [part~='prejoin-form'] [part~='status'] {
    margin: 0;
    text-align: start;
  }
  [part~='permission-help'] {
    color: inherit;
  }

  /* Reactions */
  [part~='reaction-float'] {
    position: absolute;
    bottom: 40px;
    left: 50%;
    translate: -50%;
    font-size: 40px;
    pointer-events: none;
    animation: meeting-room-float 3s ease-out forwards;
  }
  @keyframes meeting-room-float {
    to {
      translate: -50% -120px;
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='reaction-float'] {
      animation: none;
    }
  }

  /* Narrow boxes: five controls in one row, the rest in "More"; panels over the stage */
  @container (max-width: 639px) {
    [part~='controls'] [part~='secondary'] {
      display: none;
    }
    [part~='more-button'] {
      display: inline-grid !important;
    }
    [part~='panel'] {
      position: absolute;
      inset: 0;
      z-index: 3;
      width: auto;
      margin: 0;
      border-radius: 0;
    }
  }
  @container (min-width: 640px) {
    [part~='more-menu'] {
      display: none;
    }
  }
  @media (forced-colors: active) {
    [part~='tile'],
    [part~='panel'] {
      border: 1px solid CanvasText;
    }
    [part~='speaking'] {
      outline: 3px solid Highlight;
    }
  }
`;
