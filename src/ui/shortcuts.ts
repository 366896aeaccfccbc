/**
 * Keyboard shortcuts. By default they need Alt+Shift, so they never take a
 * key a screen reader, speech input or the page uses (WCAG 2.1.4);
 * `shortcuts="single"` makes them single letters (never inside a text field),
 * `"off"` turns them off. Keys are read by their position (`event.code`), so
 * Alt+Shift+M is M on every layout and on macOS, where Alt changes the
 * character. Holding Space talks while muted, only when focus is on nothing
 * that Space operates.
 */
export type ShortcutMode = 'off' | 'modifier' | 'single';
export type ShortcutAction = 'mic' | 'camera' | 'chat' | 'share' | 'hand' | 'participants' | 'help';

/** Each action's key (the letter of `KeyX`; `?` is the key of `/`). */
export const SHORTCUT_KEYS: Record<ShortcutAction, string> = {
  mic: 'M',
  camera: 'V',
  chat: 'C',
  share: 'S',
  hand: 'H',
  participants: 'P',
  help: '?',
};

/** True when the key goes to something that types or that Space/letters operate. */
function takesKeys(event: KeyboardEvent, space: boolean): boolean {
  return event
    .composedPath()
    .some(
      (n) =>
        n instanceof HTMLElement &&
        (n.isContentEditable ||
          n.matches(
            space ? 'input, textarea, select, button, a[href], [role=button], video' : 'input, textarea, select',
          )),
    );
}

/** The action of a key press in `mode`, if it is one. */
export function shortcutOf(event: KeyboardEvent, mode: ShortcutMode): ShortcutAction | undefined {
  if (mode === 'off' || event.ctrlKey || event.metaKey || event.repeat) return undefined;
  if (mode === 'modifier' ? !(event.altKey && event.shiftKey) : event.altKey || takesKeys(event, false)) {
    return undefined;
  }
  const key = event.code === 'Slash' ? '?' : event.code.startsWith('Key') ? event.code.slice(3) : '';
  if (mode === 'single' && event.shiftKey !== (key === '?')) return undefined;
  return (Object.keys(SHORTCUT_KEYS) as ShortcutAction[]).find((action) => SHORTCUT_KEYS[action] === key);
}

/** Space, held to talk: not while typing, and not on a control that Space presses. */
export function isHoldToTalk(event: KeyboardEvent, mode: ShortcutMode): boolean {
  return (
    mode !== 'off' &&
    event.code === 'Space' &&
    !event.altKey &&
    !event.ctrlKey &&
    !event.metaKey &&
    !event.shiftKey &&
    !takesKeys(event, true)
  );
}
