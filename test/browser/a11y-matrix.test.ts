/**
 * axe in every state a person meets, in both themes, at desktop (1280×800)
 * and phone (390×844) size: lobby, pre-join, a permission error, alone, four
 * people, chat, participants, settings, a share, the "More" menu, left, an
 * error, reconnecting. In each state every visible control is at least
 * 24×24 px (WCAG 2.5.8). Real server, real Chromium, fake devices.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { fullyConnected, joined, joinedVia } from './call-helpers.js';
import { meetingRoom, parts, server, uniqueRoom, until } from './helpers.js';

const SIZES = { desktop: [1280, 800], phone: [390, 844] } as const;
const part = (el: MeetingRoom, name: string) => parts(el, name)[0];

/** axe, and no visible control smaller than 24×24 px. */
async function check(el: MeetingRoom, what: string): Promise<void> {
  await el.updateComplete;
  await expect(el, what).to.be.accessible();
  for (const b of el.shadowRoot!.querySelectorAll<HTMLElement>('button, select, input')) {
    if (b.offsetParent === null) continue;
    const box = b.getBoundingClientRect();
    const big = box.width >= 24 && box.height >= 24;
    expect(big, `${what}: ${b.getAttribute('part')} is ${box.width}×${box.height}`).to.equal(true);
  }
}

/** The element fills the viewport the way a page would give it a box. */
function fill(el: MeetingRoom, theme: string): void {
  el.setAttribute('theme', theme);
  el.style.width = '100%';
  el.style.height = `${window.innerHeight - 16}px`;
}

after(async () => {
  await setViewport({ width: 800, height: 600 });
});

for (const theme of ['dark', 'light']) {
  for (const [size, [width, height]] of Object.entries(SIZES)) {
    describe(`${theme}, ${size}`, () => {
      before(async () => {
        await setViewport({ width, height });
      });

      it('lobby, pre-join, a permission error, left, an error', async () => {
        const el = await meetingRoom(uniqueRoom('a11y'), { 'skip-prejoin': false, name: 'Ada' });
        fill(el, theme);
        await check(el, 'lobby');
        await el.join();
        await until(() => el.state === 'prejoin' && part(el, 'preview'), 'pre-join');
        await check(el, 'pre-join');
        el.leave();
        const gone = await meetingRoom(uniqueRoom('a11y'), { name: 'Ada' });
        fill(gone, theme);
        await gone.join();
        await until(() => gone.state === 'joined', 'joined');
        gone.leave();
        await until(() => gone.state === 'left', 'left');
        await check(gone, 'left');

        const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
        try {
          const denied = await meetingRoom(uniqueRoom('a11y'), { 'skip-prejoin': false });
          fill(denied, theme);
          await denied.join();
          await until(() => part(denied, 'error'), 'the permission error');
          await check(denied, 'permission error');
        } finally {
          navigator.mediaDevices.getUserMedia = real;
        }

        const broken = await meetingRoom(uniqueRoom('a11y'), { 'ice-servers': 'not json' });
        fill(broken, theme);
        await broken.join().catch(() => {});
        await until(() => broken.state === 'error', 'error state');
        await check(broken, 'error');
      });

      it('alone, then four people: grid, chat, participants, settings, a share, the More menu', async () => {
        const room = uniqueRoom('a11y');
        const [ada, ...others] = await joined(room, ['Ada']);
        fill(ada!, theme);
        await check(ada!, 'alone');
        const more = await joined(room, ['Bob', 'Cy', 'Dee']);
        for (const el of more) el.style.height = '200px';
        others.push(...more);
        await fullyConnected([ada!, ...more]);
        await check(ada!, 'four people');
        const narrow = size === 'phone';
        for (const panel of ['chat', 'participants', 'settings']) {
          if (narrow && panel !== 'chat') {
            part(ada!, 'more-button')!.click();
            await until(() => part(ada!, 'more-menu'), 'the More menu');
            await check(ada!, 'the More menu');
            part(ada!, 'more-menu')!.querySelector<HTMLElement>(`[part~="${panel}-button"]`)!.click();
          } else {
            part(ada!, `${panel}-button`)!.click();
          }
          await until(() => part(ada!, panel), `${panel} open`);
          await check(ada!, `${panel} open`);
          part(ada!, 'close-button')!.click();
          await until(() => !part(ada!, panel), `${panel} closed`);
        }
        await more[0]!.startShare();
        await until(() => part(ada!, 'screen'), 'the share at Ada');
        await check(ada!, 'a share on');
      });
    });
  }
}

describe('reconnecting', () => {
  it('axe finds nothing while the server is away, in both themes', async function () {
    this.timeout(60_000);
    const command = (payload: Record<string, unknown>) => executeServerCommand('meeting-server', payload);
    const [ada] = await joinedVia(server().process.signalUrl, uniqueRoom('a11y'), ['Ada']);
    await command({ server: 'process', action: 'kill' });
    try {
      await until(() => ada!.state === 'reconnecting', 'reconnecting', 15_000);
      for (const theme of ['dark', 'light']) {
        fill(ada!, theme);
        await check(ada!, `reconnecting, ${theme}`);
      }
    } finally {
      await command({ server: 'process', action: 'start' });
    }
  });
});
