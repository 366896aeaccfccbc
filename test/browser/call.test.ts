/**
 * Whole calls in real Chromium with the fake camera and microphone, through
 * the real signaling server: what a person would notice.
 */
import { executeServerCommand, sendMouse } from '@web/test-runner-commands';
import { expect } from '@open-wc/testing';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import {
  connection,
  expectLiveMedia,
  fullyConnected,
  inbound,
  joined,
  meshLink,
  remoteTile,
  remoteTiles,
} from './call-helpers.js';
import { meetingRoom, parts, server, uniqueRoom, until } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a call between two elements', () => {
  it('each decodes the other’s video and receives its audio', async () => {
    const [a, b] = (await joined(uniqueRoom('two'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await fullyConnected([a, b]);
    for (const [el, peer] of [
      [a, b],
      [b, a],
    ] as const) {
      const video = remoteTile(el, peer)!.querySelector('video')!;
      await until(() => video.videoWidth > 0, `${el.name} shows ${peer.name}'s video`);
      expect(remoteTile(el, peer)!.textContent).to.contain(peer.name);
    }
    const local = parts(a, 'local')[0]!.querySelector('video')!;
    expect(local.muted, 'the local video is muted').to.equal(true);
    expect(getComputedStyle(local).transform, 'the local video is mirrored').to.contain('matrix(-1');
  });

  it('is accessible while joined', async () => {
    const [a] = await joined(uniqueRoom('a11y'), ['Ada', 'Bob']);
    await expect(a!).to.be.accessible();
  });
});

describe('a call between three elements', () => {
  it('connects every pair; each sees two remote tiles with frames', async () => {
    const els = await joined(uniqueRoom('three'), ['Ada', 'Bob', 'Cy']);
    await fullyConnected(els);
    for (const el of els) expect(remoteTiles(el).length).to.equal(2);
  });
});

describe('media toggles', () => {
  it('reach the other side; with the camera off the receiver gets no more video bytes', async () => {
    const [a, b] = (await joined(uniqueRoom('toggle'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await fullyConnected([a, b]);
    const changes: string[] = [];
    b.addEventListener('meeting-room-media-changed', (e) =>
      changes.push(`${e.local}:${e.audioEnabled}:${e.videoEnabled}`),
    );

    parts(a, 'mic-button')[0]!.click();
    await until(() => remoteTile(b, a)!.part.contains('muted'), "Ada's tile muted at Bob's");
    expect(parts(a, 'mic-button')[0]!.getAttribute('aria-pressed')).to.equal('false');
    expect(remoteTile(b, a)!.querySelector('[data-indicator="muted"]')!.getAttribute('aria-label')).to.equal('Muted');

    parts(a, 'camera-button')[0]!.click();
    await until(() => remoteTile(b, a)!.part.contains('camera-off'), "Ada's tile camera-off at Bob's");
    expect(remoteTile(b, a)!.querySelectorAll('[part~="avatar"]').length, 'an avatar replaces the video').to.equal(1);
    await sleep(500);
    const stopped = await inbound(b, a);
    await sleep(1500);
    const later = await inbound(b, a);
    expect(later.videoBytes, 'video bytes stopped rising').to.equal(stopped.videoBytes);

    parts(a, 'camera-button')[0]!.click();
    await until(() => !remoteTile(b, a)!.part.contains('camera-off'), "Ada's camera back at Bob's");
    await expectLiveMedia(b, a);
    expect(changes).to.deep.equal(['false:false:true', 'false:false:false', 'false:false:true']);
  });

  it('fire a local event for a control button, and none for a method call', async () => {
    const [a, b] = (await joined(uniqueRoom('local-toggle'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    const local: string[] = [];
    a.addEventListener('meeting-room-media-changed', (e) =>
      local.push(`${e.local}:${e.audioEnabled}:${e.videoEnabled}`),
    );
    parts(a, 'camera-button')[0]!.click();
    // Off stops the camera first: the event says what is true once it has.
    await until(() => local.length > 0, 'the local event');
    expect(local).to.deep.equal(['true:true:false']);
    a.setCamera(true);
    a.setMicrophone(false);
    await until(() => b.call!.participants[0]?.audioEnabled === false, 'Bob hears of the method call');
    expect(local, 'no event for setCamera()/setMicrophone()').to.deep.equal(['true:true:false']);
    expect(parts(a, 'mic-button')[0]!.getAttribute('aria-pressed')).to.equal('false');
  });
});

describe('autoplay', () => {
  // Chromium lets a page that captures camera or microphone autoplay with
  // sound. A receive-only participant captures nothing, so it meets the real
  // policy: its peer runs in an iframe (another document) from the built embed.
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => {
    navigator.mediaDevices.getUserMedia = original;
    frame?.remove();
  });

  it('without a gesture, sound is refused: remote video plays muted and "Enable sound" unblocks it', async () => {
    const room = uniqueRoom('autoplay');
    frame = document.createElement('iframe');
    frame.srcdoc = `<script type="module" src="/dist/public/meeting-room.js"></script>
      <meeting-room room="${room}" name="Framed" signal-url="${server().signalUrl}" autojoin></meeting-room>`;
    document.body.append(frame);
    const framed = await until(
      () => frame!.contentDocument?.querySelector('meeting-room') as MeetingRoom | null,
      'the framed element',
    );
    await until(() => framed.state === 'joined', 'the framed element joined');
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    const a = await meetingRoom(room, { name: 'Ada' });
    await a.join();
    const button = await until(() => parts(a, 'sound-button')[0], 'the Enable sound button');
    const video = remoteTiles(a)[0]!.querySelector('video')!;
    await until(() => !video.paused && video.muted, 'the remote video plays muted meanwhile');
    const box = button.getBoundingClientRect();
    await sendMouse({
      type: 'click',
      position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
    });
    await until(() => parts(a, 'sound-button').length === 0, 'the button goes away');
    await until(() => !video.muted && !video.paused, 'the remote video plays with sound');
  });
});

describe('chat', () => {
  it('shows each line once, in order, in every panel, as text', async () => {
    const els = (await joined(uniqueRoom('chat'), ['Ada', 'Bob', 'Cy'])) as [MeetingRoom, MeetingRoom, MeetingRoom];
    const [a, b, c] = els;
    for (const el of els) {
      parts(el, 'chat-button')[0]!.click();
      await el.updateComplete;
    }
    await expect(a).to.be.accessible();
    const lines = ['hello from Ada', '<img src=x onerror=alert(1)>', 'and Cy says hi'];
    for (const [el, text] of [
      [a, lines[0]],
      [b, lines[1]],
      [c, lines[2]],
    ] as const) {
      const input = parts(el, 'chat-input')[0] as HTMLInputElement;
      input.value = text!;
      parts(el, 'chat-send')[0]!.click();
      await until(() => parts(el, 'message-text').some((m) => m.textContent === text), `${el.name} sees its own line`);
    }
    for (const el of els) {
      await until(() => parts(el, 'message').length === 3, `${el.name} has three messages`);
      expect(parts(el, 'message-text').map((m) => m.textContent)).to.deep.equal(lines);
      expect(el.shadowRoot!.querySelector('[part~="messages"] img'), 'no HTML is rendered').to.equal(null);
    }
    expect(parts(b, 'message-sender').map((s) => s.textContent)).to.deep.equal(['Ada', 'You', 'Cy']);
  });

  it('counts unread messages while the panel is closed', async () => {
    const [a, b] = (await joined(uniqueRoom('unread'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    a.sendChat('one');
    a.sendChat('two');
    await until(() => parts(b, 'unread-badge')[0]?.textContent === '2', 'badge shows 2');
    expect(parts(b, 'chat-button')[0]!.getAttribute('aria-label')).to.equal('Chat, 2 unread');
    parts(b, 'chat-button')[0]!.click();
    await b.updateComplete;
    expect(parts(b, 'unread-badge').length).to.equal(0);
  });
});

describe('leaving', () => {
  it('leave(): the others lose the tile within 1 s; the leaver’s tracks end and its seat is gone', async () => {
    const room = uniqueRoom('leave');
    const [a, b] = (await joined(room, ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await fullyConnected([a, b]);
    const stream = a.call!.localStream!;
    const pc = connection(a, b);
    const left = new Promise((resolve) => a.addEventListener('meeting-room-left', resolve, { once: true }));
    const start = performance.now();
    parts(a, 'leave-button')[0]!.click();
    await left;
    await until(() => remoteTile(b, a) === undefined, "Ada's tile gone at Bob's", 1000);
    expect(performance.now() - start).to.be.below(1000);
    expect(
      stream.getTracks().every((t) => t.readyState === 'ended'),
      'tracks ended',
    ).to.equal(true);
    expect(pc.connectionState).to.equal('closed');
    expect(a.state).to.equal('left');
    const graph = (await executeServerCommand('meeting-server', { action: 'graph', room })) as {
      members: { clientId: string }[];
    };
    expect(graph.members.map((m) => m.clientId)).to.deep.equal([b.clientId]);
  });

  it('removing the element leaves too', async () => {
    const [a, b] = (await joined(uniqueRoom('remove'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await fullyConnected([a, b]);
    const stream = b.call!.localStream!;
    const start = performance.now();
    b.remove();
    await until(() => remoteTile(a, b) === undefined, "Bob's tile gone at Ada's", 1000);
    expect(performance.now() - start).to.be.below(1000);
    expect(stream.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
  });
});

describe('resilience', () => {
  it('when the server drops every socket, media keeps flowing and the call comes back whole', async () => {
    const [a, b] = (await joined(uniqueRoom('drop'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await fullyConnected([a, b]);
    const before = await inbound(b, a);
    // Every state each element passes through (the attribute is reflected once per update).
    const seen = new Map<MeetingRoom, string[]>([
      [a, []],
      [b, []],
    ]);
    const observers = [a, b].map((el) => {
      const observer = new MutationObserver(() => seen.get(el)!.push(el.state));
      observer.observe(el, { attributes: true, attributeFilter: ['state'] });
      return observer;
    });
    const { dropped } = (await executeServerCommand('meeting-server', { action: 'drop-connections' })) as {
      dropped: number;
    };
    expect(dropped).to.be.at.least(2);
    await until(
      () => [a, b].every((el) => seen.get(el)!.includes('reconnecting') && el.state === 'joined'),
      'both noticed the drop and rejoined',
    );
    for (const observer of observers) observer.disconnect();
    await until(
      async () => (await inbound(b, a)).framesDecoded > before.framesDecoded,
      'frames still rising after the drop',
    );
    await expectLiveMedia(b, a);
    await expectLiveMedia(a, b);
    expect(remoteTiles(a).length, 'no duplicate tiles').to.equal(1);
    expect(remoteTiles(b).length).to.equal(1);
    a.sendChat('after the drop');
    await until(() => b.call!.chat.some((m) => m.text === 'after the drop'), 'chat after the drop');
  });

  it('an ICE restart renegotiates and frames keep rising', async () => {
    const [a, b] = (await joined(uniqueRoom('restart'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await fullyConnected([a, b]);
    const pc = connection(a, b);
    const ufrag = () => /a=ice-ufrag:(\S+)/.exec(pc.localDescription!.sdp)![1];
    const first = ufrag();
    meshLink(a, b).restartIce();
    await until(() => pc.signalingState === 'stable' && ufrag() !== first, 'new ICE credentials negotiated');
    expect(connection(a, b)).to.equal(pc, 'the same connection, restarted');
    await until(() => pc.connectionState === 'connected', 'connected after restart');
    await expectLiveMedia(b, a);
    await expectLiveMedia(a, b);
  });
});

describe('media permission denied', () => {
  // Chromium runs with --use-fake-ui-for-media-stream, which answers every
  // permission prompt with "allow" (a DevTools permission override does not
  // change that). The user's "Block" is therefore played by getUserMedia
  // rejecting exactly as Chromium does then: DOMException NotAllowedError.
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const enumerate = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
  afterEach(() => {
    navigator.mediaDevices.getUserMedia = original;
    navigator.mediaDevices.enumerateDevices = enumerate;
  });

  it('without a camera joins with audio only: the others hear it, the camera button is disabled', async () => {
    const room = uniqueRoom('no-camera');
    const [a] = await joined(room, ['Ada']);
    // A machine without a camera: any request for video fails as Chromium fails it then.
    navigator.mediaDevices.getUserMedia = (constraints) =>
      constraints?.video
        ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))
        : original(constraints);
    navigator.mediaDevices.enumerateDevices = async () =>
      (await enumerate()).filter((device) => device.kind !== 'videoinput');
    const errors: string[] = [];
    const b = await meetingRoom(room, { name: 'Bob' });
    b.addEventListener('meeting-room-error', (e) => errors.push(`${e.code}:${e.cause}`));
    await b.join();
    await until(() => b.state === 'joined', 'Bob joined');
    expect(errors).to.deep.equal(['media-not-found:NotFoundError']);
    expect(parts(b, 'notice')[0]!.textContent).to.contain('No camera was found.');
    expect((parts(b, 'camera-button')[0] as HTMLButtonElement).disabled).to.equal(true);
    expect((parts(b, 'mic-button')[0] as HTMLButtonElement).disabled).to.equal(false);
    expect(b.call!.localStream!.getVideoTracks().length).to.equal(0);
    await until(() => a!.call?.link(b.clientId!)?.connection.connectionState === 'connected', 'connected');
    const before = await inbound(a!, b);
    await until(async () => (await inbound(a!, b)).audioPackets > before.audioPackets + 20, "Ada hears Bob's audio");
    await expectLiveMedia(b, a!);
  });

  it('joins receive-only with a visible message and an error event', async () => {
    const room = uniqueRoom('denied');
    const [a] = await joined(room, ['Ada']);
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    const errors: string[] = [];
    const b = await meetingRoom(room, { name: 'Bob' });
    b.addEventListener('meeting-room-error', (e) => errors.push(`${e.code}:${e.cause}`));
    await b.join();
    await until(() => b.state === 'joined', 'Bob joined');
    expect(errors).to.deep.equal(['media-denied:NotAllowedError']);
    expect(parts(b, 'notice')[0]!.textContent).to.contain('Permission to use the camera and microphone was denied.');
    expect((parts(b, 'mic-button')[0] as HTMLButtonElement).disabled).to.equal(true);
    await until(() => a!.call?.link(b.clientId!)?.connection.connectionState === 'connected', 'still connected');
    await expectLiveMedia(b, a!);
    expect(b.call!.localStream!.getTracks().length, 'receive-only').to.equal(0);
  });
});
