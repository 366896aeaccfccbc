/**
 * A hostile or broken signaling server: malformed, out-of-order and
 * unexpected messages reach the client. Nothing throws; garbage is ignored
 * and the valid messages around it still work.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WebSocket, WebSocketServer } from 'ws';
import { isServerMessage } from '../../src/core/server-messages.js';
import { isSfuMessage } from '../../src/core/sfu-messages.js';
import { SignalingClient, type SignalingEvents } from '../../src/core/signaling-client.js';

const GARBAGE: unknown[] = [
  'not json',
  '[1,2,3]',
  'null',
  '42',
  { type: 'WELCOME' },
  { type: 'WELCOME', clientId: 'x'.repeat(100), room: 'r', resumeToken: 't', peers: [] },
  { type: 'WELCOME', clientId: 'abcdefgh', room: 'r', resumeToken: 't', peers: 'everyone' },
  { type: 'WELCOME', clientId: 'abcdefgh', room: 'r', resumeToken: 't', peers: [{ clientId: 5 }] },
  { type: 'JOIN', name: 'no from', audioEnabled: true, videoEnabled: true },
  { type: 'OFFER', from: 'peer-0001', sdp: 42, audioEnabled: true, videoEnabled: true },
  { type: 'CANDIDATE', from: 'peer-0001', candidate: 'a string' },
  { type: 'CHAT_MESSAGE', from: 'peer-0001', text: { html: '<b>' } },
  { type: 'LEAVE' },
  { type: 'TELEPORT', from: 'peer-0001' },
  { type: '__proto__' },
  { type: 'ERROR' },
  { type: 'HAND', from: 'peer-0001', raised: 'yes' },
  { type: 'HAND', from: 'peer-0001', raised: true, at: 'noon' },
  { type: 'REACTION', from: 'peer-0001', emoji: '<img src=x onerror=alert(1)>' },
  { type: 'REACTION', from: 'peer-0001', emoji: '💩' },
  { type: 'SCREEN_SHARE', from: 'peer-0001' },
  { type: 'ICE_SERVERS' },
  { type: 'ICE_SERVERS', iceServers: 'turn:evil' },
  { type: 'ICE_SERVERS', iceServers: [{ urls: 42 }] },
  { type: 'ICE_SERVERS', iceServers: [null] },
  { type: 'WELCOME', clientId: 'abcdefgh', room: 'r', resumeToken: 't', peers: [], chat: 'all of it' },
  { type: 'WELCOME', clientId: 'abcdefgh', room: 'r', resumeToken: 't', peers: [], chat: [{ text: 'no sender' }] },
  {
    type: 'WELCOME',
    clientId: 'abcdefgh',
    room: 'r',
    resumeToken: 't',
    peers: [{ clientId: 'peer-0001', name: '', audioEnabled: true, videoEnabled: false, handRaisedAt: 'now' }],
  },
];

describe('isServerMessage', () => {
  it('accepts well-formed messages and rejects the garbage list', () => {
    assert.ok(isServerMessage({ type: 'LEAVE', from: 'peer-0001' }));
    assert.ok(isServerMessage({ type: 'CANDIDATE', from: 'peer-0001', candidate: null }));
    assert.ok(isServerMessage({ type: 'HAND', from: 'peer-0001', raised: true, at: 1764300000000 }));
    assert.ok(isServerMessage({ type: 'REACTION', from: 'peer-0001', emoji: '👏' }));
    assert.ok(isServerMessage({ type: 'SCREEN_SHARE', from: 'peer-0001', enabled: false }));
    assert.ok(
      isServerMessage({
        type: 'ICE_SERVERS',
        iceServers: [{ urls: ['turn:192.0.2.1:3478?transport=udp'], username: '1:a', credential: 'c' }],
      }),
    );
    assert.ok(
      isServerMessage({
        type: 'WELCOME',
        clientId: 'abcdefgh',
        room: 'r',
        resumeToken: 't',
        peers: [{ clientId: 'peer-0001', name: '', audioEnabled: true, videoEnabled: false }],
      }),
    );
    for (const g of GARBAGE) assert.equal(isServerMessage(typeof g === 'string' ? g : g), false, JSON.stringify(g));
  });

  it('never throws on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => typeof isServerMessage(value) === 'boolean'),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(
          'WELCOME',
          'JOIN',
          'OFFER',
          'CHAT_MESSAGE',
          'ERROR',
          'HAND',
          'REACTION',
          'SCREEN_SHARE',
          'ICE_SERVERS',
        ),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (type, rest) => typeof isServerMessage({ ...rest, type }) === 'boolean',
      ),
      { numRuns: 5000 },
    );
  });
});

describe('SignalingClient against a hostile server', () => {
  it('ignores garbage before and after WELCOME, and still joins and receives chat', async (t) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    t.after(() => {
      for (const c of wss.clients) c.terminate();
      return new Promise((r) => wss.close(() => r(undefined)));
    });
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as { port: number }).port;
    wss.on('connection', (ws) => {
      ws.once('message', () => {
        const send = (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
        GARBAGE.forEach(send);
        send({
          type: 'CHAT_MESSAGE',
          from: 'peer-0001',
          name: 'early',
          text: 'before welcome',
          id: 'c0',
          seq: 0,
          ts: 1,
        });
        send({ type: 'WELCOME', clientId: 'client-0001', room: 'r', resumeToken: 'tok', peers: [] });
        GARBAGE.forEach(send);
        ws.send(Buffer.from([0xff, 0xfe, 0x00]));
        send({ type: 'CHAT_MESSAGE', from: 'peer-0001', name: 'Eve', text: 'hello', id: 'c1', seq: 1, ts: 2 });
      });
    });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    t.after(() => process.off('uncaughtException', onUncaught));

    const client = new SignalingClient({
      url: `ws://127.0.0.1:${port}`,
      room: 'r',
      clientId: 'client-0001',
      audioEnabled: true,
      videoEnabled: true,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    t.after(() => client.close());
    const chats: SignalingEvents['message'][] = [];
    const welcomed = new Promise((resolve) => client.on('welcome', resolve));
    client.on('message', (m) => chats.push(m));
    client.connect();
    await welcomed;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(client.state, 'joined');
    assert.deepEqual(
      chats.map((m) => (m.type === 'CHAT_MESSAGE' ? m.text : m.type)),
      ['before welcome', 'hello'],
    );
    assert.equal(client.ignoredMessages, GARBAGE.length * 2 + 1);
    assert.deepEqual(uncaught, []);
  });
});

describe('isSfuMessage (checked in the SFU chunk)', () => {
  it('takes the SFU messages of PROTOCOL.md and refuses any other shape or SFU_ type', () => {
    // The call lets every SFU_ message through: the SFU chunk checks it.
    assert.ok(isServerMessage({ type: 'SFU_OFFER', sdp: 42 }));
    assert.ok(isSfuMessage({ type: 'SFU_ANSWER', sdp: 'v=0' } as never));
    assert.ok(isSfuMessage({ type: 'SFU_RECEIVING', from: 'peer-0001' } as never));
    assert.ok(isSfuMessage({ type: 'SFU_RESTART' } as never));
    assert.ok(
      isSfuMessage({ type: 'SFU_OFFER', sdp: 'v=0', feeds: [{ mid: '0', from: 'peer-0001', slot: 'audio' }] } as never),
    );
    for (const bad of [
      { type: 'SFU_ANSWER' },
      { type: 'SFU_ANSWER', sdp: 'x'.repeat(100_001) },
      { type: 'SFU_OFFER', sdp: 'v=0' },
      { type: 'SFU_OFFER', sdp: 'v=0', feeds: [{ mid: '0', from: 'peer-0001', slot: 'camera' }] },
      { type: 'SFU_OFFER', sdp: 'v=0', feeds: [null] },
      { type: 'SFU_RECEIVING', from: '' },
      { type: 'SFU_RECEIVING', from: 'x'.repeat(65) },
      { type: 'SFU_NEW' },
      { type: 'SFU___proto__' },
      { type: 'hasOwnProperty' },
    ]) {
      assert.equal(isSfuMessage(bad as never), false, JSON.stringify(bad).slice(0, 80));
    }
  });

  it('never throws on any fields', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('SFU_ANSWER', 'SFU_OFFER', 'SFU_RECEIVING', 'SFU_RESTART', 'SFU_X', 'constructor'),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (type, rest) => typeof isSfuMessage({ ...rest, type } as never) === 'boolean',
      ),
      { numRuns: 5000 },
    );
  });
});
