/**
 * Look and keyboard in real Chromium against the real server: themes, the
 * keyboard shortcuts and hold-to-talk as the other side notices them, Escape
 * and focus, the phone-width bar with its "More" menu, and axe in each of
 * these states in both themes and both widths.
 */
import { expect } from '@open-wc/testing';
import { emulateMedia, sendKeys, sendMouse } from '@web/test-runner-commands';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { fullyConnected, inbound, joined, remoteTile } from './call-helpers.js';
import { meetingRoom, parts, uniqueRoom, until } from './helpers.js';

const part = (el: MeetingRoom, name: string) => parts(el, name)[0];

/** Alt+Shift+key, pressed as a person does. */
async function altShift(key: string): Promise<void> {
  await sendKeys({ down: 'Alt' });
  await sendKeys({ down: 'Shift' });
  await sendKeys({ press: key });
  await sendKeys({ up: 'Shift' });
  await sendKeys({ up: 'Alt' });
}

/** Relative luminance of a computed `rgb()` colour (0 black, 1 white). */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const background = (el: MeetingRoom) => luminance(getComputedStyle(el).backgroundColor);

const seenMic = (el: MeetingRoom, peer: MeetingRoom) =>
  el.call!.participants.find((p) => p.clientId === peer.clientId)?.audioEnabled;

/** Ada and Bob in a call; Ada was clicked last (on her own tile), so the keyboard is hers. */
async function pair(attrs: Record<string, string> = {}): Promise<[MeetingRoom, MeetingRoom]> {
  const [ada, bob] = (await joined(uniqueRoom('look'), ['Ada', 'Bob'], attrs)) as [MeetingRoom, MeetingRoom];
  await fullyConnected([ada, bob]);
  const tile = part(ada, 'local')!;
  tile.scrollIntoView({ block: 'center' });
  const box = tile.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
  return [ada, bob];
}

afterEach(async () => {
  await emulateMedia({ colorScheme: 'no-preference' });
});

describe('themes', () => {
  it('dark by default, light on request, auto follows the system, and a custom property wins', async () => {
    const el = await meetingRoom(uniqueRoom('theme'));
    expect(background(el), 'dark by default').to.be.below(0.05);
    el.setAttribute('theme', 'light');
    expect(background(el), 'light').to.be.above(0.8);
    el.setAttribute('theme', 'auto');
    await emulateMedia({ colorScheme: 'dark' });
    expect(background(el), 'auto in a dark system').to.be.below(0.05);
    await emulateMedia({ colorScheme: 'light' });
    expect(background(el), 'auto in a light system').to.be.above(0.8);
    el.style.setProperty('--meeting-room-background', 'rgb(10, 20, 30)');
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(10, 20, 30)');
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.getAttribute('theme'), 'the property reflects').to.equal('dark');
  });
});

