/**
 * Property-based fuzz: thousands of random and mutated frames from joined and
 * unjoined sockets. Afterwards the server is intact: nothing leaked into a
 * bystander room, no handler threw, and a fresh pair completes a whole call.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createMeetingServer } from '../../server/app.js';
import { createLogger } from '../../server/log.js';
import { Metrics } from '../../server/metrics.js';
import { joinAll, newId, sleep, testConfig, TestClient } from './helpers.js';

const FRAMES = 6000;

function messageArbitrary(ids: string[], room: string): fc.Arbitrary<string> {
  const id = fc.oneof(fc.constantFrom(...ids), fc.string({ maxLength: 70 }), fc.constant(newId()));
  const anything = fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true });
  const valid = fc.oneof(
    fc.record({
      type: fc.constant('JOIN'),
      room: fc.constantFrom(room, 'other-room', ''),
      clientId: id,
      name: fc.string({ maxLength: 80 }),
      audioEnabled: fc.boolean(),
      videoEnabled: fc.boolean(),
      resumeToken: fc.string(),
    }),
    fc.record({
      type: fc.constantFrom('OFFER', 'ANSWER'),
      to: id,
      sdp: fc.string({ maxLength: 200 }),
      audioEnabled: fc.boolean(),
      videoEnabled: fc.boolean(),
      from: id,
    }),
    fc.record({
      type: fc.constant('CANDIDATE'),
      to: id,
      candidate: fc.option(
        fc.record({ candidate: fc.string(), sdpMid: fc.option(fc.string()), sdpMLineIndex: fc.option(fc.integer()) }),
      ),
      candidateType: fc.constantFrom('host', 'srflx', 'prflx', 'relay', 'bogus'),
    }),
    fc.record({ type: fc.constantFrom('AUDIO_TOGGLE', 'VIDEO_TOGGLE'), enabled: fc.oneof(fc.boolean(), anything) }),
    fc.record({
      type: fc.constant('VIDEO_TOGGLE'),
      enabled: fc.boolean(),
      background: fc.oneof(fc.boolean(), anything),
    }),
    fc.record({ type: fc.constant('CHAT_MESSAGE'), text: fc.string({ maxLength: 2100 }) }),
    fc.record({
      type: fc.constant('CONNECTION_STATE'),
      peer: id,
      connectionState: fc.constantFrom('connected', 'failed', 'x'),
      iceConnectionState: fc.constantFrom('checking', 'completed', 'y'),
      rttMs: fc.oneof(fc.double(), fc.integer()),
    }),
    fc.record({
      type: fc.constant('ANALYTICS'),
      event: fc.string({ maxLength: 70 }),
      ms: fc.double(),
      detail: fc.string({ maxLength: 600 }),
    }),
    fc.constant({ type: 'LEAVE' }),
    fc.record(
      { type: fc.constant('HAND'), raised: fc.oneof(fc.boolean(), anything), for: fc.oneof(id, anything) },
      { requiredKeys: ['type', 'raised'] },
    ),
    fc.record({
      type: fc.constant('REACTION'),
      emoji: fc.oneof(
        fc.constantFrom('👍', '👏', '😂', '❤️', '🎉', '😮', '🙌', '👋', '❤', '💩'),
        fc.string({ maxLength: 8 }),
      ),
    }),
    fc.record({ type: fc.constant('SCREEN_SHARE'), enabled: fc.oneof(fc.boolean(), anything) }),
    fc.record({
      type: fc.constantFrom('SFU_PUBLISH', 'SFU_START'),
      sdp: fc.oneof(fc.string({ maxLength: 200 }), anything),
    }),
    fc.record({
      type: fc.constant('SFU_CANDIDATE'),
      target: fc.constantFrom('publisher', 'subscriber', 'janus'),
      candidate: fc.option(fc.record({ candidate: fc.string(), sdpMid: fc.option(fc.string()) })),
    }),
    fc.record({ type: fc.constant('SFU_RECEIVING'), peer: fc.oneof(id, anything) }),
    fc.record({ type: fc.constant('SFU_LAYER'), peer: id, layer: fc.oneof(fc.constantFrom(0, 1, 2, null), anything) }),
    fc.record({
      type: fc.constant('SFU_STATE'),
      target: fc.constantFrom('publisher', 'subscriber', 'x'),
      connectionState: fc.constantFrom('connected', 'failed', 'x'),
      localCandidateType: fc.constantFrom('host', 'relay', 'bogus'),
      rttMs: fc.oneof(fc.nat(1000), fc.double()),
      kbps: fc.oneof(fc.nat(5000), fc.double(), anything),
      layers: fc.oneof(
        fc.record(
          { h: fc.nat(3), m: fc.nat(3), l: fc.oneof(fc.integer(), fc.double()), none: fc.nat(3) },
          { requiredKeys: [] },
        ),
        anything,
      ),
    }),
    fc.constant({ type: 'SFU_STOP' }),
  );
  // Mutations: drop a field, replace a field with anything, add junk fields.
  const mutated = fc
    .tuple(valid, fc.nat(), anything, fc.dictionary(fc.string({ maxLength: 12 }), anything, { maxKeys: 3 }), fc.nat(3))
    .map(([message, pick, value, junk, how]) => {
      const copy: Record<string, unknown> = { ...message };
      const keys = Object.keys(copy);
      const key = keys[pick % keys.length]!;
      if (how === 0) delete copy[key];
      else if (how === 1) copy[key] = value;
      else if (how === 2) Object.assign(copy, junk);
      return copy;
    });
  return fc.oneof(
    { weight: 3, arbitrary: valid.map((m) => JSON.stringify(m)) },
    { weight: 4, arbitrary: mutated.map((m) => JSON.stringify(m)) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 300, unit: 'binary' }) },
    { weight: 1, arbitrary: valid.map((m) => JSON.stringify(m).slice(0, -1)) },
  );
}

describe('fuzz', () => {
  it(`survives ${FRAMES} random and mutated frames, leaks nothing, and still completes a call`, async () => {
    const failures: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const line = JSON.parse(chunk.toString()) as { level: number; msg: string };
        if (line.level >= 50) failures.push(chunk.toString());
        done();
      },
    });
    const config = testConfig({ limits: { messagesPerSecond: 100_000, messageBurst: 100_000, resumeWindowMs: 50 } });
    const server = createMeetingServer(config, {
      log: createLogger('warn', sink),
      metrics: new Metrics({ defaultMetrics: false }),
    });
    const { port } = await server.listen();
    const wsUrl = `ws://127.0.0.1:${port}/ws`;
    try {
      const room = `fuzz-${newId()}`;
      const [bystanderA, bystanderB] = await joinAll(wsUrl, `quiet-${newId()}`, 2);
      const members = await joinAll(wsUrl, room, 3);
      const loose = await TestClient.connect(wsUrl);
      const sockets = [...members, loose];
      const ids = [...members.map((m) => m.clientId), bystanderA!.clientId];
      const frames = fc.sample(messageArbitrary(ids, room), { numRuns: FRAMES, seed: 20261125 });
      frames.forEach((frame, i) => {
        const socket = sockets[i % sockets.length]!;
        if (socket.ws.readyState === socket.ws.OPEN) socket.send(frame);
      });
      // Bad frames get errors, never a closed socket (none of these is oversized or a flood): every socket is
      // still open, and a round trip on each proves every earlier frame was handled.
      for (const [i, socket] of sockets.entries()) {
        assert.equal(socket.ws.readyState, socket.ws.OPEN, `fuzzed socket ${i} still open`);
        socket.send('sync');
        await socket.next('ERROR', (m) => m['code'] === 'bad-json', 10_000);
      }
      await sleep(100);
      const seenByBystanders = [...bystanderA!.messages, ...bystanderB!.messages];
      assert.deepEqual(seenByBystanders, [], 'nothing reached the other room');
      assert.deepEqual(failures, [], 'no handler threw');
      for (const socket of sockets) socket.ws.terminate();

      // A fresh pair completes the whole exchange.
      const fresh = `after-${newId()}`;
      const [a, b] = await joinAll(wsUrl, fresh, 2);
      a!.send({ type: 'OFFER', to: b!.clientId, sdp: 'v=0', audioEnabled: true, videoEnabled: true });
      await b!.next('OFFER');
      b!.send({ type: 'ANSWER', to: a!.clientId, sdp: 'v=0', audioEnabled: true, videoEnabled: true });
      await a!.next('ANSWER');
      a!.send({ type: 'CANDIDATE', to: b!.clientId, candidate: null });
      await b!.next('CANDIDATE');
      b!.send({ type: 'CHAT_MESSAGE', text: 'still standing' });
      assert.equal((await a!.next('CHAT_MESSAGE'))['text'], 'still standing');
      a!.send({ type: 'LEAVE' });
      assert.equal((await b!.next('LEAVE'))['from'], a!.clientId);
      assert.deepEqual(bystanderA!.messages, []);
    } finally {
      await server.close();
    }
  });
});
