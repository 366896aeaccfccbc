/**
 * A test-runner command for tests that judge what is drawn rather than what
 * the DOM says (an emoji drawn by a colour font or by a text font's outline):
 * `executeServerCommand('screenshot', { x, y, width, height })` answers a PNG
 * (base64) of that rectangle of the test's page, in CSS pixels.
 */
export function screenshotPlugin() {
  return {
    name: 'screenshot',
    async executeCommand({ command, payload, session }) {
      if (command !== 'screenshot') return undefined;
      if (session.browser.type !== 'puppeteer') throw new Error(`screenshot: not supported in ${session.browser.type}`);
      const { x, y, width, height } = payload ?? {};
      if (![x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0) {
        throw new Error(`screenshot: a rectangle { x, y, width, height } is needed, got ${JSON.stringify(payload)}`);
      }
      const page = session.browser.getPage(session.id);
      return page.screenshot({ clip: { x, y, width, height }, encoding: 'base64' });
    },
  };
}