describe('keyboard', () => {
  it('Alt+Shift+M mutes and unmutes (the other side sees it); M alone and keys typed in the chat do nothing', async () => {
    const [ada, bob] = await pair();
    await altShift('KeyM');
    await until(() => seenMic(bob, ada) === false, 'Bob sees Ada muted');
    expect(part(ada, 'mic-button')!.getAttribute('aria-pressed')).to.equal('false');
    await sendKeys({ press: 'KeyM' });
    await altShift('KeyC'); // opens the chat, focus in its input
    await until(() => part(ada, 'chat-input') && ada.shadowRoot!.activeElement === part(ada, 'chat-input'), 'chat');
    await sendKeys({ type: 'mvm' });
    await new Promise((r) => setTimeout(r, 300));
    expect(seenMic(bob, ada), 'still muted').to.equal(false);
    expect(ada.call!.videoEnabled, 'camera untouched').to.equal(true);
    await altShift('KeyM'); // the modifier works from the chat input too
    await until(() => seenMic(bob, ada) === true, 'Bob hears Ada again');
  });

  it('shortcuts="single": letters alone, never while typing; "off": none', async () => {
    const [ada, bob] = await pair({ shortcuts: 'single' });
    await sendKeys({ press: 'KeyM' });
    await until(() => seenMic(bob, ada) === false, 'M mutes');
    await sendKeys({ press: 'KeyC' });
    await until(() => ada.shadowRoot!.activeElement === part(ada, 'chat-input'), 'C opens the chat');
    await sendKeys({ type: 'm' });
    await new Promise((r) => setTimeout(r, 300));
    expect(seenMic(bob, ada), 'typing m in the chat does not unmute').to.equal(false);
    expect((part(ada, 'chat-input') as HTMLInputElement).value).to.equal('m');
    ada.shortcuts = 'off';
    (ada.shadowRoot!.activeElement as HTMLElement).blur();
    await sendKeys({ press: 'KeyM' });
    await altShift('KeyM');
    await new Promise((r) => setTimeout(r, 300));
    expect(seenMic(bob, ada), 'off').to.equal(false);
  });

  it('holding Space talks while muted, and releasing it mutes again', async () => {
    const [ada, bob] = await pair({ 'no-audio': '' });
    await until(() => seenMic(bob, ada) === false, 'Ada starts muted');
    await sendKeys({ down: 'Space' });
    await until(() => seenMic(bob, ada) === true, 'Bob hears Ada while Space is held');
    await sendKeys({ up: 'Space' });
    await until(() => seenMic(bob, ada) === false, 'muted again on release');
  });

  it('Alt+Shift+? lists the shortcuts; Escape closes a panel and gives focus back to its button', async () => {
    const [ada] = await pair();
    await altShift('Slash');
    const list = await until(() => part(ada, 'shortcut-list'), 'the shortcut list');
    expect(list.textContent).to.contain('Alt+Shift+M');
    expect(list.textContent).to.contain('Space');
    await expect(ada).to.be.accessible();
    part(ada, 'chat-button')!.focus();
    part(ada, 'chat-button')!.click();
    await until(() => part(ada, 'chat'), 'chat open');
    await sendKeys({ press: 'Escape' });
    await until(() => !part(ada, 'chat'), 'chat closed');
    await until(() => ada.shadowRoot!.activeElement === part(ada, 'chat-button'), 'focus back on the chat button');
  });
});

describe('announcements', () => {
  it('joins and leaves go to the polite region, several within a second as a count; those already there are not news', async () => {
    const room = uniqueRoom('announce');
    const [ada] = await joined(room, ['Ada']);
    const announcer = () => part(ada!, 'announcer')!;
    expect(announcer().getAttribute('role')).to.equal('status');
    const others = await Promise.all(['Bob', 'Cy', 'Dee'].map((name) => meetingRoom(room, { name })));
    await Promise.all(others.map((el) => el.join()));
    await until(() => announcer().textContent === '3 people joined', '"3 people joined"');
    others[0]!.leave();
    await until(() => announcer().textContent === 'Bob left', '"Bob left"');
    const eve = await meetingRoom(room, { name: 'Eve' });
    await eve.join();
    await until(() => eve.state === 'joined' && eve.call!.participants.length === 3, 'Eve in, with three others');
    await new Promise((r) => setTimeout(r, 1500));
    expect(part(eve, 'announcer')!.textContent, 'nothing about those already there').to.equal('');
    await until(() => announcer().textContent === 'Eve joined', '"Eve joined" at Ada');
  });
});

