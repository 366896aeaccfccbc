import { expect } from '@open-wc/testing';
import { MeetingRoomErrorEvent } from '../../src/events.js';
import { meetingRoom, parts, uniqueRoom, until } from './helpers.js';

describe('<meeting-room> idle', () => {
  it('is accessible and shows a Join button until joined', async () => {
    const el = await meetingRoom(uniqueRoom());
    await expect(el).to.be.accessible();
    expect(el.state).to.equal('idle');
    expect(el.getAttribute('state')).to.equal('idle');
    const [button] = parts(el, 'join-button');
    expect(button!.textContent!.trim()).to.equal('Join');
  });
});

describe('<meeting-room> joining', () => {
  it('two elements in one room see each other, through the real server', async () => {
    const room = uniqueRoom();
    const a = await meetingRoom(room, { name: 'Ada', autojoin: true });
    await a.join();
    await until(() => a.state === 'joined', 'a joined');
    const b = await meetingRoom(room, { name: 'Bob' });
    await b.join();
    await until(() => parts(a, 'tile').some((t) => t.textContent?.includes('Bob')), "Bob's tile at Ada's");
    await until(() => parts(b, 'tile').some((t) => t.textContent?.includes('Ada')), "Ada's tile at Bob's");
    b.remove();
    await until(() => !parts(a, 'tile').some((t) => t.textContent?.includes('Bob')), "Bob's tile gone");
  });
});

describe('<meeting-room> errors', () => {
  it('refuses bad ice-servers with a visible error and an error event', async () => {
    const el = await meetingRoom(uniqueRoom(), { 'ice-servers': '[{"urls": 5}' });
    let event: MeetingRoomErrorEvent | undefined;
    el.addEventListener('meeting-room-error', (e) => (event = e));
    await el.join();
    await el.updateComplete;
    expect(event?.code).to.equal('invalid-attribute');
    expect(el.state).to.equal('error');
    expect(parts(el, 'error')[0]!.textContent).to.contain('ice-servers is not valid JSON');
  });

  it('reports an unreachable signal-url', async () => {
    const el = await meetingRoom(uniqueRoom(), { 'signal-url': 'ws://127.0.0.1:9/ws' });
    const errored = new Promise<MeetingRoomErrorEvent>((resolve) =>
      el.addEventListener('meeting-room-error', resolve, { once: true }),
    );
    await el.join();
    const event = await errored;
    expect(event.code).to.equal('signaling');
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('error');
    expect(parts(el, 'error')[0]!.textContent).to.contain('cannot reach the signaling server');
    el.leave();
  });
});
