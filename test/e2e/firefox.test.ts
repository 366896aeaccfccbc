/**
 * Firefox (Debian's firefox-esr, headless, driven by puppeteer-core over
 * WebDriver BiDi) against the built element and the real server: a call with
 * Chromium and a call between two Firefoxes, each with frames and audio at
 * both ends, toggles, chat, a raised hand and leave; the pre-join view with
 * Firefox's own devices; and where Firefox differs, the element degrades
 * visibly, never with an uncaught error. Firefox's fake devices come from
 * prefs (`media.navigator.streams.fake`), not flags; see the README's testing notes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX, launchFirefox } from './firefox-launch.js';
import { CHROMIUM } from '../../scripts/chromium.mjs';
// @ts-expect-error: a plain ES module of the scripts, without types
import { assertFreshBuild } from '../../scripts/fresh-build.mjs';
import { startServer, type TestServer } from '../server/helpers.js';
import { CALL_ARGS, framesDecoded, inbound, state, waitFor } from './pages.js';

let server: TestServer;
let chromium: Browser;
let firefox: Browser;
const errors: string[] = [];

before(async () => {
  assertFreshBuild('public');
  assert.ok(existsSync(FIREFOX), `${FIREFOX} is missing: install the Debian package firefox-esr (.ci/run does)`);
  server = await startServer({ staticDir: new URL('../../dist/public', import.meta.url).pathname });
  [chromium, firefox] = await Promise.all([
    puppeteer.launch({ executablePath: CHROMIUM, args: CALL_ARGS }),
    launchFirefox(),
  ]);
});

after(async () => {
  await Promise.all([chromium?.close(), firefox?.close()]);
  await server?.close();
});

/** A page of `browser` with a <meeting-room> for `room` as `name`, its uncaught errors recorded. */
async function open(browser: Browser, room: string, name: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => errors.push(`${name}: ${String(error)}`));
  await page.goto(`${server.url}/cms.html`, { waitUntil: 'load' });
  await page.evaluate(
    (room, name, signal) => {
      document.body.innerHTML = '';
      const el = document.createElement('meeting-room');
      el.setAttribute('room', room);
      el.setAttribute('name', name);
      el.setAttribute('signal-url', signal);
      document.body.append(el);
    },
    room,
    name,
    server.wsUrl,
  );
  await waitFor(() => page.evaluate(() => customElements.get('meeting-room') !== undefined), 'the element defined');
  return page;
}

/** Clicks a part of the element (the first match) as a person would. */
const click = (page: Page, part: string) =>
  page.evaluate((part) => {
    const target = document.querySelector('meeting-room')!.shadowRoot!.querySelector(`[part~="${part}"]`);
    if (!target) throw new Error(`no ${part}`);
    (target as HTMLElement).click();
  }, part);

const hasPart = (page: Page, part: string) =>
  page.evaluate(
    (part) => document.querySelector('meeting-room')!.shadowRoot!.querySelector(`[part~="${part}"]`) !== null,
    part,
  );

async function waitForValue<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function join(page: Page): Promise<void> {
  await page.bringToFront();
  await click(page, 'join-button');
  await waitFor(async () => (await state(page)) === 'prejoin', 'the pre-join view');
  await click(page, 'join-button');
  await waitFor(async () => (await state(page)) === 'joined', 'joined');
}

/** What the page shows of the other participant: whether their tile says mic off / camera off, and the hand. */
const remoteTile = (page: Page) =>
  page.evaluate(() => {
    const tile = document
      .querySelector('meeting-room')!
      .shadowRoot!.querySelector('[part~="tile"]:not([part~="local"]):not([part~="screen"])');
    return tile
      ? {
          muted: tile.part.contains('muted'),
          cameraOff: tile.part.contains('camera-off'),
          hand: tile.querySelector('[part~="hand"]') !== null,
          speaking: tile.hasAttribute('speaking'),
        }
      : undefined;
  });

const chatTexts = (page: Page) =>
  page.evaluate(() =>
    (document.querySelector('meeting-room') as unknown as { call: { chat: { text: string }[] } }).call.chat.map(
      (m) => m.text,
    ),
  );

