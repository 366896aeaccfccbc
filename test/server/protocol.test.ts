/** Every row of PROTOCOL.md, over real sockets. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { joinAll, newId, startServer, TestClient, type TestServer } from './helpers.js';

let srv: TestServer;
before(async () => (srv = await startServer()));
after(() => srv.close());

const room = () => `r-${newId()}`;

describe('JOIN and WELCOME', () => {
  it('welcomes the first member with no peers and a resume token', async () => {
    const a = await TestClient.connect(srv.wsUrl);
    const welcome = await a.join(room(), { name: 'Ada' });
    assert.equal(welcome.clientId, a.clientId);
    assert.deepEqual(welcome.peers, []);
    assert.ok(welcome.resumeToken.length >= 22, 'resume token carries at least 128 bits');
    assert.equal(welcome.iceServers, undefined);
    await a.close();
  });

  it('lists the others in WELCOME and announces the newcomer with JOIN', async () => {
    const r = room();
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(r, { name: 'Ada', videoEnabled: false });
    const b = await TestClient.connect(srv.wsUrl);
    const welcome = await b.join(r, { name: 'Bob', audioEnabled: false });
    const roomState = { handRaisedAt: null, screenSharing: false };
    assert.deepEqual(welcome.peers, [
      { clientId: a.clientId, name: 'Ada', audioEnabled: true, videoEnabled: false, ...roomState },
    ]);
    const joined = await a.next('JOIN');
    assert.deepEqual(joined, {
      type: 'JOIN',
      from: b.clientId,
      name: 'Bob',
      audioEnabled: false,
      videoEnabled: true,
      ...roomState,
    });
    assert.deepEqual(await b.drain(50, 'JOIN'), [], 'the newcomer is not told of itself');
    await Promise.all([a.close(), b.close()]);
  });

  it('uses "" when the name is absent', async () => {
    const r = room();
    const [a] = await joinAll(srv.wsUrl, r, 1);
    const b = await TestClient.connect(srv.wsUrl);
    b.send({ type: 'JOIN', room: r, clientId: b.clientId, audioEnabled: true, videoEnabled: true });
    await b.next('WELCOME');
    assert.equal((await a!.next('JOIN'))['name'], '');
    await Promise.all([a!.close(), b.close()]);
  });

  it('accepts nothing but JOIN before WELCOME', async () => {
    const a = await TestClient.connect(srv.wsUrl);
    const error = await a.expectError({ type: 'CHAT_MESSAGE', text: 'hi' }, 'not-joined');
    assert.equal(error['ref'], 'CHAT_MESSAGE');
    await a.expectError({ type: 'LEAVE' }, 'not-joined');
    await a.join(room());
    await a.close();
  });

  it('refuses a second JOIN, and allows JOIN again after LEAVE', async () => {
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(room());
    await a.expectError(
      { type: 'JOIN', room: room(), clientId: a.clientId, audioEnabled: true, videoEnabled: true },
      'already-joined',
    );
    a.send({ type: 'LEAVE' });
    await a.join(room());
    await a.close();
  });
});

describe('OFFER, ANSWER, CANDIDATE', () => {
  it('forwards to the one peer named in `to`, stamped with `from`, without `to` or unknown fields', async () => {
    const [a, b, c] = await joinAll(srv.wsUrl, room(), 3);
    a!.send({
      type: 'OFFER',
      to: b!.clientId,
      sdp: 'v=0 offer',
      audioEnabled: true,
      videoEnabled: false,
      from: c!.clientId,
      extra: 1,
    });
    assert.deepEqual(await b!.next('OFFER'), {
      type: 'OFFER',
      sdp: 'v=0 offer',
      audioEnabled: true,
      videoEnabled: false,
      from: a!.clientId,
    });
    b!.send({ type: 'ANSWER', to: a!.clientId, sdp: 'v=0 answer', audioEnabled: false, videoEnabled: true });
    assert.deepEqual(await a!.next('ANSWER'), {
      type: 'ANSWER',
      sdp: 'v=0 answer',
      audioEnabled: false,
      videoEnabled: true,
      from: b!.clientId,
    });
    const candidate = {
      candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    a!.send({ type: 'CANDIDATE', to: b!.clientId, candidate, candidateType: 'host' });
    assert.deepEqual(await b!.next('CANDIDATE'), {
      type: 'CANDIDATE',
      candidate,
      candidateType: 'host',
      from: a!.clientId,
    });
    a!.send({ type: 'CANDIDATE', to: b!.clientId, candidate: null });
    assert.deepEqual(await b!.next('CANDIDATE'), { type: 'CANDIDATE', candidate: null, from: a!.clientId });
    assert.deepEqual(await c!.drain(100), [], 'a third member sees none of it');
    await Promise.all([a!.close(), b!.close(), c!.close()]);
  });

  it('answers unknown-peer for `to` = self, a stranger, or a member of another room', async () => {
    const [a] = await joinAll(srv.wsUrl, room(), 1);
    const [other] = await joinAll(srv.wsUrl, room(), 1);
    const offer = (to: string) => ({ type: 'OFFER', to, sdp: 'x', audioEnabled: true, videoEnabled: true });
    await a!.expectError(offer(a!.clientId), 'unknown-peer');
    await a!.expectError(offer(newId()), 'unknown-peer');
    await a!.expectError(offer(other!.clientId), 'unknown-peer');
    await a!.expectError({ type: 'CANDIDATE', to: other!.clientId, candidate: null }, 'unknown-peer');
    assert.deepEqual(await other!.drain(100), [], 'nothing reached the other room');
    await Promise.all([a!.close(), other!.close()]);
  });
});

describe('AUDIO_TOGGLE and VIDEO_TOGGLE', () => {
  it('go to everyone else, and the new state shows in later WELCOMEs', async () => {
    const r = room();
    const [a, b, c] = await joinAll(srv.wsUrl, r, 3);
    a!.send({ type: 'AUDIO_TOGGLE', enabled: false });
    a!.send({ type: 'VIDEO_TOGGLE', enabled: false });
    for (const peer of [b!, c!]) {
      assert.deepEqual(await peer.next('AUDIO_TOGGLE'), { type: 'AUDIO_TOGGLE', enabled: false, from: a!.clientId });
      assert.deepEqual(await peer.next('VIDEO_TOGGLE'), { type: 'VIDEO_TOGGLE', enabled: false, from: a!.clientId });
    }
    assert.deepEqual(await a!.drain(50), [], 'the sender gets no echo');
    const d = await TestClient.connect(srv.wsUrl);
    const welcome = await d.join(r);
    const seenA = welcome.peers.find((p) => p.clientId === a!.clientId);
    assert.deepEqual(seenA, {
      clientId: a!.clientId,
      name: 'p0',
      audioEnabled: false,
      videoEnabled: false,
      handRaisedAt: null,
      screenSharing: false,
    });
    await Promise.all([a!.close(), b!.close(), c!.close(), d.close()]);
  });
});

describe('VIDEO_TOGGLE in the background', () => {
  it('forwards background with a paused camera only, and refuses a background that is not true', async () => {
    const [a, b] = await joinAll(srv.wsUrl, room(), 2);
    a!.send({ type: 'VIDEO_TOGGLE', enabled: false, background: true });
    assert.deepEqual(await b!.next('VIDEO_TOGGLE'), {
      type: 'VIDEO_TOGGLE',
      enabled: false,
      background: true,
      from: a!.clientId,
    });
    // Back: a camera that is on is never "in the background".
    a!.send({ type: 'VIDEO_TOGGLE', enabled: true, background: true });
    assert.deepEqual(await b!.next('VIDEO_TOGGLE'), { type: 'VIDEO_TOGGLE', enabled: true, from: a!.clientId });
    for (const background of [false, 'yes', 1, null]) {
      await a!.expectError({ type: 'VIDEO_TOGGLE', enabled: false, background }, 'bad-message');
    }
    assert.deepEqual(await b!.drain(100), [], 'nothing invalid was forwarded');
    await Promise.all([a!.close(), b!.close()]);
  });
});

describe('CHAT_MESSAGE', () => {
  it('reaches everyone, the sender included, with server id, seq, ts and name', async () => {
    const [a, b] = await joinAll(srv.wsUrl, room(), 2);
    const before = Date.now();
    a!.send({ type: 'CHAT_MESSAGE', text: 'hello <b>there</b>' });
    a!.send({ type: 'CHAT_MESSAGE', text: 'second' });
    for (const client of [a!, b!]) {
      const first = await client.next('CHAT_MESSAGE');
      const second = await client.next('CHAT_MESSAGE');
      assert.equal(first['text'], 'hello <b>there</b>');
      assert.equal(first['from'], a!.clientId);
      assert.equal(first['name'], 'p0');
      assert.ok(typeof first['id'] === 'string' && first['id'] !== second['id']);
      assert.ok((second['seq'] as number) > (first['seq'] as number));
      assert.ok((first['ts'] as number) >= before && (first['ts'] as number) <= Date.now());
    }
    await a!.expectError({ type: 'CHAT_MESSAGE', text: '' }, 'bad-message');
    await a!.expectError({ type: 'CHAT_MESSAGE', text: 'x'.repeat(2001) }, 'bad-message');
    await Promise.all([a!.close(), b!.close()]);
  });
});

describe('CONNECTION_STATE and ANALYTICS', () => {
  it('are never forwarded, and CONNECTION_STATE about a stranger is unknown-peer', async () => {
    const [a, b] = await joinAll(srv.wsUrl, room(), 2);
    a!.send({
      type: 'CONNECTION_STATE',
      peer: b!.clientId,
      connectionState: 'connected',
      iceConnectionState: 'connected',
      localCandidateType: 'host',
      remoteCandidateType: 'host',
      rttMs: 1.5,
    });
    a!.send({ type: 'ANALYTICS', event: 'connection-established', peer: b!.clientId, ms: 120 });
    await a!.expectError(
      { type: 'CONNECTION_STATE', peer: newId(), connectionState: 'new', iceConnectionState: 'new' },
      'unknown-peer',
    );
    await a!.expectError(
      { type: 'CONNECTION_STATE', peer: b!.clientId, connectionState: 'bogus', iceConnectionState: 'new' },
      'bad-message',
    );
    assert.deepEqual(await b!.drain(100), []);
    await Promise.all([a!.close(), b!.close()]);
  });
});

describe('LEAVE', () => {
  it('tells the others once, keeps the socket open, and forgets the member', async () => {
    const [a, b] = await joinAll(srv.wsUrl, room(), 2);
    a!.send({ type: 'LEAVE' });
    assert.deepEqual(await b!.next('LEAVE'), { type: 'LEAVE', from: a!.clientId });
    await b!.expectError(
      { type: 'OFFER', to: a!.clientId, sdp: 'x', audioEnabled: true, videoEnabled: true },
      'unknown-peer',
    );
    await a!.expectError({ type: 'CHAT_MESSAGE', text: 'still here?' }, 'not-joined');
    await a!.close();
    assert.deepEqual(await b!.drain(100, 'LEAVE'), [], 'closing after LEAVE announces nothing more');
    await b!.close();
  });
});

describe('validation', () => {
  it('answers bad-json for a frame that is not JSON, joined or not', async () => {
    const a = await TestClient.connect(srv.wsUrl);
    await a.expectError('{"type": "JOIN"', 'bad-json');
    await a.join(room());
    await a.expectError('not json', 'bad-json');
    await a.close();
  });

  it('answers bad-message for unknown types and wrong shapes, with the type as ref', async () => {
    const a = await TestClient.connect(srv.wsUrl);
    await a.expectError({ type: 'HELLO' }, 'bad-message');
    await a.expectError([1, 2], 'bad-message');
    await a.expectError('"JOIN"', 'bad-message');
    await a.expectError({ type: 42 }, 'bad-message');
    await a.expectError({ type: '__proto__' }, 'bad-message');
    const bad = [
      { type: 'JOIN', room: 'has space', clientId: a.clientId, audioEnabled: true, videoEnabled: true },
      { type: 'JOIN', room: 'x'.repeat(65), clientId: a.clientId, audioEnabled: true, videoEnabled: true },
      { type: 'JOIN', room: 'ok', clientId: 'short', audioEnabled: true, videoEnabled: true },
      { type: 'JOIN', room: 'ok', clientId: a.clientId, audioEnabled: 'yes', videoEnabled: true },
      { type: 'JOIN', room: 'ok', clientId: a.clientId, audioEnabled: true },
      { type: 'JOIN', room: 'ok', clientId: a.clientId, name: 'n'.repeat(65), audioEnabled: true, videoEnabled: true },
    ];
    for (const message of bad) {
      const error = await a.expectError(message, 'bad-message');
      assert.equal(error['ref'], 'JOIN');
    }
    await a.join(room());
    // An SFU report's layers: counts of h, m, l and none (whole, 0 to 1000; other keys are dropped, as anywhere).
    const report = { type: 'SFU_STATE', target: 'subscriber', connectionState: 'connected' };
    for (const layers of [{ h: -1 }, { l: 1.5 }, { m: 1001 }, { none: '1' }, 'h']) {
      const error = await a.expectError({ ...report, layers }, 'bad-message');
      assert.equal(error['ref'], 'SFU_STATE', JSON.stringify(layers));
    }
    a.send({ ...report, layers: { h: 1, l: 3, none: 1 } });
    assert.deepEqual(await a.drain(200, 'ERROR'), [], 'a proper report is taken without an answer');
    await a.close();
  });

  it('refuses binary frames and keeps the socket open', async () => {
    const a = await TestClient.connect(srv.wsUrl);
    a.ws.send(Buffer.from('{"type":"LEAVE"}'));
    assert.equal((await a.next('ERROR'))['code'], 'bad-message');
    await a.join(room());
    await a.close();
  });
});
