/**
 * The headless signaling client against the real server, in Node (with `ws`
 * as its WebSocket): resume after a dropped socket, the bounded queue, and no
 * replay of stale SDP or candidates.
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { reconnectDelay, SignalingClient, type SignalingEvents } from '../../src/core/signaling-client.js';
import { newId, serverFor, sleep, TestClient } from '../server/helpers.js';

function client(url: string, room: string, extra: Partial<ConstructorParameters<typeof SignalingClient>[0]> = {}) {
  return new SignalingClient({
    url,
    room,
    name: 'core',
    audioEnabled: true,
    videoEnabled: true,
    maxReconnectDelayMs: 200,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    ...extra,
  });
}

function next<K extends keyof SignalingEvents>(
  c: SignalingClient,
  type: K,
  timeoutMs = 5000,
): Promise<SignalingEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(type)} within ${timeoutMs} ms`)), timeoutMs);
    const off = c.on(type, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

describe('reconnectDelay', () => {
  it('is immediate first, then full jitter growing to the cap', () => {
    assert.equal(
      reconnectDelay(0, 10_000, () => 0.99),
      0,
    );
    assert.equal(
      reconnectDelay(1, 10_000, () => 0.5),
      500,
    );
    assert.equal(
      reconnectDelay(3, 10_000, () => 0.999),
      3996,
    );
    assert.equal(
      reconnectDelay(20, 10_000, () => 0.999),
      9990,
    );
    assert.equal(
      reconnectDelay(5, 10_000, () => 0),
      0,
    );
  });
});

describe('SignalingClient', () => {
  it('joins, and after the server drops its socket resumes the same seat without peers noticing', async (t) => {
    const srv = await serverFor(t);
    const room = `r-${newId()}`;
    const peer = await TestClient.connect(srv.wsUrl);
    await peer.join(room);
    const c = client(srv.wsUrl, room);
    t.after(() => c.close());
    const welcomed = next(c, 'welcome');
    c.connect();
    const first = await welcomed;
    assert.equal(first.resumed, false);
    assert.equal(c.state, 'joined');
    await peer.next('JOIN');

    const again = next(c, 'welcome');
    srv.server.dropConnections(); // the peer's socket too: it resumes by hand below
    const second = await again;
    assert.equal(second.resumed, true);
    assert.equal(second.message.clientId, c.clientId);
    c.send({ type: 'CHAT_MESSAGE', text: 'back' });
    const back = await TestClient.connect(srv.wsUrl);
    back.clientId = peer.clientId;
    await back.join(room, { resumeToken: peer.resumeToken });
    assert.equal((await back.next('CHAT_MESSAGE'))['text'], 'back');
    assert.deepEqual(await back.drain(200), [], 'the peer saw no LEAVE or JOIN');
  });

  it('keeps chat (bounded) and the latest toggles while away, sends them once joined, and never replays SDP or candidates', async (t) => {
    const first = await serverFor(t);
    const port = Number(new URL(first.url).port);
    const room = `r-${newId()}`;
    const c = client(first.wsUrl, room, { maxQueued: 3 });
    t.after(() => c.close());
    c.connect();
    await next(c, 'welcome');

    await first.close(); // the server goes away: c keeps retrying
    await sleep(50);
    assert.equal(c.state, 'reconnecting');
    assert.equal(
      c.send({ type: 'OFFER', to: 'peer-1234', sdp: 'stale', audioEnabled: true, videoEnabled: true }),
      false,
    );
    assert.equal(c.send({ type: 'CANDIDATE', to: 'peer-1234', candidate: null }), false);
    c.send({ type: 'AUDIO_TOGGLE', enabled: false });
    c.send({ type: 'VIDEO_TOGGLE', enabled: false });
    c.send({ type: 'AUDIO_TOGGLE', enabled: true }); // replaces the first toggle
    for (let i = 1; i <= 4; i++) c.send({ type: 'CHAT_MESSAGE', text: `m${i}` });

    const second = await serverFor(t, { port });
    const peer = await TestClient.connect(second.wsUrl);
    await peer.join(room);
    const joined = await peer.next('JOIN', undefined, 5000);
    assert.equal(joined['from'], c.clientId);
    assert.equal(joined['audioEnabled'], true, 'JOIN carries the latest media state');
    assert.equal(joined['videoEnabled'], false);
    const got = await peer.drain(300);
    assert.deepEqual(
      got.map((m) => (m.type === 'CHAT_MESSAGE' ? m['text'] : `${m.type}:${m['enabled']}`)),
      ['AUDIO_TOGGLE:true', 'VIDEO_TOGGLE:false', 'm2', 'm3', 'm4'],
      'toggles first, then the newest three chat lines; no OFFER or CANDIDATE',
    );
  });

  it('with a media promise, opens the socket at once but holds JOIN until the media is known, then announces it', async (t) => {
    const srv = await serverFor(t);
    const room = `r-${newId()}`;
    const peer = await TestClient.connect(srv.wsUrl);
    await peer.join(room);
    const c = client(srv.wsUrl, room);
    t.after(() => c.close());
    let mediaKnown!: (state: { audioEnabled: boolean; videoEnabled: boolean }) => void;
    c.connect(new Promise((resolve) => (mediaKnown = resolve)));
    // The socket is open (the server counts it) while JOIN waits.
    const open = async () => /meeting_connections 2\b/.test(await (await fetch(`${srv.url}/metrics`)).text());
    for (let i = 0; i < 100 && !(await open()); i++) await sleep(20);
    assert.ok(await open(), 'the socket opened before the media was known');
    assert.deepEqual(await peer.drain(200), [], 'no JOIN yet');
    assert.equal(c.state, 'connecting');
    const welcomed = next(c, 'welcome');
    mediaKnown({ audioEnabled: true, videoEnabled: false }); // no camera after all
    await welcomed;
    const joined = await peer.next('JOIN');
    assert.equal(joined['from'], c.clientId);
    assert.equal(joined['videoEnabled'], false, 'JOIN announces the media as it turned out');
  });

  it('close() sends LEAVE, closes the socket and stops reconnecting', async (t) => {
    const srv = await serverFor(t);
    const room = `r-${newId()}`;
    const peer = await TestClient.connect(srv.wsUrl);
    await peer.join(room);
    const c = client(srv.wsUrl, room);
    c.connect();
    await next(c, 'welcome');
    await peer.next('JOIN');
    c.close();
    assert.equal(c.state, 'closed');
    assert.equal((await peer.next('LEAVE'))['from'], c.clientId);
    await sleep(400);
    assert.equal(srv.server.rooms.sessionCount, 1, 'no reconnect after close');
  });

  it('abandons a dial that does not open in time and dials again, with a transport error each time', async (t) => {
    // A server that accepts the TCP connection and never answers the upgrade.
    const sockets: Socket[] = [];
    let closedByClient = 0;
    const silent = createServer((s) => {
      sockets.push(s);
      s.resume().on('end', () => closedByClient++);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      for (const s of sockets) s.destroy();
      silent.close();
    });
    const port = (silent.address() as { port: number }).port;
    const c = client(`ws://127.0.0.1:${port}/ws`, 'silent', { connectTimeoutMs: 300 });
    t.after(() => c.close());
    let errors = 0;
    c.on('error', (e) => {
      if (e.code === 'transport') errors++;
    });
    c.connect();
    await sleep(1500);
    assert.ok(sockets.length >= 3, `dialled ${sockets.length} times in 1.5 s with a 300 ms timeout`);
    assert.ok(errors >= 2, `${errors} transport errors`);
    assert.ok(closedByClient >= sockets.length - 1, `${closedByClient} of ${sockets.length} abandoned dials closed`);
    assert.equal(c.state, 'connecting');
  });

  it('a seat taken over (close code 4000) is reported as replaced and not redialled', async (t) => {
    const srv = await serverFor(t);
    const room = `r-${newId()}`;
    const c = client(srv.wsUrl, room);
    t.after(() => c.close());
    c.connect();
    const welcome = await next(c, 'welcome');
    const replaced = next(c, 'error');
    // Another connection takes the seat with the same clientId and resume token.
    const other = await TestClient.connect(srv.wsUrl);
    other.clientId = c.clientId;
    await other.join(room, { resumeToken: welcome.message.resumeToken });
    assert.equal((await replaced).code, 'replaced');
    assert.equal(c.state, 'closed');
    await sleep(400);
    assert.equal(srv.server.rooms.sessionCount, 1, 'the replaced client did not come back');
  });

  it('reports an unreachable server as a transport error', async () => {
    const c = client('ws://127.0.0.1:9/ws', 'nowhere');
    const error = next(c, 'error');
    c.connect();
    assert.equal((await error).code, 'transport');
    c.close();
  });
});
