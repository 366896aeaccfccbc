/** Browser test helpers: the real signaling server's URL and waiting on what a person would see. */
import { fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';

declare global {
  interface Window {
    __MEETING_TEST__: {
      signalUrl: string;
      httpUrl: string;
      adminToken: string;
      default: { signalUrl: string; httpUrl: string };
      turn: { signalUrl: string; httpUrl: string };
      turnShort: { signalUrl: string; httpUrl: string };
      coturn: { stunUrl: string; turnUrl: string; realm: string };
      hostile: { signalUrl: string };
      fast: { signalUrl: string; httpUrl: string };
      process: { signalUrl: string; httpUrl: string };
      redisA: { signalUrl: string; httpUrl: string };
      redisB: { signalUrl: string; httpUrl: string };
    };
  }
}

export const server = () => window.__MEETING_TEST__;

export const uniqueRoom = (prefix = 'room') => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/** Polls `check` until it returns a truthy value, or fails with `what` after `timeoutMs`. */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A `<meeting-room>` for `room` on the test server. It skips the pre-join
 * view (join() enters at once) unless `attrs` says `'skip-prejoin': false`.
 */
export async function meetingRoom(room: string, attrs: Record<string, string | boolean> = {}): Promise<MeetingRoom> {
  const el = await fixture<MeetingRoom>(
    html`<meeting-room room=${room} signal-url=${server().signalUrl}></meeting-room>`,
  );
  for (const [name, value] of Object.entries({ 'skip-prejoin': true, ...attrs })) {
    if (value === false) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : value);
  }
  await el.updateComplete;
  return el;
}

export const parts = (el: MeetingRoom, part: string) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${part}"]`),
];
