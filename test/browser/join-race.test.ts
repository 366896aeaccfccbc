/**
 * join(), leave() and join() again while the call's chunk is still being
 * fetched (this file is its own page, so the first join fetches it): one
 * call, one member in the room. Keep this the file's first test.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from '@open-wc/testing';
import { meetingRoom, uniqueRoom, until } from './helpers.js';

describe('joining while the call is being fetched', () => {
  it('join, leave and join again before the chunk arrives make one member, not two', async () => {
    const room = uniqueRoom('race');
    const el = await meetingRoom(room, { name: 'Ada' });
    const first = el.join();
    expect(el.call, 'the chunk is not there yet').to.equal(undefined);
    el.leave();
    const second = el.join();
    await Promise.all([first, second]);
    await until(() => el.state === 'joined', 'joined');
    await new Promise((r) => setTimeout(r, 500));
    const graph = (await executeServerCommand('meeting-server', { action: 'graph', room })) as {
      members: { clientId: string }[];
    };
    expect(graph.members.map((m) => m.clientId)).to.deep.equal([el.clientId]);
    el.leave();
  });
});
