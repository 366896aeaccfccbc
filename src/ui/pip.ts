/**
 * Picture-in-picture, fetched as its own chunk the first time someone reaches
 * for it. Where the page is top level and the browser has Document
 * Picture-in-Picture, a small always-on-top window shows the speaker (or the
 * share) with working microphone, camera and leave controls, styled like the
 * element (its sheets and the page's `--meeting-room-*` values are carried
 * over). Elsewhere (an iframe, other browsers) the speaker's video goes into
 * the browser's own video picture-in-picture, and the Media Session actions
 * `togglemicrophone`, `togglecamera` and `hangup` drive the call.
 */
import { render, type TemplateResult } from 'lit';
import type { MeetingRoomStrings } from './strings.js';

/** What the small window shows, and the local media state for its controls. */
export interface PipView {
  /** Whose video or share is shown. */
  label: string;
  stream: MediaStream | undefined;
  /** False while the shown person's camera is off: their name instead of a dark frame. */
  video: boolean;
  micOn: boolean;
  cameraOn: boolean;
  hasMic: boolean;
  hasCamera: boolean;
}

export interface PipActions {
  toggle: (kind: 'mic' | 'camera') => void;
  leave: () => void;
  /** The window was closed, by us or by the person. */
  closed: () => void;
}

export interface Pip {
  update(view: PipView): void;
  close(): void;
}

interface DocumentPictureInPicture {
  requestWindow(options: { width: number; height: number }): Promise<Window>;
}

/**
 * Opens picture-in-picture; must run within a click's user activation.
 * `content` draws the small window (views/pip-window.ts): the call hands it
 * over, so this chunk imports nothing from the call's.
 */
export function openPip(
  host: HTMLElement,
  t: MeetingRoomStrings,
  cssText: string,
  view: PipView,
  on: PipActions,
  content: (view: PipView) => TemplateResult,
): Promise<Pip> {
  const documentPip = (window as { documentPictureInPicture?: DocumentPictureInPicture }).documentPictureInPicture;
  return documentPip && window === window.top
    ? windowPip(documentPip, host, t, cssText, view, on, content)
    : videoPip(view, on);
}

async function windowPip(
  api: DocumentPictureInPicture,
  ...[host, t, cssText, view, on, content]: Parameters<typeof openPip>
): Promise<Pip> {
  const win = await api.requestWindow({ width: 360, height: 270 });
  const doc = win.document;
  doc.documentElement.lang = host.closest('[lang]')?.getAttribute('lang') ?? 'en';
  doc.title = t.pictureInPicture;
  // A sheet made in that window (CSP-safe, like Lit's own); the page's theme values travel with it.
  const sheet = new (win as unknown as typeof globalThis).CSSStyleSheet();
  sheet.replaceSync(cssText + PIP_CSS);
  doc.adoptedStyleSheets = [sheet];
  const computed = getComputedStyle(host);
  for (const name of Array.from(computed)) {
    if (name.startsWith('--meeting-room-')) doc.body.style.setProperty(name, computed.getPropertyValue(name));
  }
  win.addEventListener('pagehide', on.closed, { once: true });
  const draw = (v: PipView) => render(content(v), doc.body);
  draw(view);
  return { update: draw, close: () => win.close() };
}

const ACTIONS = ['togglemicrophone', 'togglecamera', 'hangup'] as const;

async function videoPip(view: PipView, on: PipActions): Promise<Pip> {
  const video = document.createElement('video');
  video.muted = video.autoplay = video.playsInline = true;
  video.srcObject = view.stream ?? null;
  if (video.readyState < 1)
    await new Promise((resolve) => video.addEventListener('loadedmetadata', resolve, { once: true }));
  await video.requestPictureInPicture();
  const session = navigator.mediaSession as MediaSession & {
    setMicrophoneActive?(active: boolean): void;
    setCameraActive?(active: boolean): void;
  };
  const handlers = {
    togglemicrophone: () => on.toggle('mic'),
    togglecamera: () => on.toggle('camera'),
    hangup: on.leave,
  };
  const handle = (action: (typeof ACTIONS)[number], handler: (() => void) | null) => {
    try {
      session.setActionHandler(action as MediaSessionAction, handler);
    } catch {
      // An action this browser does not know: its button is simply not offered.
    }
  };
  for (const action of ACTIONS) handle(action, handlers[action]);
  const update = (v: PipView) => {
    if (v.stream?.getVideoTracks().length && video.srcObject !== v.stream) video.srcObject = v.stream;
    session.setMicrophoneActive?.(v.micOn);
    session.setCameraActive?.(v.cameraOn);
  };
  update(view);
  video.addEventListener(
    'leavepictureinpicture',
    () => {
      for (const action of ACTIONS) handle(action, null);
      video.srcObject = null;
      on.closed();
    },
    { once: true },
  );
  return {
    update,
    close: () => {
      if (document.pictureInPictureElement === video) void document.exitPictureInPicture();
    },
  };
}

/** The window's own layout: the picture fills what the controls leave. */
const PIP_CSS = `body{margin:0;height:100vh;border-radius:0}[part~='pip-stage']{flex:1;min-height:0;aspect-ratio:auto;border-radius:0}`;
