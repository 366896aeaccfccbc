/** Resume with the same clientId, the resume window, and dead sockets: LEAVE exactly once. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { joinAll, newId, serverFor, sleep, TestClient } from './helpers.js';

describe('resume', () => {
  it('a new socket with clientId and resumeToken takes the seat; peers see no JOIN or LEAVE; queued messages arrive in order', async (t) => {
    const srv = await serverFor(t, { limits: { resumeWindowMs: 2000 } });
    const r = `r-${newId()}`;
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    a!.ws.terminate();
    await a!.closed;
    await sleep(50);
    b!.send({ type: 'CHAT_MESSAGE', text: 'while you were away' });
    b!.send({ type: 'OFFER', to: a!.clientId, sdp: 'offer-1', audioEnabled: true, videoEnabled: true });
    b!.send({ type: 'CANDIDATE', to: a!.clientId, candidate: null });
    await b!.next('CHAT_MESSAGE');

    const back = await TestClient.connect(srv.wsUrl);
    back.clientId = a!.clientId;
    const welcome = await back.join(r, { resumeToken: a!.resumeToken, audioEnabled: false });
    assert.deepEqual(
      welcome.peers.map((p) => p.clientId),
      [b!.clientId],
    );
    assert.equal(welcome.resumeToken, a!.resumeToken);
    const queued = [await back.next(), await back.next(), await back.next()];
    assert.deepEqual(
      queued.map((m) => m.type),
      ['CHAT_MESSAGE', 'OFFER', 'CANDIDATE'],
    );
    assert.equal(queued[1]!['sdp'], 'offer-1');
    assert.deepEqual(await b!.drain(200), [], 'the peer saw neither LEAVE nor JOIN');

    // The seat works as before.
    back.send({ type: 'ANSWER', to: b!.clientId, sdp: 'answer-1', audioEnabled: false, videoEnabled: true });
    assert.equal((await b!.next('ANSWER'))['from'], a!.clientId);
    await Promise.all([back.close(), b!.close()]);
  });

  it('closes the old socket with 4000 when it is still open', async (t) => {
    const srv = await serverFor(t);
    const r = `r-${newId()}`;
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    const twin = await TestClient.connect(srv.wsUrl);
    twin.clientId = a!.clientId;
    await twin.join(r, { resumeToken: a!.resumeToken });
    assert.equal((await a!.closed).code, 4000);
    assert.deepEqual(await b!.drain(200), []);
    b!.send({ type: 'CHAT_MESSAGE', text: 'to the twin' });
    assert.equal((await twin.next('CHAT_MESSAGE'))['text'], 'to the twin');
    await Promise.all([twin.close(), b!.close()]);
  });

  it('refuses the clientId without the right resumeToken and leaves the member undisturbed', async (t) => {
    const srv = await serverFor(t);
    const r = `r-${newId()}`;
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    const thief = await TestClient.connect(srv.wsUrl);
    const join = { type: 'JOIN', room: r, clientId: a!.clientId, audioEnabled: true, videoEnabled: true };
    await thief.expectError(join, 'id-taken');
    await thief.expectError({ ...join, resumeToken: 'A'.repeat(32) }, 'id-taken');
    await thief.expectError({ ...join, resumeToken: b!.resumeToken }, 'id-taken');
    b!.send({ type: 'CHAT_MESSAGE', text: 'still with a?' });
    assert.equal((await a!.next('CHAT_MESSAGE'))['text'], 'still with a?');
    assert.deepEqual(await thief.drain(100), [], 'the refused socket learns nothing');
    assert.deepEqual(await b!.drain(100, 'LEAVE'), []);
    assert.deepEqual(await b!.drain(0, 'JOIN'), []);
    await Promise.all([a!.close(), b!.close(), thief.close()]);
  });

  it('keeps only the newest messages when more arrive than the queue holds', async (t) => {
    const srv = await serverFor(t, { limits: { resumeWindowMs: 2000, resumeQueueLength: 3 } });
    const r = `r-${newId()}`;
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    a!.ws.terminate();
    await sleep(100);
    for (let i = 1; i <= 6; i++) b!.send({ type: 'CHAT_MESSAGE', text: `m${i}` });
    await sleep(100);
    const back = await TestClient.connect(srv.wsUrl);
    back.clientId = a!.clientId;
    await back.join(r, { resumeToken: a!.resumeToken });
    const texts = (await back.drain(150, 'CHAT_MESSAGE')).map((m) => m['text']);
    assert.deepEqual(texts, ['m4', 'm5', 'm6']);
    await Promise.all([back.close(), b!.close()]);
  });
});

describe('departure', () => {
  it('announces LEAVE once when the resume window passes without a resume', async (t) => {
    const srv = await serverFor(t, { limits: { resumeWindowMs: 300 } });
    const r = `r-${newId()}`;
    const [a, b, c] = await joinAll(srv.wsUrl, r, 3);
    const closedAt = Date.now();
    await a!.close();
    assert.deepEqual(await b!.drain(150, 'LEAVE'), [], 'not before the window');
    const leave = await b!.next('LEAVE');
    assert.equal(leave['from'], a!.clientId);
    assert.ok(Date.now() - closedAt >= 290);
    await c!.next('LEAVE');
    assert.deepEqual(await b!.drain(400, 'LEAVE'), [], 'exactly once');
    // A late resume attempt is a fresh join now.
    const late = await TestClient.connect(srv.wsUrl);
    late.clientId = a!.clientId;
    const welcome = await late.join(r, { resumeToken: a!.resumeToken });
    assert.notEqual(welcome.resumeToken, a!.resumeToken);
    assert.equal((await b!.next('JOIN'))['from'], a!.clientId);
    await Promise.all([late.close(), b!.close(), c!.close()]);
  });

  it('terminates a socket that stops answering pings, then announces one LEAVE', async (t) => {
    const srv = await serverFor(t, { limits: { heartbeatMs: 100, resumeWindowMs: 100 } });
    const r = `r-${newId()}`;
    const [b] = await joinAll(srv.wsUrl, r, 1);
    const silent = await TestClient.connect(srv.wsUrl, { autoPong: false });
    await silent.join(r);
    await b!.next('JOIN');
    const start = Date.now();
    const leave = await b!.next('LEAVE', undefined, 2000);
    assert.equal(leave['from'], silent.clientId);
    assert.ok(Date.now() - start < 1000, 'within two heartbeats plus the window');
    assert.ok(silent.ws.readyState === WebSocket.CLOSED || silent.ws.readyState === WebSocket.CLOSING);
    assert.deepEqual(await b!.drain(300, 'LEAVE'), [], 'exactly once');
    assert.equal(srv.server.rooms.sessionCount, 1);
    await b!.close();
  });

  it('removes every trace of members and deletes empty rooms', async (t) => {
    const srv = await serverFor(t, { limits: { resumeWindowMs: 0 }, adminToken: 'admin-token-0123456789' });
    const r = `r-${newId()}`;
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    a!.send({
      type: 'CONNECTION_STATE',
      peer: b!.clientId,
      connectionState: 'connected',
      iceConnectionState: 'connected',
    });
    b!.send({
      type: 'CONNECTION_STATE',
      peer: a!.clientId,
      connectionState: 'connected',
      iceConnectionState: 'connected',
    });
    await sleep(50);
    assert.equal((await srv.server.store.graph(r))!.pairs.length, 2);
    await a!.close();
    await b!.next('LEAVE');
    const graph = await srv.server.store.graph(r);
    assert.deepEqual(graph!.pairs, []);
    assert.deepEqual(
      graph!.members.map((m) => m.clientId),
      [b!.clientId],
    );
    await b!.close();
    await sleep(50);
    assert.equal(await srv.server.store.graph(r), undefined);
    assert.deepEqual(srv.server.store.counts(), { rooms: 0, members: 0 });
    assert.equal(srv.server.rooms.sessionCount, 0);
  });
});

describe('WELCOME.iceServers', () => {
  it('carries STUN URLs and short-lived TURN credentials for this clientId when configured', async (t) => {
    const turn = { secret: 'turn-secret-0123456789', urls: ['turn:127.0.0.1:3478'], ttlSeconds: 600 };
    const srv = await serverFor(t, { turn, stunUrls: ['stun:127.0.0.1:3478'] });
    const a = await TestClient.connect(srv.wsUrl);
    const welcome = await a.join(`r-${newId()}`);
    const [stun, relay] = welcome.iceServers!;
    assert.deepEqual(stun, { urls: ['stun:127.0.0.1:3478'] });
    const [expiry, user] = relay!.username!.split(':');
    assert.equal(user, a.clientId);
    const lifetime = Number(expiry) - Date.now() / 1000;
    assert.ok(lifetime > 590 && lifetime <= 600, `expires in ${lifetime} s`);
    assert.equal(relay!.credential, createHmac('sha1', turn.secret).update(relay!.username!).digest('base64'));
  });
});
