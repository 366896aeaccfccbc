/**
 * A hostile signaling server talks to the element: garbage, messages out of
 * order, broken SDP, messages "from" ourselves. Nothing throws uncaught; the
 * element stays joined, says what failed, and keeps working.
 */
import { expect } from '@open-wc/testing';
import type { MeetingRoomErrorEvent } from '../../src/ui/events.js';
import { meetingRoom, parts, server, uniqueRoom, until } from './helpers.js';

describe('a hostile signaling server', () => {
  const uncaught: string[] = [];
  const onError = (e: ErrorEvent) => uncaught.push(`error: ${e.message}`);
  const onRejection = (e: PromiseRejectionEvent) => uncaught.push(`rejection: ${String(e.reason)}`);
  before(() => {
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
  });
  after(() => {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  });

  it('never makes the element throw; it stays joined, reports the broken negotiation and still shows chat', async () => {
    const el = await meetingRoom(uniqueRoom('hostile'), { name: 'Ada', 'signal-url': server().hostile.signalUrl });
    const errors: MeetingRoomErrorEvent[] = [];
    el.addEventListener('meeting-room-error', (e) => errors.push(e));
    await el.join();
    await until(() => el.state === 'joined', 'joined');
    parts(el, 'chat-button')[0]!.click();
    await until(() => parts(el, 'message-text').some((m) => m.textContent === 'still here'), 'the valid chat line');
    expect(parts(el, 'message').length, 'garbage chat was not shown').to.equal(1);
    const tiles = parts(el, 'remote');
    expect(tiles.length, 'one tile for the one announced peer; none for ourselves').to.equal(1);
    expect(tiles[0]!.textContent).to.contain('Mallory');
    expect(tiles[0]!.part.contains('camera-off'), 'the valid toggle applied').to.equal(true);
    await until(() => errors.some((e) => e.code === 'connectivity'), 'the broken offer is reported');
    expect(el.call!.ignoredMessages).to.be.at.least(5);
    await new Promise((r) => setTimeout(r, 300));
    expect(uncaught).to.deep.equal([]);
    el.leave();
    expect(el.state).to.equal('left');
  });
});
