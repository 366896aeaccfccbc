/** Frame size, rate limit and flood, capacity. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { loadConfig } from '../../server/config.js';
import { joinAll, newId, serverFor, sleep, TestClient } from './helpers.js';

describe('frame size', () => {
  it('answers too-large, then closes with 1009, for a frame over the limit', async (t) => {
    const srv = await serverFor(t, { limits: { maxFrameBytes: 1024 } });
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(`r-${newId()}`);
    a.send({ type: 'CHAT_MESSAGE', text: 'x'.repeat(1100) });
    assert.equal((await a.next('ERROR'))['code'], 'too-large');
    assert.equal((await a.closed).code, 1009);
  });

  it('closes with 1009 for a huge frame', async (t) => {
    const srv = await serverFor(t, { limits: { maxFrameBytes: 1024 } });
    const a = await TestClient.connect(srv.wsUrl);
    a.send('x'.repeat(1024 * 1024));
    assert.equal((await a.closed).code, 1009);
  });

  it('accepts a frame at the default 64 KiB limit and refuses one above it', async (t) => {
    const srv = await serverFor(t);
    const a = await TestClient.connect(srv.wsUrl);
    const padding = (size: number) => ' '.repeat(size - JSON.stringify({ type: 'LEAVE' }).length);
    a.send(`{"type":"LEAVE"}${padding(64 * 1024)}`);
    assert.equal((await a.next('ERROR'))['code'], 'not-joined', 'exactly 64 KiB is parsed');
    a.send(`{"type":"LEAVE"}${padding(64 * 1024 + 1)}`);
    assert.equal((await a.next('ERROR'))['code'], 'too-large');
    assert.equal((await a.closed).code, 1009);
  });
});

describe('rate limit', () => {
  it('refuses messages over the burst with rate-limited and does not forward them', async (t) => {
    const srv = await serverFor(t, { limits: { messagesPerSecond: 5, messageBurst: 10 } });
    const [a, b] = await joinAll(srv.wsUrl, `r-${newId()}`, 2);
    // joinAll used one message of a's budget (JOIN).
    for (let i = 0; i < 20; i++) a!.send({ type: 'AUDIO_TOGGLE', enabled: i % 2 === 0 });
    assert.equal((await a!.next('ERROR'))['code'], 'rate-limited');
    const forwarded = await b!.drain(200, 'AUDIO_TOGGLE');
    assert.ok(forwarded.length >= 8 && forwarded.length <= 10, `forwarded ${forwarded.length}`);
    assert.equal(a!.ws.readyState, WebSocket.OPEN, 'a short burst is not a flood');
    await sleep(600);
    a!.send({ type: 'CHAT_MESSAGE', text: 'after a pause' });
    assert.equal((await b!.next('CHAT_MESSAGE'))['text'], 'after a pause');
  });

  it('closes a socket that keeps flooding with 1008, while a pair in another room keeps working', async (t) => {
    const srv = await serverFor(t);
    const flooder = await TestClient.connect(srv.wsUrl);
    await flooder.join(`r-${newId()}`);
    const [a, b] = await joinAll(srv.wsUrl, `r-${newId()}`, 2);
    let sent = 0;
    let closed = false;
    flooder.closed.then(() => (closed = true));
    const started = Date.now();
    const flood = (async () => {
      while (!closed && Date.now() - started < 6000) {
        for (let i = 0; i < 100; i++) flooder.send({ type: 'CHAT_MESSAGE', text: `spam ${sent++}` });
        await sleep(5);
      }
    })();
    let delivered = 0;
    for (let i = 0; i < 20; i++) {
      a!.send({ type: 'CHAT_MESSAGE', text: `hello ${i}` });
      const got = await b!.next('CHAT_MESSAGE', (m) => m['text'] === `hello ${i}`, 1000);
      if (got) delivered++;
      await sleep(50);
    }
    const { code } = await flooder.closed;
    await flood;
    assert.equal(code, 1008);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1900 && elapsed < 6000, `closed after ${elapsed} ms`);
    assert.equal(delivered, 20, 'the other room lost nothing');
    assert.ok(flooder.messages.some((m) => m.type === 'ERROR' && m['code'] === 'rate-limited'));
    const errors = flooder.messages.filter((m) => m.type === 'ERROR').length;
    assert.ok(errors < 30, `rate-limited errors are throttled (${errors} for ${sent} messages)`);
  });
});

describe('capacity', () => {
  it('refuses a member over the room size with room-full', async (t) => {
    const srv = await serverFor(t, { limits: { maxParticipants: 2 } });
    const r = `r-${newId()}`;
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    const c = await TestClient.connect(srv.wsUrl);
    await c.expectError(
      { type: 'JOIN', room: r, clientId: c.clientId, audioEnabled: true, videoEnabled: true },
      'room-full',
    );
    assert.deepEqual(await a!.drain(50, 'JOIN'), []);
    b!.send({ type: 'LEAVE' });
    await a!.next('LEAVE');
    await c.join(r);
  });

  it('refuses a new room over the server limit with server-full', async (t) => {
    const srv = await serverFor(t, { limits: { maxRooms: 1 } });
    await joinAll(srv.wsUrl, `r-${newId()}`, 1);
    const c = await TestClient.connect(srv.wsUrl);
    await c.expectError(
      { type: 'JOIN', room: `r-${newId()}`, clientId: c.clientId, audioEnabled: true, videoEnabled: true },
      'server-full',
    );
  });

  it('answers 503 to a WebSocket upgrade over the connection limit', async (t) => {
    const srv = await serverFor(t, { limits: { maxConnections: 2 } });
    await TestClient.connect(srv.wsUrl);
    await TestClient.connect(srv.wsUrl);
    await assert.rejects(TestClient.connect(srv.wsUrl), /503/);
  });
});

describe('quiet sockets', () => {
  it('closes a socket that sent nothing within QUIET_SOCKET_MS with 4001; one that joined stays', async (t) => {
    const srv = await serverFor(t, { limits: { quietSocketMs: 300 } });
    const opened = Date.now();
    const quiet = await TestClient.connect(srv.wsUrl);
    const [member] = await joinAll(srv.wsUrl, `r-${newId()}`, 1);
    const closed = await quiet.closed;
    assert.equal(closed.code, 4001);
    assert.match(closed.reason, /nothing sent within 300 ms/);
    assert.ok(Date.now() - opened >= 250, `closed after ${Date.now() - opened} ms`);
    await sleep(400);
    assert.equal(member!.ws.readyState, WebSocket.OPEN, 'the member who joined is kept');
    member!.send({ type: 'CHAT_MESSAGE', text: 'still here' });
    assert.equal((await member!.next('CHAT_MESSAGE'))['text'], 'still here');
  });

  it('QUIET_SOCKET_MS: a minute by default, 0 keeps quiet sockets', async (t) => {
    assert.equal(loadConfig({}).limits.quietSocketMs, 60_000);
    assert.equal(loadConfig({ QUIET_SOCKET_MS: '0' }).limits.quietSocketMs, 0);
    assert.throws(() => loadConfig({ QUIET_SOCKET_MS: '-1' }), /quiet/i);
    const srv = await serverFor(t, { limits: { quietSocketMs: 0 } });
    const quiet = await TestClient.connect(srv.wsUrl);
    await sleep(400);
    assert.equal(quiet.ws.readyState, WebSocket.OPEN);
  });
});
