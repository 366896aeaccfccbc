/**
 * The server's Janus client (server/janus.ts) against a real Janus (Debian
 * `janus`, started by scripts/janus.mjs): its rooms are private and need a
 * publisher's private id to subscribe, Janus refuses whoever lacks the
 * secrets. Signaling only: media needs a network namespace (issue 20's tests).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { Janus, JanusError } from '../../server/janus.js';
import { startJanus, type TestJanus } from '../../scripts/janus.mjs';
import { freePort, serverFor, TestClient } from './helpers.js';

/** One raw request on a fresh connection, as an outsider would send it. */
async function raw(url: string, message: Record<string, unknown>): Promise<Record<string, unknown>> {
  const ws = new WebSocket(url, 'janus-protocol');
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const reply = new Promise<Record<string, unknown>>((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)),
  );
  ws.send(JSON.stringify({ transaction: 't', ...message }));
  try {
    return await reply;
  } finally {
    ws.close();
  }
}

describe('Janus client (real Janus)', () => {
  let janus: TestJanus;
  let client: Janus;

  before(async () => {
    janus = await startJanus();
    client = await Janus.connect(janus);
  });

  after(async () => {
    await client?.close();
    await janus?.stop();
  });

  it('a request without the api_secret is refused (403): only the server can use Janus', async () => {
    const reply = await raw(janus.url, { janus: 'create' });
    assert.equal(reply['janus'], 'error');
    assert.equal((reply['error'] as { code: number }).code, 403);
  });

  it('makes a private room for one of ours, under its own name, and makes it once', async () => {
    await client.createRoom('team-standup');
    await client.createRoom('team-standup'); // idempotent
    const handle = await client.attach();
    const { data } = await client.message(handle, { request: 'list' });
    const listed = (data['list'] as { room: string }[]).map((r) => r.room);
    assert.ok(!listed.includes('team-standup'), `a private room is not listed (got ${JSON.stringify(listed)})`);
    const { data: exists } = await client.message(handle, { request: 'exists', room: 'team-standup' });
    assert.equal(exists['exists'], true);
    await client.detach(handle);
  });

  it('a room cannot be made without the admin key, even with the api_secret', async () => {
    const handle = await client.attach();
    await assert.rejects(client.message(handle, { request: 'create', room: 'not-ours' }), (error: unknown) => {
      assert.ok(error instanceof JanusError, String(error));
      assert.equal(error.code, 429); // missing admin_key
      return true;
    });
    await client.detach(handle);
  });

  it('a publisher joins a room under its name and gets an id and a private id (the SFU transport maps them)', async () => {
    await client.createRoom('pvtid-room');
    const publisher = await client.attach();
    const { data: joined } = await client.message(publisher, {
      request: 'join',
      ptype: 'publisher',
      room: 'pvtid-room',
      display: 'ada',
    });
    assert.equal(joined['videoroom'], 'joined');
    assert.equal(joined['room'], 'pvtid-room');
    assert.equal(typeof joined['private_id'], 'number');
    // (That a subscriber without a publisher's private id is refused, 433, needs a published feed, so media:
    // it belongs to the tests in a network namespace, where Janus can gather candidates.)
    await client.detach(publisher);
  });

  it('a keepalive is answered (an ack is its whole answer)', async () => {
    const started = Date.now();
    await client.keepalive();
    assert.ok(Date.now() - started < 1000, 'answered at once, not after the request timeout');
  });

  it('destroys a room (and a room that is not there is no error)', async () => {
    await client.createRoom('short-lived');
    await client.destroyRoom('short-lived');
    await client.destroyRoom('short-lived');
    const handle = await client.attach();
    const { data } = await client.message(handle, { request: 'exists', room: 'short-lived' });
    assert.equal(data['exists'], false);
    await client.detach(handle);
  });
});

describe('several Janus instances (JANUS_URLS)', () => {
  it('/healthz names each by its place: one unreachable degrades (partial), reached once it starts (within the 2 s retry)', async (t) => {
    const first = await startJanus();
    t.after(() => first.stop());
    const [wsPort, adminPort] = [await freePort(), await freePort()];
    const second = { ...first, url: `ws://127.0.0.1:${wsPort}`, adminUrl: `ws://127.0.0.1:${adminPort}` };
    const srv = await serverFor(t, { sfu: { janus: [first, second], mode: 'auto', meshMax: 4 } });
    const health = async () =>
      (await (await fetch(`${srv.url}/healthz`)).json()) as {
        status: string;
        dependencies: { janus?: string; janusInstances?: string[] };
      };
    const before = await health();
    assert.equal(before.status, 'degraded');
    assert.equal(before.dependencies.janus, 'partial');
    assert.deepEqual(before.dependencies.janusInstances, ['up', 'down']);
    assert.ok(!JSON.stringify(before).includes(String(wsPort)), 'no instance address on the public health page');
    const started = Date.now();
    const again = await startJanus({ wsPort, adminPort });
    t.after(() => again.stop());
    let after = await health();
    while (after.dependencies.janus !== 'up' && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 100));
      after = await health();
    }
    assert.equal(after.status, 'ok');
    assert.deepEqual(after.dependencies.janusInstances, ['up', 'up']);
    assert.ok(Date.now() - started < 3500, `reached in ${Date.now() - started} ms`);
  });
});

