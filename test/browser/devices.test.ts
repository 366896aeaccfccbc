/**
 * Pre-join and devices, in real Chromium with three fake cameras, three
 * microphones and three speakers (`device-count=3`), against the real
 * signaling server.
 *
 * Chromium cannot unplug a fake device, nor make one busy or forbidden. Where
 * a test needs that, it plays the device layer the way Chromium behaves when
 * it happens: `enumerateDevices` stops listing the device, its track ends
 * (`ended`), `devicechange` fires; or `getUserMedia` rejects with the
 * DOMException Chromium gives (NotAllowedError, NotFoundError,
 * NotReadableError, OverconstrainedError). Each such test says so.
 *
 * Chromium's second fake camera (`fake_device_1`) delivers Y16, a depth
 * format the video encoder cannot send: tests that send a switched camera use
 * the first and the third.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import type { MeetingRoomDeviceChangeEvent, MeetingRoomErrorEvent } from '../../src/ui/events.js';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { PREFERENCES_KEY } from '../../src/ui/preferences.js';
import { expectLiveMedia, inbound, remoteTile } from './call-helpers.js';
import { meetingRoom, parts, server, uniqueRoom, until } from './helpers.js';

const md = navigator.mediaDevices;
const realGetUserMedia = md.getUserMedia.bind(md);
const realEnumerate = md.enumerateDevices.bind(md);
const realSend = WebSocket.prototype.send;

/** Every getUserMedia call the page makes, with its constraints. */
let captures: MediaStreamConstraints[] = [];
/** OFFER messages sent by any element of the page. */
let offers = 0;

beforeEach(() => {
  localStorage.removeItem(PREFERENCES_KEY);
  captures = [];
  offers = 0;
  md.getUserMedia = (constraints) => {
    captures.push(constraints ?? {});
    return realGetUserMedia(constraints);
  };
  WebSocket.prototype.send = function (this: WebSocket, data) {
    if (typeof data === 'string' && data.includes('"type":"OFFER"')) offers++;
    return realSend.call(this, data);
  };
});

