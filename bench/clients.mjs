/**
 * What the load generators and server tests share: a plain `ws` client that
 * joins a room, and waiting for a server process to answer /healthz.
 */
import { WebSocket } from 'ws';

/**
 * Server settings for load generators: every client connects from 127.0.0.1, so the per-address allowances
 * (tested on their own) are off.
 */
export const NO_ADDRESS_LIMITS = { ADDRESS_SOCKETS: '0', ADDRESS_JOINS_PER_MINUTE: '0', ADDRESS_ROOMS_PER_MINUTE: '0' };

/** Opens a socket to `url` (no compression, as browsers send signaling). */
export function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Opens a socket and joins `room` as `clientId`; resolves with the socket on WELCOME. */
export async function join(url, room, clientId) {
  const ws = await open(url);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no WELCOME for ${clientId}`)), 20_000);
    ws.on('message', function first(data) {
      if (!String(data).startsWith('{"type":"WELCOME"')) return;
      clearTimeout(timer);
      ws.off('message', first);
      resolve();
    });
    ws.send(JSON.stringify({ type: 'JOIN', room, clientId, audioEnabled: true, videoEnabled: true }));
  });
  return ws;
}

/** Resolves once `http://127.0.0.1:port/healthz` answers 200; fails after `timeoutMs` or when `exited()` says so. */
export async function healthy(port, { timeoutMs = 10_000, exited = () => false } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    if (Date.now() > deadline || exited()) throw new Error(`the server on port ${port} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