/** Both pages decode the other's video and receive its audio. */
async function mediaBothWays(pages: Page[]): Promise<void> {
  for (const page of pages) {
    await waitFor(async () => (await framesDecoded(page)) > 10, 'remote frames decoded', 20_000);
    await waitFor(async () => (await inbound(page, 'audio', 'packetsReceived')) > 20, 'remote audio received', 20_000);
  }
}

/** Two pages of `browsers` in a fresh room, both joined, with video and audio both ways. */
async function call(browsers: [Browser, Browser], room: string, names: [string, string]): Promise<[Page, Page]> {
  const pages: [Page, Page] = [await open(browsers[0], room, names[0]), await open(browsers[1], room, names[1])];
  for (const page of pages) await join(page);
  await mediaBothWays(pages);
  return pages;
}

describe('Firefox', () => {
  it('Chromium ↔ Firefox: video and audio both ways, Firefox speaking seen, toggles and chat seen across, leave removes the tile', async () => {
    const [cr, ff] = await call([chromium, firefox], `ff-cr-${process.pid}`, ['Chromium', 'Firefox']);
    // Firefox's fake microphone is a steady tone: speech to Chromium's detector. (Chromium's fake one beeps too
    // briefly to count as speech; the Firefox pair below covers Firefox's side of the detection.)
    await waitFor(async () => (await remoteTile(cr))?.speaking === true, 'Firefox speaking, seen in Chromium');

    await click(ff, 'mic-button');
    await waitFor(async () => (await remoteTile(cr))?.muted === true, "Firefox's mute seen in Chromium");
    await click(ff, 'camera-button');
    await waitFor(async () => (await remoteTile(cr))?.cameraOff === true, "Firefox's camera off seen in Chromium");
    await click(cr, 'mic-button');
    await waitFor(async () => (await remoteTile(ff))?.muted === true, "Chromium's mute seen in Firefox");

    await ff.evaluate(() =>
      (document.querySelector('meeting-room') as unknown as { call: { sendChat(t: string): void } }).call.sendChat(
        'from Firefox',
      ),
    );
    await cr.evaluate(() =>
      (document.querySelector('meeting-room') as unknown as { call: { sendChat(t: string): void } }).call.sendChat(
        'from Chromium',
      ),
    );
    await waitFor(async () => (await chatTexts(cr)).includes('from Firefox'), 'Firefox chat in Chromium');
    await waitFor(async () => (await chatTexts(ff)).includes('from Chromium'), 'Chromium chat in Firefox');

    await click(ff, 'leave-button');
    await waitFor(async () => (await state(ff)) === 'left', 'Firefox left');
    await waitFor(async () => (await remoteTile(cr)) === undefined, "Firefox's tile gone in Chromium");
    await Promise.all([cr.close(), ff.close()]);
    assert.deepEqual(errors, []);
  });

  it('Firefox ↔ Firefox: video and audio both ways, speaking and a raised hand seen across, leave', async () => {
    const [a, b] = await call([firefox, firefox], `ff-ff-${process.pid}`, ['Ada', 'Bob']);
    // Levels from Firefox's receivers (getSynchronizationSources) drive the speaking outline as in Chromium.
    await waitFor(async () => (await remoteTile(b))?.speaking === true, 'Ada speaking, seen by Bob');
    await click(a, 'hand-button');
    await waitFor(async () => (await remoteTile(b))?.hand === true, "Ada's hand seen by Bob");
    await click(b, 'leave-button');
    await waitFor(async () => (await remoteTile(a)) === undefined, "Bob's tile gone");
    await Promise.all([a.close(), b.close()]);
    assert.deepEqual(errors, []);
  });

  it('a screen share headless Firefox cannot make says so (a toast and a share error), and the call goes on', async () => {
    const [cr, ff] = await call([chromium, firefox], `ff-share-${process.pid}`, ['Chromium', 'Firefox']);
    await ff.evaluate(() => {
      const el = document.querySelector('meeting-room')!;
      el.addEventListener('meeting-room-error', (e) => {
        const { code, cause } = e as unknown as { code: string; cause: string };
        (window as unknown as { shareErrors: string[] }).shareErrors.push(`${code} ${cause}`);
      });
      (window as unknown as { shareErrors: string[] }).shareErrors = [];
    });
    await click(ff, 'share-button');
    await waitFor(
      () =>
        ff.evaluate(
          () =>
            document
              .querySelector('meeting-room')!
              .shadowRoot!.querySelector('[part~="toast"]')
              ?.textContent?.trim() === 'This browser could not share a screen.',
        ),
      'the toast',
    );
    assert.deepEqual(await ff.evaluate(() => (window as unknown as { shareErrors: string[] }).shareErrors), [
      'share NotFoundError',
    ]);
    assert.equal(await state(ff), 'joined');
    assert.equal(await hasPart(cr, 'screen'), false, 'no screen tile at the other side');
    const frames = await framesDecoded(cr);
    await waitFor(async () => (await framesDecoded(cr)) > frames + 10, "Firefox's camera still decoded in Chromium");
    await Promise.all([cr.close(), ff.close()]);
    assert.deepEqual(errors, []);
  });

  it('picture-in-picture in Firefox: the Document PiP window shows the other person and its leave button leaves', async () => {
    const [cr, ff] = await call([chromium, firefox], `ff-pip-${process.pid}`, ['Chromium', 'Firefox']);
    assert.equal(await hasPart(ff, 'pip-button'), true);
    await ff.bringToFront();
    await ff.locator('meeting-room >>> [part~="pip-button"]').click();
    const shown = await waitForValue(() =>
      ff.evaluate(() => {
        const win = (window as unknown as { documentPictureInPicture: { window: Window | null } })
          .documentPictureInPicture.window;
        const video = win?.document.querySelector('video');
        return video && video.readyState >= 2
          ? { name: win!.document.querySelector('[part~="pip-name"]')?.textContent }
          : undefined;
      }),
    );
    assert.deepEqual(shown, { name: 'Chromium' }, "the window plays Chromium's video under its name");
    await ff.evaluate(() => {
      const win = (window as unknown as { documentPictureInPicture: { window: Window } }).documentPictureInPicture
        .window;
      (win.document.querySelector('[part~="leave-button"]') as HTMLElement).click();
    });
    await waitFor(async () => (await state(ff)) === 'left', 'left from the window');
    await waitFor(
      () =>
        ff.evaluate(
          () =>
            (window as unknown as { documentPictureInPicture: { window: Window | null } }).documentPictureInPicture
              .window === null,
        ),
      'the window closed',
    );
    await waitFor(async () => (await remoteTile(cr)) === undefined, "Firefox's tile gone in Chromium");
    await Promise.all([cr.close(), ff.close()]);
    assert.deepEqual(errors, []);
  });

  it('pre-join in Firefox: its camera and microphone in the pickers, the preview playing, the speaker picker where setSinkId is', async () => {
    const page = await open(firefox, `ff-pre-${process.pid}`, 'Pre');
    await click(page, 'join-button');
    await waitFor(async () => (await state(page)) === 'prejoin', 'the pre-join view');
    await waitFor(
      () =>
        page.evaluate(() => {
          const video = document.querySelector('meeting-room')!.shadowRoot!.querySelector('video');
          return video !== null && video.readyState >= 2 && video.videoWidth > 0;
        }),
      'the preview playing',
    );
    const pickers = await page.evaluate(() => {
      const root = document.querySelector('meeting-room')!.shadowRoot!;
      return {
        camera: [...root.querySelectorAll('[part~="camera-select"] option')].map((o) => o.textContent?.trim()),
        microphone: [...root.querySelectorAll('[part~="mic-select"] option')].map((o) => o.textContent?.trim()),
        speaker: root.querySelector('[part~="speaker-select"]') !== null,
        // Firefox lists speakers only after selectAudioOutput() or with real output devices: none here.
        speakerOptions: [...root.querySelectorAll('[part~="speaker-select"] option')].map((o) => o.textContent?.trim()),
        speakerDisabled: (root.querySelector('[part~="speaker-select"]') as HTMLSelectElement | null)?.disabled,
        sinkId: 'setSinkId' in HTMLMediaElement.prototype,
      };
    });
    assert.deepEqual(pickers.camera, ['Default Video Device']);
    assert.deepEqual(pickers.microphone, ['Default Audio Device']);
    assert.equal(pickers.speaker, pickers.sinkId, 'a speaker picker exactly where setSinkId exists');
    assert.deepEqual([pickers.speakerOptions, pickers.speakerDisabled], [['None found'], true]);
    await page.close();
    assert.deepEqual(errors, []);
  });
});
