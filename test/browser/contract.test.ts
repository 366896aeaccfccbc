/**
 * What the README promises of the element and no other test checked: a second
 * definition is harmless, `no-audio` joins muted, a bad `room` or
 * `ice-transport-policy` is a visible error and an event, events bubble out of
 * the shadow root to any ancestor, `meeting-room-connection-state` reports the
 * link, and an unknown language falls back to English.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { MeetingRoomConnectionStateEvent, MeetingRoomErrorEvent } from '../../src/ui/events.js';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { joined } from './call-helpers.js';
import { meetingRoom, parts, server, uniqueRoom, until } from './helpers.js';

describe('documented behaviour of the element', () => {
  it('loading the definition twice (two script tags) neither throws nor replaces the element', async () => {
    const before = customElements.get('meeting-room');
    await import(/* @vite-ignore */ `../../src/define.ts?again=${Date.now()}`);
    expect(customElements.get('meeting-room') === before, 'the first definition stays').to.equal(true);
  });

  it('no-audio joins with the microphone off: the button says so and the others see it', async () => {
    const room = uniqueRoom('no-audio');
    const [ada, bob] = await joined(room, ['Ada', 'Bob'], {});
    const quiet = await meetingRoom(room, { name: 'Quiet', 'no-audio': '' });
    await quiet.join();
    await until(() => quiet.state === 'joined', 'joined');
    expect(parts(quiet, 'mic-button')[0]!.getAttribute('aria-pressed')).to.equal('false');
    for (const el of [ada!, bob!]) {
      await until(
        () => el.call!.participants.find((p) => p.clientId === quiet.clientId)?.audioEnabled === false,
        `${el.name} sees Quiet muted`,
      );
    }
  });

  it('a bad room or ice-transport-policy is a visible error and an error event, with nothing joined', async () => {
    for (const [attrs, message] of [
      [{ room: 'no spaces allowed' }, 'room must be 1-64 of A-Z a-z 0-9 _ -'],
      [{ room: 'x'.repeat(65) }, 'room must be 1-64'],
      [{ 'ice-transport-policy': 'sometimes' }, 'ice-transport-policy must be "all" or "relay"'],
    ] as const) {
      const el = await meetingRoom(uniqueRoom('bad'), attrs as Record<string, string>);
      const events: MeetingRoomErrorEvent[] = [];
      el.addEventListener('meeting-room-error', (e) => events.push(e));
      await el.join();
      await el.updateComplete;
      expect(
        events.map((e) => e.code),
        JSON.stringify(attrs),
      ).to.deep.equal(['invalid-attribute']);
      expect(el.state).to.equal('error');
      expect(parts(el, 'error')[0]!.textContent).to.contain(message);
      expect(parts(el, 'error')[0]!.getAttribute('role')).to.equal('alert');
      expect(el.call, 'nothing joined').to.equal(undefined);
    }
  });

  it('events bubble out of the shadow root to an ancestor; connection-state reports the connected link', async () => {
    const room = uniqueRoom('bubble');
    const wrapper = await fixture<HTMLDivElement>(html`<div><section></section></div>`);
    const seen: string[] = [];
    const states: { peer: string; state: string }[] = [];
    for (const type of ['meeting-room-joined', 'meeting-room-participant-joined', 'meeting-room-chat-message']) {
      wrapper.addEventListener(type, () => seen.push(type));
    }
    wrapper.addEventListener('meeting-room-connection-state', (e: MeetingRoomConnectionStateEvent) =>
      states.push({ peer: e.peer, state: e.connectionState }),
    );
    const [bob] = await joined(room, ['Bob']);
    const ada = document.createElement('meeting-room') as MeetingRoom;
    ada.setAttribute('room', room);
    ada.setAttribute('name', 'Ada');
    ada.setAttribute('skip-prejoin', '');
    ada.setAttribute('signal-url', server().signalUrl);
    wrapper.querySelector('section')!.append(ada);
    await ada.join();
    await until(() => states.some((s) => s.peer === bob!.clientId && s.state === 'connected'), 'connected');
    bob!.sendChat('hello');
    await until(() => seen.includes('meeting-room-chat-message'), 'the chat event at the ancestor');
    expect(seen).to.include.members(['meeting-room-joined', 'meeting-room-participant-joined']);
    ada.leave();
  });

  it('an unknown language falls back to English', async () => {
    const el = await meetingRoom(uniqueRoom('lang'), { lang: 'xx-YY', 'skip-prejoin': false });
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 200));
    expect(parts(el, 'join-button')[0]!.textContent!.trim()).to.equal('Join');
  });
});
