/** What the page tests read from a page with one <meeting-room> (puppeteer). */
import type { Page } from 'puppeteer-core';

export { CALL_ARGS } from '../../scripts/chromium.mjs';

/** The element's `state` attribute. */
export const state = (page: Page) => page.evaluate(() => document.querySelector('meeting-room')!.getAttribute('state'));

/** A counter summed over the page's inbound RTP of `kind` from the first other participant (read from the call). */
export const inbound = (page: Page, kind: 'audio' | 'video', field: 'framesDecoded' | 'packetsReceived') =>
  page.evaluate(
    async (kind, field) => {
      const el = document.querySelector('meeting-room') as unknown as {
        call?: {
          participants: { clientId: string }[];
          link(id: string): { connection: RTCPeerConnection } | undefined;
        };
      };
      const peer = el.call?.participants[0];
      const link = peer && el.call?.link(peer.clientId);
      if (!link) return 0;
      let total = 0;
      (await link.connection.getStats()).forEach((r: { type: string; kind?: string } & Record<string, unknown>) => {
        if (r.type === 'inbound-rtp' && r.kind === kind) total += (r[field] as number | undefined) ?? 0;
      });
      return total;
    },
    kind,
    field,
  );

/** Frames of the first other participant's video that the page decoded. */
export const framesDecoded = (page: Page) => inbound(page, 'video', 'framesDecoded');

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
