/**
 * Picture-in-picture in real Chromium, opened with real input (the browser
 * wants a user gesture): Document Picture-in-Picture where it exists, and the
 * video picture-in-picture with Media Session actions where it does not. What
 * the others notice is read from their side of the call.
 */
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { fullyConnected, joined } from './call-helpers.js';
import { parts, uniqueRoom, until } from './helpers.js';

interface DocumentPip {
  window: Window | null;
}
const documentPip = () => (window as unknown as { documentPictureInPicture: DocumentPip }).documentPictureInPicture;

const part = (el: MeetingRoom, name: string) => parts(el, name)[0];

async function click(element: HTMLElement): Promise<void> {
  element.scrollIntoView({ block: 'center' });
  const box = element.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
}

/** How `el` sees `peer`'s microphone and camera. */
const seen = (el: MeetingRoom, peer: MeetingRoom) =>
  el.call!.participants.find((p) => p.clientId === peer.clientId) ?? {
    audioEnabled: undefined,
    videoEnabled: undefined,
  };

/** Frames the video has presented since it started (grows while pictures arrive). */
const presented = (video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames;

async function twoInACall(): Promise<[MeetingRoom, MeetingRoom]> {
  const [ada, bob] = (await joined(uniqueRoom('pip'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
  await fullyConnected([ada, bob]);
  return [ada, bob];
}

// Window attributes are the window's own properties: hidden by redefining, restored from here.
const realDocumentPip = Object.getOwnPropertyDescriptor(window, 'documentPictureInPicture')!;

describe('picture-in-picture', () => {
  afterEach(() => {
    Object.defineProperty(window, 'documentPictureInPicture', realDocumentPip);
    documentPip().window?.close();
  });

  it('a window with the other person and working microphone, camera and leave controls, in the page theme', async () => {
    const [ada, bob] = await twoInACall();
    ada.style.setProperty('--meeting-room-danger', 'rgb(1, 2, 3)');
    const button = part(ada, 'pip-button')!;
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    await click(button);
    const win = await until(() => documentPip().window, 'the picture-in-picture window');
    const doc = win.document;
    await until(() => button.getAttribute('aria-pressed') === 'true', 'the button pressed');

    // Bob, live: frames keep arriving in the small window.
    const video = await until(() => doc.querySelector<HTMLVideoElement>('[part~="pip-video"]'), 'a video');
    expect(video.srcObject).to.equal(ada.call!.participants[0]!.stream);
    const before = presented(video);
    await until(() => presented(video) > before + 5, 'frames shown in the window');
    expect(doc.querySelector('[part~="pip-name"]')!.textContent).to.equal('Bob');
    expect(doc.documentElement.lang).to.equal('en');
    const leave = doc.querySelector<HTMLButtonElement>('[part~="leave-button"]')!;
    expect(win.getComputedStyle(leave).backgroundColor, 'the page theme reaches the window').to.equal('rgb(1, 2, 3)');

    // Its microphone and camera buttons act on the call: Bob sees it, and both bars agree.
    const pipButton = (name: string) => doc.querySelector<HTMLButtonElement>(`[part~="${name}"]`)!;
    pipButton('mic-button').click();
    await until(() => seen(bob, ada).audioEnabled === false, 'Bob sees Ada muted');
    await until(() => pipButton('mic-button').getAttribute('aria-pressed') === 'false', 'the window shows it');
    expect(part(ada, 'mic-button')!.getAttribute('aria-pressed')).to.equal('false');
    pipButton('camera-button').click();
    await until(() => seen(bob, ada).videoEnabled === false, "Bob sees Ada's camera off");
    await until(() => pipButton('camera-button').getAttribute('aria-pressed') === 'false', 'the window shows it');
    await expect(ada).to.be.accessible();

    // Leave from the window: Ada is out, the window is gone, Bob's tile of Ada too.
    leave.click();
    await until(() => ada.state === 'left', 'Ada left');
    await until(() => documentPip().window === null, 'the window closed');
    await until(() => bob.call!.participants.length === 0, "Ada gone at Bob's");
  });

  it('follows the share, shows a name while the camera is off, and closes from its button', async () => {
    const [ada, bob] = await twoInACall();
    await click(part(ada, 'pip-button')!);
    const win = await until(() => documentPip().window, 'the picture-in-picture window');
    const name = () => win.document.querySelector('[part~="pip-name"]')?.textContent;
    await click(part(bob, 'share-button')!);
    await until(() => name() === "Bob's screen", "Bob's screen in the window");
    const video = win.document.querySelector<HTMLVideoElement>('[part~="pip-video"]')!;
    expect(video.srcObject).to.equal(ada.call!.participants[0]!.screenStream);
    await bob.stopShare();
    await bob.call!.setVideoEnabled(false);
    await until(() => name() === 'Bob' && win.document.querySelector('[part~="avatar"]'), 'Bob by name, no video');
    await click(part(ada, 'pip-button')!);
    await until(() => documentPip().window === null, 'the window closed');
    await until(() => part(ada, 'pip-button')!.getAttribute('aria-pressed') === 'false', 'the button released');
    expect(ada.state).to.equal('joined');
  });

  it('without Document PiP (an iframe, other browsers): video picture-in-picture driven by Media Session actions', async () => {
    Object.defineProperty(window, 'documentPictureInPicture', { value: undefined, configurable: true });
    const handlers = new Map<string, MediaSessionActionHandler | null>();
    const real = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
    navigator.mediaSession.setActionHandler = (action, handler) => {
      handlers.set(action, handler);
      real(action, handler);
    };
    try {
      const [ada, bob] = await twoInACall();
      await click(part(ada, 'pip-button')!);
      const video = await until(() => document.pictureInPictureElement as HTMLVideoElement | null, 'a video in PiP');
      expect(video.srcObject).to.equal(ada.call!.participants[0]!.stream);
      expect(video.videoWidth).to.be.greaterThan(0);
      expect(part(ada, 'pip-button')!.getAttribute('aria-pressed')).to.equal('true');

      handlers.get('togglemicrophone')!({ action: 'togglemicrophone' as MediaSessionAction });
      await until(() => seen(bob, ada).audioEnabled === false, 'Bob sees Ada muted');
      handlers.get('togglecamera')!({ action: 'togglecamera' as MediaSessionAction });
      await until(() => seen(bob, ada).videoEnabled === false, "Bob sees Ada's camera off");
      handlers.get('hangup')!({ action: 'hangup' as MediaSessionAction });
      await until(() => ada.state === 'left', 'Ada left');
      await until(() => document.pictureInPictureElement === null, 'picture-in-picture closed');
      await until(() => bob.call!.participants.length === 0, "Ada gone at Bob's");
      expect(
        [...handlers.values()].every((h) => h === null),
        'the actions are released',
      ).to.equal(true);
    } finally {
      navigator.mediaSession.setActionHandler = real;
    }
  });
});
