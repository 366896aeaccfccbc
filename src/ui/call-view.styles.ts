import { css } from 'lit';

/** The call's stage, tiles, controls and chat: loaded with the call view. */
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
    padding: var(--meeting-room-gap, 8px) var(--meeting-room-grid-side, var(--meeting-room-gap, 8px));
    overflow: hidden;
  }
  [data-layout='grid'] > [part~='tile'] {
    flex: none;
    width: var(--meeting-room-tile-w, 320px);
    height: var(--meeting-room-tile-h, 180px);
    aspect-ratio: auto;
  }
  [data-layout='speaker'] {
    display: grid;
    grid-template-rows: minmax(0, 1fr) auto;
    /* The large tile spans the width; the strip sits between two flexible side columns. */
    grid-template-columns: minmax(0, 1fr) repeat(var(--meeting-room-strip-n, 1), minmax(96px, 180px)) minmax(0, 1fr);
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
    box-shadow: 0 2px 12px rgb(0 0 0 / 40%);
  }
  [part~='focus'] [part~='video'] {
    object-fit: contain;
  }
  [part~='pin-button'] {
    position: absolute;
    top: 6px;
    right: 6px;
    padding: 2px 6px;
    color: #fff;
    background: rgb(0 0 0 / 55%);
    opacity: 0;
  }
  [part~='tile']:hover [part~='pin-button'],
  [part~='pin-button']:focus-visible,
  [part~='pin-button'][aria-pressed='true'] {
    opacity: 1;
  }
  [part~='tile'] {
    position: relative;
    display: grid;
    place-items: center;
    aspect-ratio: 16 / 9;
    background: var(--meeting-room-tile-background, #24292f);
    color: #fff;
    border-radius: var(--meeting-room-tile-radius, 8px);
    overflow: hidden;
  }
  [part~='video'] {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  [part~='video']:not([data-ready]) {
    visibility: hidden;
  }
  [part~='local'] [part~='video'] {
    transform: scaleX(-1);
  }
  [part~='avatar'] {
    display: grid;
    place-items: center;
    width: 64px;
    height: 64px;
    border-radius: 50%;
    font-size: 28px;
    background: rgb(255 255 255 / 15%);
  }
  [part~='name'],
  [part~='indicators'] {
    position: absolute;
    bottom: 8px;
    padding: 2px 8px;
    border-radius: 4px;
    background: rgb(0 0 0 / 60%);
  }
  [part~='name'] {
    left: 8px;
  }
  [part~='indicators'] {
    right: 8px;
    display: flex;
    gap: 6px;
  }
  [part~='indicators']:empty {
    display: none;
  }
  [part~='quality'] {
    position: absolute;
    top: 8px;
    right: 44px;
    padding: 2px 8px;
    border-radius: 4px;
    font-size: 0.85em;
    background: rgb(0 0 0 / 60%);
  }
  [part~='quality'][data-level='fair'] {
    color: var(--meeting-room-quality-fair, #ffd666);
  }
  [part~='quality'][data-level='poor'] {
    color: var(--meeting-room-quality-poor, #ff8a80);
  }
  [part~='controls'] {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 8px;
    padding: 8px;
  }
  button[aria-pressed='false'] {
    color: var(--meeting-room-color, #1f2328);
    background: transparent;
    box-shadow: inset 0 0 0 1px currentColor;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.5;
  }
  [part~='leave-button'] {
    background: var(--meeting-room-danger, #b42318);
  }
  [part~='unread-badge'] {
    display: inline-block;
    min-width: 1.5em;
    margin-left: 4px;
    padding: 0 4px;
    border-radius: 999px;
    color: var(--meeting-room-accent, #0b57d0);
    background: var(--meeting-room-accent-contrast, #fff);
    font-size: 0.85em;
  }
  [part~='chat'] {
    display: flex;
    flex-direction: column;
    width: var(--meeting-room-chat-width, 300px);
    max-width: 50%;
    border-left: 1px solid rgb(0 0 0 / 12%);
    background: var(--meeting-room-panel-background, #fff);
  }
  [part~='messages'] {
    flex: 1;
    margin: 0;
    padding: 8px;
    overflow-y: auto;
    list-style: none;
    min-height: 120px;
  }
  [part~='message'] {
    margin-bottom: 6px;
    overflow-wrap: anywhere;
  }
  [part~='message-sender'] {
    font-weight: 600;
  }
  [part~='message-time'] {
    margin-left: 6px;
    font-size: 0.85em;
    opacity: 0.7;
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
  [part~='chat-input'] {
    flex: 1;
    min-width: 0;
    font: inherit;
    padding: 6px 8px;
  }
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
    position: relative;
    display: grid;
    place-items: center;
    flex: 1 1 320px;
    max-width: 560px;
    aspect-ratio: 16 / 9;
    overflow: hidden;
    color: #fff;
    background: var(--meeting-room-tile-background, #24292f);
    border-radius: var(--meeting-room-tile-radius, 8px);
  }
  [part~='preview'] {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
    transform: scaleX(-1);
  }
  [part~='preview-controls'] {
    position: absolute;
    bottom: 12px;
    display: flex;
    gap: 8px;
  }
  [part~='preview-controls'] button[aria-pressed='false'] {
    color: #fff;
    background: var(--meeting-room-danger, #b42318);
    box-shadow: none;
  }
  [part~='prejoin-form'] {
    display: grid;
    gap: 12px;
    flex: 0 1 320px;
    min-width: 0;
  }
  [part~='prejoin-title'] {
    margin: 0;
    font-size: 1.4em;
  }
  [part~='prejoin-form'] [part~='room-name'] {
    margin: -8px 0 0;
    opacity: 0.75;
  }
  [part~='devices'] {
    display: grid;
    gap: 12px;
  }
  [part~='device-field'] {
    display: grid;
    gap: 4px;
  }
  [part~='device-label'] {
    font-size: 0.9em;
    font-weight: 600;
  }
  [part~='name-input'],
  [part~='device-select'] {
    min-width: 0;
    font: inherit;
    padding: 6px 8px;
    color: inherit;
    background: var(--meeting-room-panel-background, #fff);
    border: 1px solid rgb(127 127 127 / 60%);
    border-radius: 6px;
  }
  [part~='name-input'][readonly] {
    border-style: dashed;
  }
  [part~='mic-level'] {
    height: 6px;
    border-radius: 3px;
    overflow: hidden;
    background: rgb(127 127 127 / 25%);
  }
  [part~='mic-level-bar'] {
    display: block;
    height: 100%;
    width: var(--level, 0%);
    background: var(--meeting-room-accent, #0b57d0);
    transition: width 90ms linear;
  }
  [part~='test-sound-button'] {
    justify-self: start;
    color: var(--meeting-room-color, #1f2328);
    background: transparent;
    box-shadow: inset 0 0 0 1px currentColor;
  }
  [part~='prejoin-form'] [part~='error'],
  [part~='prejoin-form'] [part~='status'] {
    margin: 0;
    text-align: start;
  }
  [part~='permission-help'] {
    color: inherit;
  }
  [part~='settings'] {
    width: var(--meeting-room-chat-width, 300px);
    max-width: 50%;
    padding: 12px;
    overflow-y: auto;
    border-left: 1px solid rgb(0 0 0 / 12%);
    background: var(--meeting-room-panel-background, #fff);
  }
  [part~='toast'] {
    position: absolute;
    left: 50%;
    bottom: 64px;
    transform: translateX(-50%);
    margin: 0;
    padding: 8px 16px;
    border-radius: 8px;
    color: #fff;
    background: rgb(0 0 0 / 80%);
    pointer-events: none;
  }
  [part~='toast']:empty {
    padding: 0;
  }
  [part~='speaking'] {
    box-shadow: 0 0 0 3px var(--meeting-room-speaking, #2da44e);
  }
  [part~='screen'] {
    aspect-ratio: auto;
  }
  [part~='screen'] [part~='video'] {
    object-fit: contain;
    background: #000;
  }
  [part~='presenting'] {
    margin: 0 0 8px;
    font-size: 1.2em;
  }
  [part~='hand'] {
    position: absolute;
    top: 8px;
    left: 8px;
    padding: 2px 8px;
    border-radius: 4px;
    color: #1f2328;
    background: #ffd666;
    font-weight: 600;
  }
  [part~='participant'] [part~='hand'] {
    position: static;
  }
  [part~='reaction-float'] {
    position: absolute;
    bottom: 40px;
    left: 50%;
    font-size: 40px;
    pointer-events: none;
    animation: meeting-room-float 3s ease-out forwards;
  }
  @keyframes meeting-room-float {
    from {
      transform: translate(-50%, 0);
      opacity: 1;
    }
    to {
      transform: translate(-50%, -120px);
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='reaction-float'] {
      animation: none;
      transform: translateX(-50%);
    }
  }
  [part~='reaction-menu'] {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 4px;
    padding: 0 8px 8px;
  }
  [part~='reaction'] {
    font-size: 20px;
    padding: 4px 8px;
    background: transparent;
    box-shadow: inset 0 0 0 1px rgb(127 127 127 / 40%);
  }
  [part~='participants'] {
    width: var(--meeting-room-chat-width, 300px);
    max-width: 50%;
    padding: 8px 12px;
    overflow-y: auto;
    border-left: 1px solid rgb(0 0 0 / 12%);
    background: var(--meeting-room-panel-background, #fff);
  }
  [part~='participant-list'] {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part~='participant'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 8px;
    padding: 6px 0;
    border-bottom: 1px solid rgb(127 127 127 / 20%);
  }
  [part~='participant-name'] {
    flex: 1;
    font-weight: 600;
  }
  [part~='participant-state'] {
    flex-basis: 100%;
    font-size: 0.85em;
    opacity: 0.75;
  }
  [part~='lower-hand-button'] {
    padding: 2px 10px;
    font-size: 0.85em;
  }
  [part~='earlier-label'] {
    margin: 4px 0 8px;
    font-size: 0.85em;
    opacity: 0.7;
  }
  [part~='announcer'] {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (max-width: 600px) {
    [part~='stage'] {
      flex-direction: column;
    }
    [part~='chat'],
    [part~='settings'],
    [part~='participants'] {
      width: auto;
      max-width: none;
      border-left: 0;
      border-top: 1px solid rgb(0 0 0 / 12%);
    }
  }
`;
