/**
 * Two server processes sharing rooms through a real redis-server: two people
 * whose sockets are on different processes make a real call.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from '@open-wc/testing';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { fullyConnected, joinedVia, remoteTiles } from './call-helpers.js';
import { server, uniqueRoom, until } from './helpers.js';

interface Graph {
  members: { clientId: string }[];
  pairs: { connectionState: string }[];
}

describe('several server processes (Redis)', () => {
  it('two people on different processes see each other, talk and chat', async function () {
    this.timeout(60_000);
    const room = uniqueRoom('scale');
    const [a] = await joinedVia(server().redisA.signalUrl, room, ['Ada']);
    const [b] = await joinedVia(server().redisB.signalUrl, room, ['Bob']);
    const els = [a!, b!] as [MeetingRoom, MeetingRoom];
    await fullyConnected(els);
    for (const el of els) expect(remoteTiles(el).length, `${el.name}'s tiles`).to.equal(1);
    a!.sendChat('across processes');
    for (const el of els) {
      await until(() => el.call!.chat.some((m) => m.text === 'across processes'), `${el.name} got the line`);
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const el of els) expect(el.call!.chat.filter((m) => m.text === 'across processes').length).to.equal(1);
    // Either process tells the same graph.
    for (const name of ['redisA', 'redisB']) {
      const graph = await until(async () => {
        const g = (await executeServerCommand('meeting-server', { server: name, action: 'graph', room })) as Graph;
        return g && g.pairs.filter((p) => p.connectionState === 'connected').length === 2 ? g : undefined;
      }, `${name}: 2 members, 2 connected pairs`);
      expect(graph.members.map((m) => m.clientId).sort()).to.deep.equal([a!.clientId, b!.clientId].sort());
    }
  });
});
