/**
 * Several servers sharing rooms through a real redis-server (started by the
 * test; `.ci/run` installs the Debian package): membership, routing to a
 * member on the other server, broadcasts, chat order, capacity, the graph,
 * and health when Redis goes away. Each server has its own RedisStore and its
 * own sockets, as separate processes would.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createMeetingServer } from '../../server/app.js';
import { createLogger } from '../../server/log.js';
import { Metrics } from '../../server/metrics.js';
import { RedisStore } from '../../server/redis-store.js';
// @ts-expect-error: a plain ES module of the benchmarks, without types
import { healthy } from '../../bench/clients.mjs';
// @ts-expect-error: a plain ES module of the scripts, without types
import { startRedis } from '../../scripts/redis.mjs';
import type { ChatBroadcast } from '../../src/protocol/index.js';
import { freePort, newId, testConfig, TestClient, type ConfigOverrides } from './helpers.js';
// @ts-expect-error: a plain ES module of the scripts, without types
import { assertFreshBuild } from '../../scripts/fresh-build.mjs';

interface Node {
  url: string;
  wsUrl: string;
  store: RedisStore;
  close(): Promise<void>;
}

let redis: { url: string; stop(): Promise<void> };
const nodes: Node[] = [];

async function node(overrides: ConfigOverrides = {}, prefix = 'test:', url = redis.url): Promise<Node> {
  const config = testConfig(overrides);
  const store = await RedisStore.connect(url, { prefix, countsIntervalMs: 100 });
  const server = createMeetingServer(config, {
    store,
    log: createLogger('silent'),
    metrics: new Metrics({ defaultMetrics: false }),
  });
  const { port } = await server.listen();
  const n = {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    store,
    close: () => server.close(),
  };
  nodes.push(n);
  return n;
}

before(async () => {
  assertFreshBuild('server'); // this suite runs the built files
  redis = await startRedis();
});
after(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  await redis.stop();
});

describe('Redis store: one room across servers', () => {
  it('clients on two servers complete the whole exchange; chat reaches all once, in order', async () => {
    const [a, b] = [await node(), await node()];
    const room = `r-${newId()}`;
    const ada = await TestClient.connect(a.wsUrl);
    await ada.join(room, { name: 'Ada' });
    const bob = await TestClient.connect(b.wsUrl);
    const welcome = await bob.join(room, { name: 'Bob' });
    assert.deepEqual(
      welcome.peers.map((p) => p.clientId),
      [ada.clientId],
      'Bob, on the other server, is told Ada is in',
    );
    const joined = await ada.next('JOIN');
    assert.equal(joined['from'], bob.clientId);

    const media = { audioEnabled: true, videoEnabled: true };
    ada.send({ type: 'OFFER', to: bob.clientId, sdp: 'v=0 offer', ...media });
    assert.equal((await bob.next('OFFER'))['from'], ada.clientId);
    bob.send({ type: 'ANSWER', to: ada.clientId, sdp: 'v=0 answer', ...media });
    assert.equal((await ada.next('ANSWER'))['sdp'], 'v=0 answer');
    bob.send({ type: 'CANDIDATE', to: ada.clientId, candidate: null });
    assert.equal((await ada.next('CANDIDATE'))['from'], bob.clientId);
    ada.send({ type: 'VIDEO_TOGGLE', enabled: false });
    assert.equal((await bob.next('VIDEO_TOGGLE'))['enabled'], false);

    for (let i = 1; i <= 5; i++) (i % 2 ? ada : bob).send({ type: 'CHAT_MESSAGE', text: `line ${i}` });
    const orders: string[][] = [];
    for (const client of [ada, bob]) {
      const lines = [];
      for (let i = 0; i < 5; i++) lines.push(await client.next('CHAT_MESSAGE'));
      const seqs = lines.map((m) => m['seq'] as number);
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        'arrival order is seq order',
      );
      assert.equal(new Set(seqs).size, 5, 'unique sequence numbers');
      assert.equal(new Set(lines.map((m) => m['id'])).size, 5, 'unique ids');
      assert.deepEqual((await client.drain(200, 'CHAT_MESSAGE')).length, 0, 'each line once');
      orders.push(lines.map((m) => m['id'] as string));
    }
    assert.deepEqual(orders[0], orders[1], 'both servers deliver the same order');

    ada.send({
      type: 'CONNECTION_STATE',
      peer: bob.clientId,
      connectionState: 'connected',
      iceConnectionState: 'connected',
    });
    bob.send({
      type: 'CONNECTION_STATE',
      peer: ada.clientId,
      connectionState: 'connected',
      iceConnectionState: 'connected',
    });
    await new Promise((r) => setTimeout(r, 200));
    const graph = await b.store.graph(room);
    assert.equal(graph?.members.length, 2);
    assert.equal(graph?.pairs.filter((p) => p.connectionState === 'connected').length, 2);
    assert.ok(
      graph!.members.every((m) => !('resumeToken' in m)),
      'no resume token in the graph',
    );

    bob.send({ type: 'LEAVE' });
    assert.equal((await ada.next('LEAVE'))['from'], bob.clientId);
    ada.ws.close();
    bob.ws.close();
  });

  it('holds capacity and clientIds across servers: a room of 2 is full whichever server the third comes to', async () => {
    const [a, b] = [await node({ limits: { maxParticipants: 2 } }), await node({ limits: { maxParticipants: 2 } })];
    const room = `r-${newId()}`;
    const first = await TestClient.connect(a.wsUrl);
    await first.join(room);
    const second = await TestClient.connect(b.wsUrl);
    await second.join(room);
    for (const n of [a, b]) {
      const third = await TestClient.connect(n.wsUrl);
      await assert.rejects(third.join(room), /room-full/);
      third.ws.close();
    }
    const twin = await TestClient.connect(a.wsUrl);
    twin.clientId = second.clientId;
    await assert.rejects(twin.join(room, { clientId: second.clientId }), /id-taken/);
    first.ws.close();
    second.ws.close();
  });

  it('under a race (JOINs sent at once to two servers): exactly the capacity admitted, one seat per clientId', async () => {
    const [a, b] = [await node({ limits: { maxParticipants: 4 } }), await node({ limits: { maxParticipants: 4 } })];
    for (let round = 0; round < 5; round++) {
      const room = `r-${newId()}`;
      // Ten newcomers, alternately on each server, all JOINing in the same tick.
      const clients = await Promise.all(
        Array.from({ length: 10 }, (_, i) => TestClient.connect((i % 2 ? a : b).wsUrl)),
      );
      const results = await Promise.allSettled(clients.map((c) => c.join(room)));
      const admitted = results.filter((r) => r.status === 'fulfilled').length;
      const refusals = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      assert.equal(admitted, 4, `round ${round}: admitted`);
      assert.ok(
        refusals.every((r) => r.includes('room-full')),
        `round ${round}: ${refusals.join('; ')}`,
      );
      assert.equal((await a.store.graph(room))?.members.length, 4, `round ${round}: four members in Redis`);
      for (const c of clients) c.ws.close();

      // One clientId on both servers at once: one seat, the other refused as taken.
      const idRoom = `r-${newId()}`;
      const twins = await Promise.all([TestClient.connect(a.wsUrl), TestClient.connect(b.wsUrl)]);
      twins[1]!.clientId = twins[0]!.clientId;
      const seats = await Promise.allSettled(twins.map((c) => c.join(idRoom)));
      assert.deepEqual(
        seats
          .map((r) =>
            r.status === 'fulfilled' ? 'seated' : /id-taken/.test(String(r.reason)) ? 'id-taken' : String(r.reason),
          )
          .sort(),
        ['id-taken', 'seated'],
        `round ${round}: one seat per clientId`,
      );
      for (const c of twins) c.ws.close();
    }
  });

  it('resumes a seat on another server: queued messages follow, no LEAVE or JOIN, none after the old window', async () => {
    const limits = { resumeWindowMs: 800 };
    const [a, b] = [await node({ limits }), await node({ limits })];
    const room = `r-${newId()}`;
    const ada = await TestClient.connect(a.wsUrl);
    await ada.join(room, { name: 'Ada' });
    const bob = await TestClient.connect(b.wsUrl);
    await bob.join(room, { name: 'Bob' });
    await ada.next('JOIN');
    ada.ws.terminate(); // Ada's network drops; server A keeps her seat for the window
    await new Promise((r) => setTimeout(r, 100));
    bob.send({ type: 'CANDIDATE', to: ada.clientId, candidate: null });
    bob.send({ type: 'CHAT_MESSAGE', text: 'while you were away' });
    await bob.next('CHAT_MESSAGE'); // his own line, echoed

    const back = await TestClient.connect(b.wsUrl); // she comes back through the other server
    back.clientId = ada.clientId;
    const welcome = await back.join(room, { name: 'Ada', resumeToken: ada.resumeToken });
    assert.equal(welcome.resumeToken, ada.resumeToken, 'the same seat');
    assert.deepEqual(
      welcome.peers.map((p) => p.clientId),
      [bob.clientId],
    );
    assert.equal((await back.next('CANDIDATE'))['from'], bob.clientId, 'the queued candidate followed her');
    assert.equal((await back.next('CHAT_MESSAGE'))['text'], 'while you were away');
    // Past server A's resume window: her old session there must not announce her gone.
    await new Promise((r) => setTimeout(r, 1200));
    assert.deepEqual(
      (await bob.drain(100)).map((m) => m.type),
      [],
      'Bob saw no LEAVE or JOIN',
    );
    assert.deepEqual(
      (await back.drain(100)).map((m) => m.type),
      [],
      'nothing twice',
    );
    bob.send({ type: 'CHAT_MESSAGE', text: 'still here?' });
    assert.equal((await back.next('CHAT_MESSAGE'))['text'], 'still here?');
    await bob.next('CHAT_MESSAGE');
    assert.equal((await b.store.graph(room))?.members.length, 2);
    back.ws.close();
    bob.ws.close();
  });

  it('a member joining while the room talks gets every message exactly once, history then live', async () => {
    // On Redis the history read takes a round trip, while the room keeps talking: the window this is about.
    const srv = await node();
    const r = `r-${newId()}`;
    const a = await TestClient.connect(srv.wsUrl);
    await a.join(r);
    const total = 60;
    for (let i = 0; i < total; i++) a.send({ type: 'CHAT_MESSAGE', text: `busy ${i}` });
    const late = await TestClient.connect(srv.wsUrl);
    const welcome = await late.join(r);
    const live: number[] = [];
    const history = (welcome.chat ?? []).map((m) => m.seq);
    while (history.length + live.length < total && (live.at(-1) ?? history.at(-1) ?? 0) < total) {
      live.push(((await late.next('CHAT_MESSAGE')) as unknown as ChatBroadcast).seq);
    }
    const all = [...history, ...live];
    assert.equal(new Set(all).size, all.length, 'no message twice');
    assert.deepEqual(
      all,
      [...all].sort((x, y) => x - y),
      'in seq order',
    );
    assert.equal(all.at(-1), total, 'up to the last one');
    assert.ok(all.length === total || all[0]! === total - all.length + 1, 'no gap');
    await Promise.all([a.close(), late.close()]);
  });

  it('room state across two processes: the same hand queue, the same chat history, reactions and sharing', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [new URL('../../dist/server/index.js', import.meta.url).pathname], {
      env: { ...process.env, PORT: String(port), REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    try {
      await healthy(port, { exited: () => child.exitCode !== null });
      const other = `ws://127.0.0.1:${port}/ws`;
      const here = await node({}, 'mr:'); // the process's default prefix
      const room = `r-${newId()}`;
      const ada = await TestClient.connect(here.wsUrl);
      await ada.join(room, { name: 'Ada' });
      const bob = await TestClient.connect(other);
      await bob.join(room, { name: 'Bob' });
      await ada.next('JOIN');
      const cy = await TestClient.connect(here.wsUrl);
      await cy.join(room, { name: 'Cy' });
      for (const m of [ada, bob]) await m.next('JOIN');
      const members = [ada, bob, cy];

      const told = new Map<TestClient, Map<string, number>>(members.map((m) => [m, new Map()]));
      for (const raiser of [bob, ada, cy]) {
        raiser.send({ type: 'HAND', raised: true });
        for (const m of members) {
          const hand = await m.next('HAND');
          told.get(m)!.set(hand['from'] as string, hand['at'] as number);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const order = (times: Map<string, number>) => [...times].sort((x, y) => x[1] - y[1]).map(([id]) => id);
      for (const m of members) {
        assert.deepEqual(order(told.get(m)!), [bob.clientId, ada.clientId, cy.clientId], 'one queue everywhere');
        assert.deepEqual([...told.get(m)!].sort(), [...told.get(ada)!].sort(), 'the same times everywhere');
      }

      const sent = [];
      for (const [i, sender] of [ada, bob, ada, bob, cy].entries()) {
        sender.send({ type: 'CHAT_MESSAGE', text: `line ${i}` });
        sent.push(await ada.next('CHAT_MESSAGE', (m) => m['text'] === `line ${i}`));
      }
      bob.send({ type: 'REACTION', emoji: '🎉' });
      assert.deepEqual(await ada.next('REACTION'), { type: 'REACTION', from: bob.clientId, emoji: '🎉' });
      ada.send({ type: 'SCREEN_SHARE', enabled: true });
      await bob.next('SCREEN_SHARE');

      const dee = await TestClient.connect(other);
      const welcome = await dee.join(room, { name: 'Dee' });
      assert.deepEqual(welcome.chat, sent, 'the history, as broadcast, on the other process');
      const hands = new Map(welcome.peers.map((p) => [p.clientId, p.handRaisedAt]));
      assert.deepEqual(Object.fromEntries(hands), Object.fromEntries(told.get(ada)!));
      assert.equal(welcome.peers.find((p) => p.clientId === ada.clientId)!.screenSharing, true);
      // A newer share on the other process ends Ada's: one sharer at a time across processes.
      bob.send({ type: 'SCREEN_SHARE', enabled: true });
      assert.deepEqual(await ada.next('SCREEN_SHARE', (m) => m['from'] === ada.clientId), {
        type: 'SCREEN_SHARE',
        enabled: false,
        from: ada.clientId,
        by: bob.clientId,
      });
      assert.deepEqual(
        (await here.store.graph(room))!.members.filter((m) => m.screenSharing).map((m) => m.clientId),
        [bob.clientId],
      );
      for (const m of [...members, dee]) m.ws.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a killed process: its members are announced gone once (two processes sweep) after the resume window, no ghost stays', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [new URL('../../dist/server/index.js', import.meta.url).pathname], {
      env: { ...process.env, PORT: String(port), REDIS_URL: redis.url, RESUME_WINDOW_MS: '3000', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    try {
      await healthy(port, { exited: () => child.exitCode !== null }); // the built server: is dist/ there?
      const b = await node({ limits: { resumeWindowMs: 3000 } }, 'mr:'); // the process's default prefix
      const room = `r-${newId()}`;
      const ada = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
      await ada.join(room, { name: 'Ada' });
      const bob = await TestClient.connect(b.wsUrl);
      await bob.join(room, { name: 'Bob' });
      // A second live process in the room: both sweep the dead one's members; only one may announce each.
      const c = await node({ limits: { resumeWindowMs: 3000 } }, 'mr:');
      const carol = await TestClient.connect(c.wsUrl);
      await carol.join(room, { name: 'Carol' });
      // The killed process is noticed when its heartbeat key expires: measure from there, not from the kill.
      const keys = new Redis(redis.url);
      const procKey = (await keys.keys('mr:proc:*')).find(
        (k) => k !== `mr:proc:${b.store.id}` && k !== `mr:proc:${c.store.id}`,
      )!;
      assert.ok(procKey, 'the process has a heartbeat key');
      const killedAt = Date.now();
      child.kill('SIGKILL');
      const expiresAt = killedAt + (await keys.pttl(procKey));
      keys.disconnect();
      // Then its members get the resume window (3 s), then a sweep (every second) announces them gone.
      const leave = await bob.next('LEAVE', (m) => m['from'] === ada.clientId, 15_000);
      assert.ok(leave);
      const waited = Date.now() - killedAt;
      const afterExpiry = Date.now() - expiresAt;
      assert.ok(afterExpiry >= 3000 - 100, `not before the resume window after the key expired (${afterExpiry} ms)`);
      assert.ok(afterExpiry <= 3000 + 1000 + 1500, `within a sweep after the window (${afterExpiry} ms)`);
      assert.equal(await b.store.get(room, ada.clientId), undefined, 'no ghost in Redis');
      assert.ok(await carol.next('LEAVE', (m) => m['from'] === ada.clientId, 3000), 'Carol told too');
      assert.deepEqual(
        (await b.store.graph(room))?.members.map((m) => m.clientId).sort(),
        [bob.clientId, carol.clientId].sort(),
      );
      assert.deepEqual(await bob.drain(1500, 'LEAVE'), [], 'announced once to Bob');
      assert.deepEqual(await carol.drain(100, 'LEAVE'), [], 'announced once to Carol');
      console.log(
        `[reliability] redis: members of a killed process announced gone ${waited} ms after the kill, ` +
          `${afterExpiry} ms after its heartbeat expired (resume window 3000 ms)`,
      );
      bob.ws.close();
      carol.ws.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('reports 503 on /healthz while Redis is unreachable, and a clear error at start', async () => {
    const other = await startRedis();
    const n = await node({}, 'health:', other.url);
    const up = await fetch(`${n.url}/healthz`);
    assert.equal(up.status, 200);
    assert.deepEqual(((await up.json()) as { dependencies: unknown }).dependencies, { store: 'up' });
    await other.stop();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(n.store.healthy, false, 'the store knows Redis is gone');
    const res = await fetch(`${n.url}/healthz`);
    assert.equal(res.status, 503);
    assert.deepEqual((await res.json()) as { status: string; dependencies: unknown }, {
      status: 'store-unreachable',
      rooms: 0,
      members: 0,
      dependencies: { store: 'down' },
    });
    // A JOIN meanwhile gets an answer, not a hang.
    const client = await TestClient.connect(n.wsUrl);
    await assert.rejects(client.join(`r-${newId()}`), /join refused|no WELCOME/);
    client.ws.close();
    await assert.rejects(RedisStore.connect('redis://127.0.0.1:9'), /cannot reach Redis at redis:\/\/127\.0\.0\.1:9/);
  });
});