describe('a phone puts the page in the background', () => {
  /** What the operating system does: the page hidden (or shown again), on a touch device. */
  function hide(hidden: boolean): void {
    Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }
  const realMatchMedia = window.matchMedia.bind(window);
  afterEach(() => {
    delete (document as unknown as Record<string, unknown>)['hidden'];
    window.matchMedia = realMatchMedia;
  });

  it('pauses our video with no offer and no new capture; the other side sees "In background", then pictures again', async () => {
    window.matchMedia = (query: string) =>
      query === '(pointer: coarse)' ? ({ matches: true } as MediaQueryList) : realMatchMedia(query);
    const [ada, bob] = await pair();
    const frames = async () => (await inbound(bob, ada)).framesDecoded;
    const track = ada.call!.devices!.videoTrack!;
    let captures = 0;
    const realGum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (c) => (captures++, realGum(c));
    const offersBefore = ada.call!.link(bob.clientId!)!.connection.localDescription!.sdp;
    try {
      hide(true);
      const tile = () => remoteTile(bob, ada)!;
      await until(
        () => tile().querySelector('[data-indicator="connection"]')?.textContent === 'In background',
        'shown away',
      );
      expect(tile().querySelectorAll('[part~="avatar"]').length, 'an avatar, not a frozen frame').to.equal(1);
      await new Promise((r) => setTimeout(r, 500));
      const paused = await frames();
      await new Promise((r) => setTimeout(r, 1000));
      expect(await frames(), 'no pictures while hidden').to.be.at.most(paused + 1);
      expect(track.readyState, 'the camera track is kept').to.equal('live');

      hide(false);
      await until(() => !tile().part.contains('camera-off'), 'pictures again');
      await until(async () => (await frames()) > paused + 10, 'frames decoded again');
      expect(ada.call!.devices!.videoTrack, 'the same track').to.equal(track);
      expect(captures, 'no new capture').to.equal(0);
      expect(ada.call!.link(bob.clientId!)!.connection.localDescription!.sdp, 'no new offer').to.equal(offersBefore);
    } finally {
      navigator.mediaDevices.getUserMedia = realGum;
    }
  });

  it('a desktop tab that is hidden keeps sending video', async () => {
    const [ada, bob] = await pair();
    hide(true);
    const before = (await inbound(bob, ada)).framesDecoded;
    await until(async () => (await inbound(bob, ada)).framesDecoded > before + 10, 'frames keep coming');
    expect(remoteTile(bob, ada)!.part.contains('camera-off')).to.equal(false);
  });
});

describe('phone width', () => {
  it('one row: microphone, camera, chat, More, leave; the rest in More; panels cover the stage; axe in both themes', async () => {
    const [ada] = await pair();
    ada.style.width = '390px';
    ada.style.height = '700px';
    const bar = part(ada, 'controls')!;
    const visible = () => [...bar.querySelectorAll<HTMLElement>('button')].filter((b) => b.offsetParent !== null);
    await until(() => visible().length === 5, 'five controls in the bar');
    expect(visible().map((b) => b.getAttribute('part')!.split(' ')[1])).to.deep.equal([
      'mic-button',
      'camera-button',
      'chat-button',
      'more-button',
      'leave-button',
    ]);
    expect(new Set(visible().map((b) => Math.round(b.getBoundingClientRect().top))).size, 'one row').to.equal(1);
    for (const b of visible()) expect(b.getBoundingClientRect().width).to.be.at.least(44);
    expect(ada.scrollWidth, 'no horizontal scroll').to.be.at.most(ada.clientWidth);

    for (const theme of ['dark', 'light']) {
      ada.setAttribute('theme', theme);
      part(ada, 'more-button')!.click();
      const menu = await until(() => part(ada, 'more-menu'), 'the More menu');
      expect(part(ada, 'more-button')!.getAttribute('aria-expanded')).to.equal('true');
      expect(menu.textContent).to.contain('Raise hand');
      await expect(ada).to.be.accessible();
      menu.querySelector<HTMLElement>('[part~="participants-button"]')!.click();
      await until(() => part(ada, 'participants') && !part(ada, 'more-menu'), 'the panel, the menu closed');
      const panel = part(ada, 'participants')!.getBoundingClientRect();
      const stage = part(ada, 'stage')!.getBoundingClientRect();
      expect(Math.round(panel.width), 'the panel covers the stage').to.equal(Math.round(stage.width));
      await expect(ada).to.be.accessible();
      part(ada, 'close-button')!.click();
      await until(() => !part(ada, 'participants'), 'closed');
      await until(() => ada.shadowRoot!.activeElement === part(ada, 'more-button'), 'focus back on More');
    }
  });
});

describe('accessibility at desktop width', () => {
  it('axe finds nothing with chat, participants and settings open, in both themes', async () => {
    const [ada] = await pair();
    ada.style.width = '1280px';
    for (const theme of ['dark', 'light']) {
      ada.setAttribute('theme', theme);
      for (const panel of ['chat', 'participants', 'settings']) {
        part(ada, `${panel}-button`)!.click();
        await until(() => part(ada, panel), `${panel} open`);
        await expect(ada, `${panel} in ${theme}`).to.be.accessible();
      }
      part(ada, 'settings-button')!.click();
      await until(() => !part(ada, 'settings'), 'closed');
    }
  });
});
