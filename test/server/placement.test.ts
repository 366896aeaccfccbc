/**
 * Where a room's SFU lives when there are several Janus instances: the
 * store's placement by load, the same in memory and in a real Redis (started
 * by the test; `.ci/run` installs redis-server), where two processes' stores
 * must agree and exactly one of them moves a room off a lost instance.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RedisStore } from '../../server/redis-store.js';
import { MemoryStore, type RoomStore } from '../../server/store.js';
// @ts-expect-error: a plain ES module of the scripts, without types
import { startRedis } from '../../scripts/redis.mjs';
import { newId } from './helpers.js';

const CAPACITY = { maxParticipants: 10, maxRooms: 100 };
const A = 'ws://10.0.0.1:8188';
const B = 'ws://10.0.0.2:8188';

async function seat(store: RoomStore, room: string, clientId = 'm1'): Promise<void> {
  const added = await store.add(
    room,
    {
      clientId,
      name: clientId,
      audioEnabled: true,
      videoEnabled: true,
      joinedAt: Date.now(),
      resumeToken: 'secret',
      seat: newId(),
    },
    CAPACITY,
  );
  assert.ok(added.ok, `seated in ${room}`);
}

let redis: { url: string; stop(): Promise<void> };
const redisStores: RedisStore[] = [];
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await Promise.all(redisStores.map((s) => s.close()));
  await redis.stop();
});

const stores: [string, () => Promise<[RoomStore, RoomStore]>][] = [
  [
    'memory',
    async () => {
      const store = new MemoryStore();
      return [store, store];
    },
  ],
  [
    'redis (two processes)',
    async () => {
      const prefix = `place-${newId()}:`;
      const [one, two] = [
        await RedisStore.connect(redis.url, { prefix }),
        await RedisStore.connect(redis.url, { prefix }),
      ];
      redisStores.push(one, two);
      return [one, two];
    },
  ],
];

for (const [name, make] of stores) {
  describe(`Janus placement (${name})`, () => {
    it('places each room on the instance with the fewest rooms, once; both processes see the same', async () => {
      const [one, two] = await make();
      const rooms = ['r1', 'r2', 'r3', 'r4'];
      for (const room of rooms) await seat(one, room);
      const placed = [];
      for (const [i, room] of rooms.entries()) placed.push(await (i % 2 ? two : one).placeJanus(room, [A, B]));
      assert.deepEqual(
        placed.map((p) => p?.instance),
        [A, B, A, B],
        'alternating: each time the one with fewer rooms (ties: the first)',
      );
      assert.ok(placed.every((p) => p?.placed));
      // Asked again (by the other process, with the instances in another order): where it lives, not placed anew.
      assert.deepEqual(await two.placeJanus('r1', [B, A]), { instance: A, placed: false });
      assert.equal(await two.janus('r2'), B);
      assert.equal(await one.placeJanus('nowhere', [A, B]), undefined, 'a room that does not exist is not placed');
      assert.equal(await one.janus('nowhere'), undefined);
    });

    it('moves a room off a lost instance exactly once, and the load follows; an emptied room takes its place with it', async () => {
      const [one, two] = await make();
      for (const room of ['r1', 'r2', 'r3']) await seat(one, room);
      for (const room of ['r1', 'r2', 'r3']) await one.placeJanus(room, [A, B]); // A, B, A
      // A is lost: both processes try to move r1 to the instances they still reach; one of them does.
      const moves = await Promise.all([one.placeJanus('r1', [B], A), two.placeJanus('r1', [B], A)]);
      assert.deepEqual(
        moves.map((m) => m?.instance),
        [B, B],
      );
      assert.equal(moves.filter((m) => m?.placed).length, 1, 'exactly one process moved it (and announces it)');
      // Not placed anew by a process that lost B instead: B is where it lives, and B is not being left.
      assert.deepEqual(await two.placeJanus('r1', [A], undefined), { instance: B, placed: false });
      // Load now: A 1 (r3), B 2 (r1, r2). A new room goes to A.
      await seat(one, 'r4');
      assert.equal((await one.placeJanus('r4', [A, B]))?.instance, A);
      // r1 and r2 empty (B: 0 rooms, A: 2): the next room goes to B; an emptied room starts unplaced.
      await one.remove('r1', 'm1');
      await one.remove('r2', 'm1');
      assert.equal(await two.janus('r1'), undefined, 'the placement went with the room');
      await seat(two, 'r5');
      assert.equal((await two.placeJanus('r5', [A, B]))?.instance, B);
      await seat(two, 'r1');
      assert.equal(await one.janus('r1'), undefined, 'a room made again is not placed yet');
    });
  });
}
