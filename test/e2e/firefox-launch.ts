/** Headless Firefox (Debian's firefox-esr) for the tests, driven by puppeteer-core over WebDriver BiDi. */
import puppeteer, { type Browser } from 'puppeteer-core';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Headless Firefox with a fake camera and microphone, no permission prompt, and autoplay allowed; `prefs` add to them. */
export function launchFirefox(prefs: Record<string, unknown> = {}): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.autoplay.default': 0,
      'media.autoplay.blocking_policy': 0,
      ...prefs,
    },
  });
}