describe('SFU requests in a room on the mesh (MEDIA_MODE auto, real Janus)', () => {
  it('a publication in a mesh room is dropped (no answer) and takes no handle on Janus, nor does a layer request', async (t) => {
    const janus = await startJanus();
    t.after(() => janus.stop());
    const srv = await serverFor(t, { sfu: { janus: [janus], mode: 'auto', meshMax: 4 } });
    const mallory = await TestClient.connect(srv.wsUrl);
    t.after(() => mallory.close());
    const other = await TestClient.connect(srv.wsUrl);
    t.after(() => other.close());
    await mallory.join('small-room');
    await other.join('small-room');
    // (A proper offer's shape: an honest member whose publication raced the room's switch back to the mesh.)
    mallory.send({ type: 'SFU_PUBLISH', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' });
    mallory.send({ type: 'SFU_LAYER', peer: other.clientId, layer: 0 });
    assert.deepEqual(await mallory.drain(500, 'ERROR'), [], 'no answer: MEDIA_MODE said the room is on the mesh');
    assert.deepEqual(await mallory.drain(0, 'SFU_ANSWER'), []);
    assert.equal(srv.server.sfu?.memberCount, 0, 'no publisher handle made on Janus');
  });
});

describe('room mode under churn (MEDIA_MODE auto, MESH_MAX 4, real Janus)', () => {
  it('300 joins and leaves between 1 and 9 members: every member hears exactly the switches of the hysteresis rule, in order', async (t) => {
    const janus = await startJanus();
    t.after(() => janus.stop());
    const srv = await serverFor(t, {
      sfu: { janus: [janus], mode: 'auto', meshMax: 4 },
      limits: { maxParticipants: 50 },
    });
    const room = 'churn';
    const observer = await TestClient.connect(srv.wsUrl);
    t.after(() => observer.close());
    await observer.join(room);
    // A seeded walk: the number of members goes up or down by one, between 1 (the observer) and 9.
    let seed = 20;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const others: TestClient[] = [];
    let count = 1;
    let mode = 'mesh';
    let noHysteresis = 'mesh';
    const expected: string[] = [];
    let withoutHysteresis = 0;
    for (let i = 0; i < 300; i++) {
      const join = count === 1 || (count < 9 && random() < 0.5);
      if (join) {
        const client = await TestClient.connect(srv.wsUrl);
        await client.join(room);
        others.push(client);
        await observer.next('JOIN', (m) => m['from'] === client.clientId);
        count++;
      } else {
        const client = others.splice(Math.floor(random() * others.length), 1)[0]!;
        client.send({ type: 'LEAVE' });
        await observer.next('LEAVE', (m) => m['from'] === client.clientId);
        await client.close();
        count--;
      }
      // The rule (PROTOCOL.md): to the SFU past MESH_MAX, back to the mesh at MESH_MAX - 1 or fewer.
      const next = count > 4 ? 'sfu' : count <= 3 ? 'mesh' : mode;
      if (next !== mode) expected.push((mode = next));
      const bare = count > 4 ? 'sfu' : 'mesh';
      if (bare !== noHysteresis) withoutHysteresis++;
      noHysteresis = bare;
    }
    await new Promise((r) => setTimeout(r, 300));
    const heard = (await observer.drain(0, 'MEDIA_MODE')).map((m) => m['mode']);
    console.log(`switches under churn: ${heard.length} (without hysteresis: ${withoutHysteresis}) in 300 changes`);
    assert.deepEqual(heard, expected, 'the observer heard each switch once, in order');
    assert.ok(heard.length < withoutHysteresis, `${heard.length} switches, fewer than ${withoutHysteresis} without`);
    for (const client of others) await client.close();
  });
});

describe('room size on Janus', () => {
  it("a room on the SFU takes as many publishers as MAX_PARTICIPANTS (Janus's own default is 16)", async (t) => {
    const janus = await startJanus();
    t.after(() => janus.stop());
    const srv = await serverFor(t, {
      sfu: { janus: [janus], mode: 'sfu', meshMax: 4 },
      limits: { maxParticipants: 40 },
    });
    const ada = await TestClient.connect(srv.wsUrl);
    t.after(() => ada.close());
    await ada.join('large-room');
    // The room is made on Janus as her publication arrives (this one Janus refuses: it carries no media section).
    await ada.expectError(
      { type: 'SFU_PUBLISH', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' },
      'bad-message',
    );
    const admin = await Janus.connect(janus);
    t.after(() => admin.close());
    const room = (await admin.rooms()).find((r) => r.room === 'large-room');
    assert.deepEqual(room, { room: 'large-room', maxPublishers: 40 });
  });
});
