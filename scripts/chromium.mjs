/**
 * The headless Chromium the tools here drive (Debian's package): its path and
 * the flags every use needs. Fake camera and microphone without a prompt; root
 * needs --no-sandbox; the rest keeps it quiet and light on a small machine.
 */
export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream=device-count=3', // three cameras (there are always three microphones and speakers)
  '--disable-background-networking',
  '--disable-gpu',
  '--disable-dev-shm-usage',
];

/** Chromium's flags for a call between tabs of one window: loopback ICE, and the tab behind not throttled. */
export const CALL_ARGS = [
  ...CHROMIUM_ARGS,
  '--allow-loopback-in-peer-connection',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
];