afterEach(() => {
  md.getUserMedia = realGetUserMedia;
  md.enumerateDevices = realEnumerate;
  WebSocket.prototype.send = realSend;
  localStorage.removeItem(PREFERENCES_KEY);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const part = (el: MeetingRoom, name: string) => parts(el, name)[0];
const select = (el: MeetingRoom, name: string) => part(el, name) as HTMLSelectElement;

/** Clicks like a person (real input: the page gets user activation, as from a real click). */
async function click(element: HTMLElement): Promise<void> {
  element.scrollIntoView({ block: 'center' });
  const box = element.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
}

/** An element in the pre-join view, its preview running. */
async function inPrejoin(room: string, attrs: Record<string, string | boolean> = {}): Promise<MeetingRoom> {
  const el = await meetingRoom(room, { 'skip-prejoin': false, ...attrs });
  await click(part(el, 'join-button')!);
  await until(() => el.state === 'prejoin', 'the pre-join view');
  await until(() => select(el, 'mic-select')?.options.length > 1, 'the pickers filled');
  return el;
}

async function joinNow(el: MeetingRoom): Promise<void> {
  await click(part(el, 'join-button')!);
  await until(() => el.state === 'joined', `${el.name || 'the element'} joined`);
}

/** Frames shown by a video element so far. */
const framesShown = (video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames;

/** Picks an option of a picker as a person does (the change event a real choice fires). */
function choose(picker: HTMLSelectElement, deviceId: string): void {
  picker.value = deviceId;
  picker.dispatchEvent(new Event('change', { bubbles: true }));
}

async function inputs(kind: MediaDeviceKind): Promise<MediaDeviceInfo[]> {
  return (await realEnumerate()).filter((d) => d.kind === kind);
}

/** The sender of one kind on the link from `el` to `peer`. */
function sender(el: MeetingRoom, peer: MeetingRoom, kind: 'audio' | 'video'): RTCRtpSender {
  const link = el.call!.link(peer.clientId!)!;
  return link.connection.getTransceivers().find((t) => t.receiver.track.kind === kind)!.sender;
}

/** Samples Bob's decoded frames of Ada while `during` runs; the longest time without a new frame. */
async function longestFreeze(b: MeetingRoom, a: MeetingRoom, during: () => Promise<void>): Promise<number> {
  let last = (await inbound(b, a)).framesDecoded;
  let lastAt = performance.now();
  let longest = 0;
  let running = true;
  const sampling = (async () => {
    while (running) {
      await sleep(50);
      const now = (await inbound(b, a)).framesDecoded;
      const at = performance.now();
      if (now > last) {
        longest = Math.max(longest, at - lastAt);
        last = now;
        lastAt = at;
      }
    }
  })();
  await during();
  await sleep(1500); // frames keep coming after the switch
  running = false;
  await sampling;
  return Math.max(longest, performance.now() - lastAt);
}

describe('pre-join view', () => {
  it('shows a live mirrored preview, a moving meter and every device, and is accessible; nobody is in the room yet', async () => {
    const room = uniqueRoom('prejoin');
    const el = await inPrejoin(room, { name: 'Ada' });
    const preview = part(el, 'preview') as HTMLVideoElement;
    const first = await until(() => framesShown(preview), 'preview frames');
    await until(() => framesShown(preview) > first + 10, 'preview frames keep coming');
    expect(getComputedStyle(preview).transform, 'mirrored').to.equal('matrix(-1, 0, 0, 1, 0, 0)');

    const meter = part(el, 'mic-level')!;
    expect(meter.getAttribute('role')).to.equal('meter');
    const seen = new Set<string>();
    await until(() => {
      seen.add(meter.getAttribute('aria-valuenow')!);
      return seen.size >= 4 && [...seen].some((v) => Number(v) > 20);
    }, 'the meter moving with the fake microphone');

    expect(select(el, 'camera-select').options.length).to.equal(3);
    expect(select(el, 'mic-select').options.length).to.equal((await inputs('audioinput')).length);
    expect(select(el, 'speaker-select').options.length).to.equal((await inputs('audiooutput')).length);
    expect(select(el, 'speaker-select').options.length).to.be.at.least(3);
    expect((part(el, 'name-input') as HTMLInputElement).value).to.equal('Ada');
    expect(el.call === undefined, 'no call before Join now').to.equal(true);
    const other = await meetingRoom(room, { name: 'Bob' });
    await other.join();
    await until(() => other.state === 'joined', 'Bob joined');
    expect(other.call!.participants, 'the room is empty for Bob').to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('leaving the pre-join view, or the element leaving the page, releases camera and microphone', async () => {
    const el = await inPrejoin(uniqueRoom('release'));
    const tracks = () => ((part(el, 'preview') as HTMLVideoElement).srcObject as MediaStream).getTracks();
    const [camera] = tracks();
    const mic = (await el.getDevices()).find((d) => d.kind === 'audioinput' && d.selected);
    expect(camera!.readyState).to.equal('live');
    expect(mic).to.not.equal(undefined);
    el.leave();
    await el.updateComplete;
    expect(camera!.readyState).to.equal('ended');
    expect(el.state).to.equal('idle');
    expect(parts(el, 'join-button')[0]!.textContent!.trim()).to.equal('Join');
    // Again, then the element is taken off the page while the preview runs.
    await click(part(el, 'join-button')!);
    await until(
      () => el.state === 'prejoin' && (part(el, 'preview') as HTMLVideoElement)?.srcObject,
      'the preview again',
    );
    const again = tracks()[0]!;
    el.remove();
    expect(again.readyState).to.equal('ended');
  });

  it('joining sends the preview tracks: no second getUserMedia, the others get frames and sound', async () => {
    const room = uniqueRoom('reuse');
    const b = await meetingRoom(room, { name: 'Bob' });
    await b.join();
    await until(() => b.state === 'joined', 'Bob joined');
    captures = [];
    const a = await inPrejoin(room, { name: 'Ada' });
    const previewTrack = ((part(a, 'preview') as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0]!;
    const before = captures.length;
    expect(before, 'one capture for the preview').to.equal(1);
    await joinNow(a);
    await until(() => a.call!.link(b.clientId!)?.connection.connectionState === 'connected', 'connected');
    expect(captures.length, 'no capture at join').to.equal(before);
    expect(sender(a, b, 'video').track, 'the preview track is sent').to.equal(previewTrack);
    await expectLiveMedia(b, a);
  });

  it('the name field: prefilled, used in the room; a token name shows read-only', async () => {
    const room = uniqueRoom('name');
    const b = await meetingRoom(room, { name: 'Bob' });
    await b.join();
    const a = await inPrejoin(room, { name: 'Ada' });
    const input = part(a, 'name-input') as HTMLInputElement;
    input.value = 'Ada Lovelace';
    input.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await joinNow(a);
    await until(() => b.call!.participants[0]?.name === 'Ada Lovelace', 'Bob sees the chosen name');
    // A token's name wins (the payload is only read to show it; the server verifies the token).
    const payload = btoa(JSON.stringify({ room, name: 'Grace' })).replace(/=+$/, '');
    const c = await inPrejoin(uniqueRoom('token'), { name: 'Ada', token: `e30.${payload}.sig` });
    const named = part(c, 'name-input') as HTMLInputElement;
    expect(named.value).to.equal('Grace');
    expect(named.readOnly).to.equal(true);
  });

  it('choices persist across a reload: devices by id, name, microphone and camera off', async () => {
    const cameras = await inputs('videoinput');
    const mics = (await inputs('audioinput')).filter((d) => d.deviceId !== 'default');
    const speakers = (await inputs('audiooutput')).filter((d) => d.deviceId !== 'default');
    const a = await inPrejoin(uniqueRoom('remember'), { name: 'Ada' });
    choose(select(a, 'camera-select'), cameras[2]!.deviceId);
    await until(() => previewCamera(a) === cameras[2]!.deviceId, 'the third camera');
    choose(select(a, 'mic-select'), mics[1]!.deviceId);
    await until(async () => (await deviceOf(a, 'audioinput')) === mics[1]!.deviceId, 'the second microphone');
    choose(select(a, 'speaker-select'), speakers[1]!.deviceId);
    await until(() => select(a, 'speaker-select').value === speakers[1]!.deviceId, 'the second speaker');
    const name = part(a, 'name-input') as HTMLInputElement;
    name.value = 'Ada L.';
    name.dispatchEvent(new InputEvent('input', { bubbles: true }));
    part(a, 'mic-button')!.click();
    await joinNow(a);
    a.remove(); // the page goes away

    captures = [];
    const again = await inPrejoin(uniqueRoom('remember'), {});
    await until(() => previewCamera(again) === cameras[2]!.deviceId, 'the third camera again');
    expect(await deviceOf(again, 'audioinput')).to.equal(mics[1]!.deviceId);
    expect(await deviceOf(again, 'audiooutput')).to.equal(speakers[1]!.deviceId);
    expect(select(again, 'camera-select').value).to.equal(cameras[2]!.deviceId);
    expect(select(again, 'mic-select').value).to.equal(mics[1]!.deviceId);
    expect(select(again, 'speaker-select').value).to.equal(speakers[1]!.deviceId);
    expect((part(again, 'name-input') as HTMLInputElement).value).to.equal('Ada L.');
    expect(part(again, 'mic-button')!.getAttribute('aria-pressed'), 'microphone remembered off').to.equal('false');
    expect(captures, `one capture, of the remembered devices: ${JSON.stringify(captures)}`).to.have.length(1);
  });

  it('ids that changed since: the device is found again by its label', async () => {
    const cameras = await inputs('videoinput');
    localStorage.setItem(
      PREFERENCES_KEY,
      JSON.stringify({ devices: { videoinput: { deviceId: 'an-id-of-last-week', label: cameras[2]!.label } } }),
    );
    const a = await inPrejoin(uniqueRoom('label'));
    await until(() => previewCamera(a) === cameras[2]!.deviceId, 'the third camera, by label');
    expect(select(a, 'camera-select').value).to.equal(cameras[2]!.deviceId);
  });

  it('no-remember stores nothing; storage that throws is not an error', async () => {
    const a = await inPrejoin(uniqueRoom('no-remember'), { name: 'Ada', 'no-remember': true });
    await joinNow(a);
    expect(localStorage.getItem(PREFERENCES_KEY)).to.equal(null);
    a.remove();
    const setItem = Storage.prototype.setItem;
    const getItem = Storage.prototype.getItem;
    const errors: string[] = [];
    Storage.prototype.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    Storage.prototype.getItem = () => {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    };
    try {
      const b = await inPrejoin(uniqueRoom('storage'), { name: 'Bob' });
      b.addEventListener('meeting-room-error', (e) => errors.push(e.code));
      choose(select(b, 'camera-select'), (await inputs('videoinput'))[1]!.deviceId);
      await joinNow(b);
      expect(errors).to.deep.equal([]);
    } finally {
      Storage.prototype.setItem = setItem;
      Storage.prototype.getItem = getItem;
    }
  });

  it('with skip-prejoin and the call code loaded, join() starts the call at once (no tick lost)', async () => {
    const a = await meetingRoom(uniqueRoom('sync'), { name: 'Ada', 'skip-prejoin': true });
    await a.getDevices(); // fetches the call's code
    const joining = a.join();
    expect(a.call !== undefined, 'the call exists when join() returns').to.equal(true);
    await joining;
    await until(() => a.state === 'joined', 'joined');
  });

  it('skip-prejoin goes straight in; autojoin too', async () => {
    const room = uniqueRoom('skip');
    const a = await meetingRoom(room, { name: 'Ada', 'skip-prejoin': true });
    await click(part(a, 'join-button')!);
    await until(() => a.state === 'joined', 'joined from the Join button');
    const b = await fixture<MeetingRoom>(
      html`<meeting-room room=${room} name="Bob" signal-url=${server().signalUrl} autojoin></meeting-room>`,
    );
    await until(() => b.state === 'joined', 'autojoin joined');
    expect(parts(b, 'prejoin')).to.have.length(0);
  });
});

/** The device in use, as the element reports it (from the track it captures, or the chosen speaker). */
async function deviceOf(el: MeetingRoom, kind: MediaDeviceKind): Promise<string | undefined> {
  return (await el.getDevices()).find((d) => d.kind === kind && d.selected)?.deviceId;
}

/** The device the preview's camera track comes from. */
function previewCamera(el: MeetingRoom): string | undefined {
  const stream = (part(el, 'preview') as HTMLVideoElement | undefined)?.srcObject as MediaStream | null;
  return stream?.getVideoTracks()[0]?.getSettings().deviceId;
}

describe('devices in the call', () => {
  /** Ada and Bob in a call; Ada captures with the given (real) getUserMedia wrapper counting. */
  async function call(prefix: string): Promise<[MeetingRoom, MeetingRoom]> {
    const room = uniqueRoom(prefix);
    const a = await meetingRoom(room, { name: 'Ada' });
    await a.join();
    const b = await meetingRoom(room, { name: 'Bob' });
    await b.join();
    await until(() => a.call!.link(b.clientId!)?.connection.connectionState === 'connected', 'connected');
    await expectLiveMedia(b, a);
    return [a, b];
  }

  it('switching the camera from the settings panel: zero offers, frames without a gap of 1 s, the old camera stopped', async () => {
    const [a, b] = await call('switch-camera');
    const cameras = await inputs('videoinput');
    const old = a.call!.devices!.videoTrack!;
    const target = cameras[2]!;
    expect(old.getSettings().deviceId).to.not.equal(target.deviceId);
    const changes: string[] = [];
    a.addEventListener('meeting-room-device-change', (e: MeetingRoomDeviceChangeEvent) =>
      changes.push(`${e.kind}:${e.reason}:${e.deviceId === target.deviceId}`),
    );
    offers = 0;
    part(a, 'settings-button')!.click();
    await until(() => part(a, 'settings') && select(a, 'camera-select')?.options.length === 3, 'the settings panel');
    await expect(a).to.be.accessible();
    const freeze = await longestFreeze(b, a, async () => {
      choose(select(a, 'camera-select'), target.deviceId);
      await until(() => sender(a, b, 'video').track?.getSettings().deviceId === target.deviceId, 'the new camera sent');
    });
    expect(offers, 'no new offer').to.equal(0);
    expect(freeze, 'longest time without a new frame at Bob (ms)').to.be.below(1000);
    expect(old.readyState, 'the old camera stopped').to.equal('ended');
    expect(part(a, 'toast')!.textContent!.trim(), 'nothing to tell about a choice the person made').to.equal('');
    expect(changes).to.deep.equal(['videoinput:user:true']);
    await expectLiveMedia(b, a);
  });

  // The device layer played (see the top): a camera appears in the browser's list.
  it('a camera plugged in while the settings panel is open appears in its picker', async () => {
    const [a] = await call('plugged');
    const cameras = await inputs('videoinput');
    md.enumerateDevices = async () => (await realEnumerate()).filter((d) => d.deviceId !== cameras[2]!.deviceId);
    part(a, 'settings-button')!.click();
    await until(() => select(a, 'camera-select')?.options.length === 2, 'two cameras listed');
    md.enumerateDevices = realEnumerate;
    md.dispatchEvent(new Event('devicechange'));
    await until(() => select(a, 'camera-select').options.length === 3, 'the new camera listed');
  });

  it('switching the microphone with setDevice(): zero offers, Bob still hears Ada, the old one stopped', async () => {
    const [a, b] = await call('switch-mic');
    const old = a.call!.devices!.audioTrack!;
    const target = (await a.getDevices()).find(
      (d) => d.kind === 'audioinput' && !d.selected && d.deviceId !== 'default',
    )!;
    offers = 0;
    await a.setDevice('audioinput', target.deviceId);
    expect(sender(a, b, 'audio').track!.getSettings().deviceId).to.equal(target.deviceId);
    expect(old.readyState).to.equal('ended');
    const before = (await inbound(b, a)).audioPackets;
    await until(
      async () => (await inbound(b, a)).audioPackets > before + 20,
      'Bob receives audio from the new microphone',
    );
    expect(offers, 'no new offer').to.equal(0);
    expect(await deviceOf(a, 'audioinput')).to.equal(target.deviceId);
    // A muted microphone stays muted on its new device.
    a.setMicrophone(false);
    const other = (await a.getDevices()).find(
      (d) => d.kind === 'audioinput' && !d.selected && d.deviceId !== 'default',
    )!;
    await a.setDevice('audioinput', other.deviceId);
    expect(a.call!.devices!.audioTrack!.enabled).to.equal(false);
    expect(part(a, 'mic-button')!.getAttribute('aria-pressed')).to.equal('false');
  });

  it('switching the speaker reaches every remote video, and ones that come later', async () => {
    const [a, b] = await call('speaker');
    const speaker = (await inputs('audiooutput')).find((d) => d.deviceId !== 'default' && d.deviceId !== '')!;
    await a.setDevice('audiooutput', speaker.deviceId);
    const sinks = () => parts(a, 'remote').map((t) => t.querySelector('video')!.sinkId);
    await until(() => sinks().length === 1 && sinks()[0] === speaker.deviceId, "Bob's video plays on the speaker");
    const c = await meetingRoom(b.room, { name: 'Cy' });
    await c.join();
    await until(() => sinks().length === 2 && sinks().every((id) => id === speaker.deviceId), "Cy's too");
    // The speaker unplugged (the device layer played, see the top): sound goes to the default, and back.
    const changes: string[] = [];
    a.addEventListener('meeting-room-device-change', (e: MeetingRoomDeviceChangeEvent) =>
      changes.push(`${e.kind}:${e.reason}:${e.deviceId}`),
    );
    md.enumerateDevices = async () => (await realEnumerate()).filter((d) => d.deviceId !== speaker.deviceId);
    md.dispatchEvent(new Event('devicechange'));
    await until(() => sinks().every((id) => id === ''), 'the default speaker');
    expect(part(a, 'toast')!.textContent).to.contain('Now using');
    md.enumerateDevices = realEnumerate;
    md.dispatchEvent(new Event('devicechange'));
    await until(() => sinks().every((id) => id === speaker.deviceId), 'the chosen speaker again');
    expect(changes).to.deep.equal(['audiooutput:lost:', `audiooutput:returned:${speaker.deviceId}`]);
  });

  it('bad input to setDevice() and getDevices() before joining', async () => {
    const el = await meetingRoom(uniqueRoom('bad-device'));
    let error: unknown;
    try {
      await el.setDevice('videoinput', 'no-such-camera');
    } catch (e) {
      error = e;
    }
    expect((error as DOMException).name).to.equal('NotFoundError');
    error = undefined;
    try {
      await el.setDevice('camera' as MediaDeviceKind as 'videoinput', 'x');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
    const listed = await el.getDevices();
    expect(listed.filter((d) => d.kind === 'videoinput')).to.have.length(3);
    // Chosen before joining: used when the call starts.
    const cameras = await inputs('videoinput');
    await el.setDevice('videoinput', cameras[2]!.deviceId);
    expect(JSON.parse(localStorage.getItem(PREFERENCES_KEY)!).devices.videoinput.deviceId).to.equal(
      cameras[2]!.deviceId,
    );
    await el.join();
    await until(() => el.call?.devices?.videoTrack, 'the camera');
    expect(el.call!.devices!.videoTrack!.getSettings().deviceId).to.equal(cameras[2]!.deviceId);
  });

  // Chromium cannot unplug a fake camera: the device layer is played as Chromium does it (see the top).
  it('a camera that is unplugged: a stand-in within 2 s without an offer, told; the chosen one back when it returns', async () => {
    const [a, b] = await call('hot-swap');
    const cameras = await inputs('videoinput');
    await a.setDevice('videoinput', cameras[2]!.deviceId);
    const changes: string[] = [];
    a.addEventListener('meeting-room-device-change', (e: MeetingRoomDeviceChangeEvent) =>
      changes.push(`${e.reason}:${e.deviceId}`),
    );
    offers = 0;
    const unplugged = a.call!.devices!.videoTrack!;
    md.enumerateDevices = async () => (await realEnumerate()).filter((d) => d.deviceId !== cameras[2]!.deviceId);
    const at = performance.now();
    // Only devicechange here (the microphone test below uses the track's ended event alone).
    md.dispatchEvent(new Event('devicechange'));
    await until(
      () => {
        const track = sender(a, b, 'video').track;
        return track?.readyState === 'live' && track.getSettings().deviceId !== cameras[2]!.deviceId;
      },
      'a stand-in camera sent',
      2000,
    );
    const recoveredMs = performance.now() - at;
    const standIn = sender(a, b, 'video').track!.getSettings().deviceId;
    expect(standIn).to.not.equal(cameras[2]!.deviceId);
    const toast = part(a, 'toast')!;
    expect(toast.getAttribute('role')).to.equal('status');
    expect(toast.textContent).to.contain('Now using');
    await expectLiveMedia(b, a);
    expect(unplugged.readyState, 'the lost camera released').to.equal('ended');

    md.enumerateDevices = realEnumerate;
    md.dispatchEvent(new Event('devicechange'));
    await until(
      () => sender(a, b, 'video').track?.getSettings().deviceId === cameras[2]!.deviceId,
      'back to the chosen camera',
    );
    expect(changes).to.deep.equal([`lost:${standIn}`, `returned:${cameras[2]!.deviceId}`]);
    expect(offers, 'no new offer').to.equal(0);
    expect(recoveredMs).to.be.below(2000);
    await expectLiveMedia(b, a);
  });

  // As above, the device layer is played: every microphone is gone.
  it('the last microphone unplugged: visibly muted, the others told; it comes back muted', async () => {
    const [a, b] = await call('mic-lost');
    md.enumerateDevices = async () => (await realEnumerate()).filter((d) => d.kind !== 'audioinput');
    md.getUserMedia = (constraints) =>
      constraints?.audio
        ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))
        : realGetUserMedia(constraints);
    const mic = a.call!.devices!.audioTrack!;
    mic.stop();
    mic.dispatchEvent(new Event('ended'));
    await until(() => remoteTile(b, a)?.part.contains('muted'), "Ada's tile muted at Bob's", 2000);
    const button = part(a, 'mic-button') as HTMLButtonElement;
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    expect(button.disabled).to.equal(true);
    expect(part(a, 'toast')!.textContent).to.contain('microphone was disconnected');

    md.enumerateDevices = realEnumerate;
    md.getUserMedia = realGetUserMedia;
    md.dispatchEvent(new Event('devicechange'));
    await until(() => !(part(a, 'mic-button') as HTMLButtonElement).disabled, 'a microphone again');
    expect(a.call!.audioEnabled, 'still muted until Ada unmutes').to.equal(false);
    part(a, 'mic-button')!.click();
    await until(() => !remoteTile(b, a)?.part.contains('muted'), 'Bob hears Ada again');
  });
});

describe('device errors in the pre-join view', () => {
  // Chromium's fake devices never fail: getUserMedia rejects here as Chromium rejects when they do.
  function failing(
    name: string,
    kinds: ('audio' | 'video')[],
    when: (c: MediaStreamConstraints) => boolean = () => true,
  ) {
    md.getUserMedia = (constraints = {}) => {
      captures.push(constraints);
      const hit = kinds.some((k) => constraints[k]) && when(constraints);
      return hit ? Promise.reject(new DOMException(`fake ${name}`, name)) : realGetUserMedia(constraints);
    };
  }

  async function prejoinWithErrors(attrs: Record<string, string | boolean> = {}) {
    const errors: MeetingRoomErrorEvent[] = [];
    const el = await meetingRoom(uniqueRoom('errors'), { 'skip-prejoin': false, ...attrs });
    el.addEventListener('meeting-room-error', (e) => errors.push(e));
    await click(part(el, 'join-button')!);
    await until(() => el.state === 'prejoin' && part(el, 'error'), 'the error shown');
    return { el, errors };
  }

  it('permission denied: its text, a help link, its code; joining without devices works', async () => {
    failing('NotAllowedError', ['audio', 'video']);
    const { el, errors } = await prejoinWithErrors({ 'permission-help-href': 'https://example.com/allow' });
    expect(part(el, 'error')!.textContent).to.contain('Permission to use the camera and microphone was denied.');
    expect((part(el, 'permission-help') as HTMLAnchorElement).href).to.equal('https://example.com/allow');
    expect(errors.map((e) => `${e.code}:${e.cause}:${e.device}`)).to.deep.equal(['media-denied:NotAllowedError:both']);
    await until(() => select(el, 'camera-select').options.length === 3, 'the cameras listed');
    expect(select(el, 'camera-select').disabled, 'pickers still usable').to.equal(false);
    await expect(el).to.be.accessible();
    await joinNow(el);
    expect(el.call!.localStream!.getTracks()).to.have.length(0);
  });

  it('no camera: its text and code; the microphone still works', async () => {
    failing('NotFoundError', ['video']);
    const { el, errors } = await prejoinWithErrors();
    expect(part(el, 'error')!.textContent).to.contain('No camera was found.');
    expect(errors.map((e) => `${e.code}:${e.device}`)).to.deep.equal(['media-not-found:camera']);
    expect(part(el, 'mic-button')!.getAttribute('aria-pressed')).to.equal('true');
    await joinNow(el);
    expect(el.call!.localStream!.getAudioTracks()).to.have.length(1);
  });

  it('camera busy in another application: its text and code; picking another camera works and clears it', async () => {
    const cameras = await inputs('videoinput');
    // The default camera is busy; the others are free.
    failing('NotReadableError', ['video'], (c) => {
      const id = (c.video as MediaTrackConstraints).deviceId as { exact?: string } | undefined;
      return id?.exact !== cameras[2]!.deviceId;
    });
    const { el, errors } = await prejoinWithErrors();
    expect(part(el, 'error')!.textContent).to.contain('The camera is in use by another application.');
    expect(errors.map((e) => `${e.code}:${e.device}`)).to.deep.equal(['media-busy:camera']);
    expect(select(el, 'camera-select').disabled).to.equal(false);
    choose(select(el, 'camera-select'), cameras[2]!.deviceId);
    await until(() => previewCamera(el) === cameras[2]!.deviceId, 'the free camera in the preview');
    await until(() => !part(el, 'error'), 'the error gone');
  });

  it('a chosen device that cannot be used: its text and code, then the default device', async () => {
    const cameras = await inputs('videoinput');
    const el = await inPrejoin(uniqueRoom('overconstrained'));
    const errors: string[] = [];
    el.addEventListener('meeting-room-error', (e) => errors.push(`${e.code}:${e.device}`));
    failing('OverconstrainedError', ['video'], (c) => {
      const id = (c.video as MediaTrackConstraints).deviceId as { exact?: string } | undefined;
      return id?.exact === cameras[1]!.deviceId;
    });
    let rejected: unknown;
    await el.setDevice('videoinput', cameras[1]!.deviceId).catch((e: unknown) => (rejected = e));
    expect((rejected as DOMException).name).to.equal('OverconstrainedError');
    expect(errors).to.deep.equal(['media-overconstrained:camera']);
    expect(part(el, 'error')!.textContent).to.contain('The chosen camera is not available');
    await until(() => previewCamera(el) !== undefined, 'a camera in the preview');
    expect(previewCamera(el)).to.not.equal(cameras[1]!.deviceId);
  });
});
