import { expect } from '@open-wc/testing';
import { MeetingRoomErrorEvent } from '../../src/ui/events.js';
import { meetingRoom, parts, server, uniqueRoom, until } from './helpers.js';

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
  /** Joining with `attribute` set to `value` fails at once: an `invalid-attribute` event and `message` shown. */
  async function expectRefused(attribute: string, value: string, message: string): Promise<void> {
    const el = await meetingRoom(uniqueRoom(), { [attribute]: value });
    const codes: string[] = [];
    el.addEventListener('meeting-room-error', (e) => codes.push(e.code));
    await el.join();
    await el.updateComplete;
    expect(codes, value).to.deep.equal(['invalid-attribute']);
    expect(el.state, value).to.equal('error');
    expect(parts(el, 'error')[0]!.textContent, value).to.contain(message);
    el.remove();
  }

  it('refuses bad ice-servers with a visible error and an error event', async () => {
    const el = await meetingRoom(uniqueRoom(), { 'ice-servers': '[{"urls": 5}' });
    let event: MeetingRoomErrorEvent | undefined;
    el.addEventListener('meeting-room-error', (e) => (event = e));
    await el.join();
    await el.updateComplete;
    expect(event?.code).to.equal('invalid-attribute');
    expect(el.state).to.equal('error');
    // JSON.parse's own reason ("Expected ',' or '}' after property value in JSON at position 12 …").
    expect(parts(el, 'error')[0]!.textContent).to.match(/ice-servers: .*JSON at position/);
  });

  it('refuses a signal-url no WebSocket can open (not ws: or wss:, relative, with a #fragment): visible, with an event', async () => {
    for (const [value, message] of [
      ['http://127.0.0.1/ws', 'signal-url must be an absolute ws: or wss: URL, without a #fragment'],
      ['/ws', 'signal-url must be an absolute ws: or wss: URL, without a #fragment'],
      ['ws://127.0.0.1/ws#room', 'signal-url must be an absolute ws: or wss: URL, without a #fragment'],
      ['ws://127.0.0.1/ws#', 'signal-url must be an absolute ws: or wss: URL, without a #fragment'],
    ] as const) {
      await expectRefused('signal-url', value, message);
    }
  });

  it("refuses badly shaped ice-servers (valid JSON): each shape error is visible with the browser's reason, and an event", async () => {
    for (const [value, message] of [
      ['{"urls": "stun:x"}', 'ice-servers: must be a JSON array of RTCIceServer objects'],
      ['[5]', "ice-servers: The provided value is not of type 'RTCIceServer'."],
      ['[{}]', 'ice-servers: Malformed RTCIceServer'],
      ['[{"urls": 5}]', "ice-servers: '5' is not a valid URL."],
      ['[{"urls": "http://x"}]', "ice-servers: 'http://x' is not a valid stun or turn URL."],
      [
        '[{"urls": "turn:x"}]',
        'ice-servers: Both username and credential are required when the URL scheme is "turn" or "turns".',
      ],
    ] as const) {
      await expectRefused('ice-servers', value, message);
    }
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

describe('<meeting-room> room changes and page exit', () => {
  it('changing room while joined leaves the old room and joins the new one', async () => {
    const first = uniqueRoom('first');
    const second = uniqueRoom('second');
    const [a, b] = await Promise.all([meetingRoom(first, { name: 'Ada' }), meetingRoom(second, { name: 'Bob' })]);
    const c = await meetingRoom(first, { name: 'Cy' });
    for (const el of [a, b, c]) {
      await el.join();
      await until(() => el.state === 'joined', `${el.name} joined`);
    }
    await until(() => parts(c, 'remote').length === 1, 'Cy sees Ada');
    const events: string[] = [];
    a.addEventListener('meeting-room-left', (e) => events.push(`left:${e.room}`));
    a.addEventListener('meeting-room-joined', (e) => events.push(`joined:${e.room}`));
    a.room = second;
    await until(() => events.length === 2, 'left and joined again');
    expect(events).to.deep.equal([`left:${first}`, `joined:${second}`]);
    await until(() => parts(c, 'remote').length === 0, 'Cy no longer sees Ada');
    await until(() => parts(b, 'remote').some((t) => t.textContent?.includes('Ada')), 'Bob sees Ada');
    expect(a.getAttribute('room')).to.equal(second);
  });

  it('pagehide leaves the room', async () => {
    const room = uniqueRoom('pagehide');
    // A plain protocol client watches the room.
    const observer = new WebSocket(server().signalUrl);
    const seen: { type: string; from?: string }[] = [];
    observer.onmessage = (e) => seen.push(JSON.parse(e.data));
    await new Promise((resolve) => (observer.onopen = resolve));
    observer.send(
      JSON.stringify({ type: 'JOIN', room, clientId: 'observer-1', audioEnabled: false, videoEnabled: false }),
    );
    await until(() => seen.some((m) => m.type === 'WELCOME'), 'observer welcomed');
    const el = await meetingRoom(room, { name: 'Ada' });
    await el.join();
    await until(() => el.state === 'joined', 'Ada joined');
    const stream = el.call!.localStream!;
    const clientId = el.clientId;
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    await until(() => seen.some((m) => m.type === 'LEAVE' && m.from === clientId), 'the room hears LEAVE', 1000);
    expect(el.state).to.equal('left');
    expect(stream.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    observer.close();
  });
});

describe('<meeting-room> language', () => {
  it('takes its strings from lang, from an ancestor, and from the strings property', async () => {
    const el = await meetingRoom(uniqueRoom(), { lang: 'de' });
    expect(parts(el, 'join-button')[0]!.textContent!.trim()).to.equal('Beitreten');
    el.strings = { join: 'Los geht’s' };
    await el.updateComplete;
    expect(parts(el, 'join-button')[0]!.textContent!.trim()).to.equal('Los geht’s');
    el.removeAttribute('lang');
    el.lang = 'fr'; // no French table: English, with the override kept
    el.strings = {};
    await el.updateComplete;
    expect(parts(el, 'join-button')[0]!.textContent!.trim()).to.equal('Join');

    const wrapper = document.createElement('div');
    wrapper.lang = 'de-AT';
    wrapper.innerHTML = `<meeting-room room="x"></meeting-room>`;
    document.body.append(wrapper);
    const inner = wrapper.querySelector('meeting-room')!;
    await inner.updateComplete;
    expect(parts(inner, 'join-button')[0]!.textContent!.trim()).to.equal('Beitreten');
    wrapper.remove();
  });

  it('shows the call in German, controls included', async () => {
    const room = uniqueRoom('de');
    const el = await meetingRoom(room, { lang: 'de', name: 'Ada' });
    await el.join();
    await until(() => el.state === 'joined', 'joined');
    // Icon buttons: their names (and tooltips) are in the page's language.
    expect(parts(el, 'mic-button')[0]!.getAttribute('aria-label')).to.equal('Mikrofon');
    expect(parts(el, 'leave-button')[0]!.getAttribute('aria-label')).to.equal('Verlassen');
    expect(parts(el, 'leave-button')[0]!.dataset['tip']).to.equal('Verlassen');
    expect(parts(el, 'local')[0]!.getAttribute('aria-label')).to.equal('Ada (Sie)');
    await expect(el).to.be.accessible();
  });
});
