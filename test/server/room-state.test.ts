/**
 * Room state a late joiner sees, over real sockets: raised hands in the
 * server's order, host-only lowering, reactions and their limit, screen
 * share state, and the chat history in WELCOME (once, never again on resume).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import type { ChatBroadcast, WelcomeMessage } from '../../src/protocol/index.js';
import { joinAll, newId, serverFor, sleep, TestClient } from './helpers.js';

const room = () => `rs-${newId()}`;

/** The queue as a client computes it from what the server said: by `at`, then clientId. */
function queue(hands: { clientId: string; at: number | null | undefined }[]): string[] {
  return hands
    .filter((h): h is { clientId: string; at: number } => typeof h.at === 'number')
    .sort((a, b) => a.at - b.at || (a.clientId < b.clientId ? -1 : 1))
    .map((h) => h.clientId);
}

describe('HAND', () => {
  it('reaches everyone, the sender included, with the server time; a late joiner sees the same queue', async (t) => {
    const srv = await serverFor(t);
    const r = room();
    const [a, b, c] = await joinAll(srv.wsUrl, r, 3);
    const seen = new Map<TestClient, { clientId: string; at: number }[]>();
    for (const raiser of [c!, a!, b!]) {
      const before = Date.now();
      raiser.send({ type: 'HAND', raised: true });
      for (const member of [a!, b!, c!]) {
        const hand = await member.next('HAND');
        assert.equal(hand['from'], raiser.clientId);
        assert.equal(hand['raised'], true);
        const at = hand['at'] as number;
        assert.ok(at >= before && at <= Date.now(), 'at is the server time of raising');
        seen.set(member, [...(seen.get(member) ?? []), { clientId: raiser.clientId, at }]);
      }
      await sleep(5); // distinct times
    }
    const expected = [c!.clientId, a!.clientId, b!.clientId];
    for (const member of [a!, b!, c!]) assert.deepEqual(queue(seen.get(member)!), expected);
    // Raising again keeps the place in the queue and tells nobody anything.
    c!.send({ type: 'HAND', raised: true });
    assert.deepEqual(await a!.drain(100, 'HAND'), []);
    const late = await TestClient.connect(srv.wsUrl);
    const welcome = await late.join(r);
    assert.deepEqual(queue(welcome.peers.map((p) => ({ clientId: p.clientId, at: p.handRaisedAt }))), expected);
    assert.deepEqual(
      welcome.peers.map((p) => p.handRaisedAt),
      [a, b, c].map((m) => seen.get(a!)!.find((h) => h.clientId === m!.clientId)!.at),
      'the same times everyone was told',
    );
    await Promise.all([a, b, c, late].map((m) => m!.close()));
  });

  it('lowering tells everyone once; lowering a hand that is down tells nobody; leaving takes the hand along', async (t) => {
    const srv = await serverFor(t);
    const r = room();
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    a!.send({ type: 'HAND', raised: true });
    await b!.next('HAND');
    await a!.next('HAND');
    a!.send({ type: 'HAND', raised: false });
    assert.deepEqual(await b!.next('HAND'), { type: 'HAND', from: a!.clientId, raised: false });
    await a!.next('HAND');
    a!.send({ type: 'HAND', raised: false });
    assert.deepEqual(await b!.drain(100, 'HAND'), []);
    b!.send({ type: 'HAND', raised: true });
    await a!.next('HAND');
    b!.send({ type: 'LEAVE' });
    await a!.next('LEAVE');
    const late = await TestClient.connect(srv.wsUrl);
    const welcome = await late.join(r);
    assert.deepEqual(
      welcome.peers.map((p) => [p.clientId, p.handRaisedAt]),
      [[a!.clientId, null]],
    );
    await Promise.all([a!.close(), b!.close(), late.close()]);
  });

  it("only a host lowers someone else's hand; nobody raises someone else's; a stranger is unknown-peer", async (t) => {
    const secret = 'room-state-secret-0123456789';
    const srv = await serverFor(t, { authSecret: secret });
    const r = room();
    const token = (claims: Record<string, unknown>) =>
      new SignJWT({ room: r, ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1m')
        .sign(new TextEncoder().encode(secret));
    const host = await TestClient.connect(srv.wsUrl);
    await host.join(r, { token: await token({ role: 'host' }) });
    const ada = await TestClient.connect(srv.wsUrl);
    await ada.join(r, { token: await token({}) });
    const bob = await TestClient.connect(srv.wsUrl);
    await bob.join(r, { token: await token({}) });
    ada.send({ type: 'HAND', raised: true });
    for (const m of [host, ada, bob]) await m.next('HAND');

    await bob.expectError({ type: 'HAND', raised: false, for: ada.clientId }, 'unauthorized');
    await host.expectError({ type: 'HAND', raised: true, for: bob.clientId }, 'unauthorized');
    await host.expectError({ type: 'HAND', raised: false, for: newId() }, 'unknown-peer');
    assert.deepEqual(await ada.drain(100, 'HAND'), [], 'nothing changed');

    host.send({ type: 'HAND', raised: false, for: ada.clientId });
    for (const m of [host, ada, bob]) {
      assert.deepEqual(await m.next('HAND'), { type: 'HAND', from: ada.clientId, raised: false, by: host.clientId });
    }
    await Promise.all([host.close(), ada.close(), bob.close()]);
  });
});

describe('REACTION', () => {
  it('reaches everyone, the sender included; a third within 5 s is rate-limited and not forwarded', async (t) => {
    const srv = await serverFor(t);
    const [a, b] = await joinAll(srv.wsUrl, room(), 2);
    a!.send({ type: 'REACTION', emoji: '👏' });
    a!.send({ type: 'REACTION', emoji: '❤️' });
    for (const m of [a!, b!]) {
      assert.deepEqual(await m.next('REACTION'), { type: 'REACTION', from: a!.clientId, emoji: '👏' });
      assert.deepEqual(await m.next('REACTION'), { type: 'REACTION', from: a!.clientId, emoji: '❤️' });
    }
    const error = await a!.expectError({ type: 'REACTION', emoji: '🎉' }, 'rate-limited');
    assert.equal(error['ref'], 'REACTION');
    assert.deepEqual(await b!.drain(100, 'REACTION'), []);
    // Another member has its own allowance.
    b!.send({ type: 'REACTION', emoji: '😂' });
    assert.equal((await a!.next('REACTION'))['emoji'], '😂');
    await a!.expectError({ type: 'REACTION', emoji: '💩' }, 'bad-message');
    await a!.expectError({ type: 'REACTION', emoji: '👏👏' }, 'bad-message');
    await Promise.all([a!.close(), b!.close()]);
  });
});

describe('SCREEN_SHARE', () => {
  it('goes to everyone else; a late joiner sees who is sharing', async (t) => {
    const srv = await serverFor(t);
    const r = room();
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    a!.send({ type: 'SCREEN_SHARE', enabled: true });
    assert.deepEqual(await b!.next('SCREEN_SHARE'), { type: 'SCREEN_SHARE', enabled: true, from: a!.clientId });
    assert.deepEqual(await a!.drain(50, 'SCREEN_SHARE'), [], 'no echo');
    const late = await TestClient.connect(srv.wsUrl);
    const welcome = await late.join(r);
    assert.equal(welcome.peers.find((p) => p.clientId === a!.clientId)!.screenSharing, true);
    assert.equal(welcome.peers.find((p) => p.clientId === b!.clientId)!.screenSharing, false);
    await Promise.all([a!.close(), b!.close(), late.close()]);
  });
});

describe('SCREEN_SHARE takeover', () => {
  it('a newer share ends the one before: its sharer and everyone are told who took over', async (t) => {
    const srv = await serverFor(t);
    const r = room();
    const [a, b, c] = await joinAll(srv.wsUrl, r, 3);
    a!.send({ type: 'SCREEN_SHARE', enabled: true });
    await b!.next('SCREEN_SHARE');
    await c!.next('SCREEN_SHARE');
    b!.send({ type: 'SCREEN_SHARE', enabled: true });
    const ended = { type: 'SCREEN_SHARE', enabled: false, from: a!.clientId, by: b!.clientId };
    assert.deepEqual(await a!.next('SCREEN_SHARE'), ended, 'the first sharer is told');
    assert.deepEqual(await a!.next('SCREEN_SHARE'), { type: 'SCREEN_SHARE', enabled: true, from: b!.clientId });
    assert.deepEqual(await c!.next('SCREEN_SHARE'), ended);
    assert.deepEqual(await c!.next('SCREEN_SHARE'), { type: 'SCREEN_SHARE', enabled: true, from: b!.clientId });
    const late = await TestClient.connect(srv.wsUrl);
    const welcome = await late.join(r);
    assert.deepEqual(
      welcome.peers.filter((p) => p.screenSharing).map((p) => p.clientId),
      [b!.clientId],
      'one sharer',
    );
    await Promise.all([a, b, c, late].map((m) => m!.close()));
  });
});

describe('chat history', () => {
  async function chatter(member: TestClient, count: number, others: TestClient[]): Promise<ChatBroadcast[]> {
    const sent: ChatBroadcast[] = [];
    for (let i = 0; i < count; i++) {
      member.send({ type: 'CHAT_MESSAGE', text: `line ${i}` });
      sent.push((await member.next('CHAT_MESSAGE')) as unknown as ChatBroadcast);
    }
    for (const o of others) for (let i = 0; i < count; i++) await o.next('CHAT_MESSAGE');
    return sent;
  }

  it('a late joiner gets the last 50 messages in seq order, exactly as broadcast', async (t) => {
    const srv = await serverFor(t);
    const r = room();
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    const sent = await chatter(a!, 55, [b!]);
    const late = await TestClient.connect(srv.wsUrl);
    const welcome = await late.join(r);
    assert.deepEqual(welcome.chat, sent.slice(-50));
    assert.deepEqual(
      welcome.chat!.map((m) => m.seq),
      sent.slice(-50).map((m) => m.seq),
    );
    assert.deepEqual(await late.drain(100, 'CHAT_MESSAGE'), [], 'nothing twice');
    await Promise.all([a!.close(), b!.close(), late.close()]);
  });

  it('CHAT_HISTORY sets the length; 0 sends none', async (t) => {
    for (const keep of [3, 0]) {
      const srv = await serverFor(t, { limits: { chatHistory: keep } });
      const r = room();
      const [a] = await joinAll(srv.wsUrl, r, 1);
      const sent = await chatter(a!, 5, []);
      const late = await TestClient.connect(srv.wsUrl);
      const welcome = await late.join(r);
      assert.deepEqual(welcome.chat, keep === 0 ? undefined : sent.slice(-keep));
      await Promise.all([a!.close(), late.close()]);
    }
  });

  it('ends when the room empties', async (t) => {
    const srv = await serverFor(t);
    const r = room();
    const [a] = await joinAll(srv.wsUrl, r, 1);
    await chatter(a!, 2, []);
    a!.send({ type: 'LEAVE' });
    await sleep(50);
    const next = await TestClient.connect(srv.wsUrl);
    assert.equal((await next.join(r)).chat, undefined);
    await Promise.all([a!.close(), next.close()]);
  });

  it('a resumed seat gets no history again, and what it missed once', async (t) => {
    const srv = await serverFor(t);
    const r = room();
    const [a, b] = await joinAll(srv.wsUrl, r, 2);
    await chatter(a!, 3, [b!]);
    const token = b!.resumeToken;
    b!.ws.terminate();
    await sleep(50);
    a!.send({ type: 'CHAT_MESSAGE', text: 'while you were away' });
    await a!.next('CHAT_MESSAGE');
    const back = await TestClient.connect(srv.wsUrl);
    back.clientId = b!.clientId;
    const welcome: WelcomeMessage = await back.join(r, { resumeToken: token });
    assert.equal(welcome.chat, undefined, 'no history on resume');
    assert.equal((await back.next('CHAT_MESSAGE'))['text'], 'while you were away');
    assert.deepEqual(await back.drain(100, 'CHAT_MESSAGE'), [], 'nothing twice');
    await Promise.all([a!.close(), back.close()]);
  });
});
