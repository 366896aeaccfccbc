/**
 * Screen share in real Chromium (getDisplayMedia answers with a fake screen
 * under --use-fake-ui-for-media-stream) against the real signaling server.
 * Start and stop are replaceTrack on a transceiver every link has from the
 * start: the tests count OFFER messages on the sockets.
 */
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import type { MeetingRoomScreenShareEvent } from '../../src/ui/events.js';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { joined } from './call-helpers.js';
import { meetingRoom, parts, uniqueRoom, until } from './helpers.js';

const realSend = WebSocket.prototype.send;
let offers = 0;
beforeEach(() => {
  offers = 0;
  WebSocket.prototype.send = function (this: WebSocket, data) {
    if (typeof data === 'string' && data.includes('"type":"OFFER"')) offers++;
    return realSend.call(this, data);
  };
});
afterEach(() => {
  WebSocket.prototype.send = realSend;
});

const part = (el: MeetingRoom, name: string) => parts(el, name)[0];

/** Clicks like a person (getDisplayMedia wants a user gesture). */
async function click(element: HTMLElement): Promise<void> {
  element.scrollIntoView({ block: 'center' });
  const box = element.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
}

/** The share tile of `sharer` at `el`, and the frames its video has shown. */
function screenAt(el: MeetingRoom, sharer: MeetingRoom): HTMLVideoElement | undefined {
  const tile = parts(el, 'screen').find((t) => t.dataset['clientId'] === sharer.clientId);
  return tile?.querySelector('video') ?? undefined;
}

/** Frames of `sharer`'s screen decoded by `el` (the third transceiver's receiver). */
async function screenFrames(el: MeetingRoom, sharer: MeetingRoom): Promise<number> {
  const pc = el.call!.link(sharer.clientId!)?.connection;
  const receiver = pc?.getTransceivers().filter((t) => t.receiver.track.kind === 'video')[1]?.receiver;
  if (!receiver) return 0; // not negotiated yet
  let frames = 0;
  (await receiver.getStats()).forEach((r: { type: string; framesDecoded?: number }) => {
    if (r.type === 'inbound-rtp') frames += r.framesDecoded ?? 0;
  });
  return frames;
}

async function share(el: MeetingRoom): Promise<void> {
  await click(part(el, 'share-button')!);
  await until(() => el.call!.screenTrack, `${el.name} shares`);
}

describe('screen share', () => {
  it('start and stop with no offer: the others decode it in its own tile; the sharer sees "You are presenting"', async () => {
    const room = uniqueRoom('share');
    const [ada, bob] = (await joined(room, ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await until(() => bob.call!.link(ada.clientId!)?.connection.connectionState === 'connected', 'connected');
    const events: string[] = [];
    for (const el of [ada, bob]) {
      el.addEventListener('meeting-room-screen-share', (e: MeetingRoomScreenShareEvent) =>
        events.push(`${el.name}:${e.local}:${e.enabled}`),
      );
    }
    offers = 0;
    await share(ada);
    expect(ada.call!.screenTrack!.contentHint).to.equal('detail');
    await until(() => screenAt(bob, ada), "Ada's screen tile at Bob's");
    const before = await screenFrames(bob, ada);
    await until(async () => (await screenFrames(bob, ada)) > before + 10, 'screen frames decoded at Bob');
    expect(part(ada, 'presenting')!.textContent).to.equal('You are presenting');
    expect(part(ada, 'share-button')!.getAttribute('aria-pressed')).to.equal('true');
    expect(parts(ada, 'screen-video'), 'no mirror of our own screen').to.have.length(0);
    await expect(bob).to.be.accessible();

    await click(part(ada, 'stop-share-button')!);
    await until(() => !screenAt(bob, ada), 'the tile gone at Bob');
    expect(ada.call!.screenTrack).to.equal(undefined);
    expect(offers, 'no offer for start or stop').to.equal(0);
    expect(events).to.deep.equal(['Ada:true:true', 'Bob:false:true', 'Ada:true:false', 'Bob:false:false']);
  });

  it("the browser's own stop ends it everywhere, and a late joiner gets a running share within 2 s", async () => {
    const room = uniqueRoom('share-late');
    const [ada, bob] = (await joined(room, ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await share(ada);
    const cy = await meetingRoom(room, { name: 'Cy' });
    await cy.join();
    const joinedAt = performance.now();
    await until(() => cy.state === 'joined' && screenAt(cy, ada), "Ada's screen at the late joiner");
    await until(async () => (await screenFrames(cy, ada)) > 0, 'frames of it', 2000);
    const ms = performance.now() - joinedAt;
    expect(ms).to.be.below(2000);
    // The browser's "Stop sharing" bar ends the track (played here: Chromium headless has no such bar).
    const track = ada.call!.screenTrack!;
    offers = 0;
    track.stop();
    track.dispatchEvent(new Event('ended'));
    await until(() => !screenAt(bob, ada) && !screenAt(cy, ada), 'gone everywhere');
    expect(ada.call!.screenTrack).to.equal(undefined);
    expect(part(ada, 'share-button')!.getAttribute('aria-pressed')).to.equal('false');
    expect(offers).to.equal(0);
  });

  it('a second sharer takes over: the first is told and stops', async () => {
    const room = uniqueRoom('share-takeover');
    const [ada, bob, cy] = (await joined(room, ['Ada', 'Bob', 'Cy'])) as [MeetingRoom, MeetingRoom, MeetingRoom];
    await share(ada);
    const first = ada.call!.screenTrack!;
    await until(() => screenAt(cy, ada), "Ada's share at Cy's");
    await share(bob);
    await until(() => ada.call!.screenTrack === undefined, "Ada's share ended");
    expect(first.readyState).to.equal('ended');
    await until(() => part(ada, 'toast')!.textContent!.includes('Bob is presenting now'), 'Ada is told');
    await until(() => screenAt(cy, bob) && !screenAt(cy, ada), "Cy sees Bob's share only");
    await until(async () => (await screenFrames(cy, bob)) > 5, "frames of Bob's screen at Cy");
    expect(parts(cy, 'screen')).to.have.length(1);
  });
});
