/**
 * Joining does not wait for the camera: a newcomer whose camera takes 2 s to
 * start sees and hears the room before its own camera is ready; its camera
 * then reaches the others without a new offer; a capture that fails after
 * JOIN is told to the room; a new link sends its first pictures at half size.
 */
import { expect } from '@open-wc/testing';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { connection, fullyConnected, inbound, joined, remoteTile } from './call-helpers.js';
import { meetingRoom, parts, server, uniqueRoom, until } from './helpers.js';

const CAMERA_MS = 2000;

/** Makes the next getUserMedia calls take `ms` longer (or fail with `failWith`); returns the undo. */
function slowCamera(ms: number, failWith?: string): () => void {
  const devices = navigator.mediaDevices;
  const capture = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (failWith) throw new DOMException('the camera went away', failWith);
    return capture(constraints);
  };
  return () => {
    devices.getUserMedia = capture;
  };
}

/** The width of the first picture `el`'s tile of `peer` shows (its video element's first presented frame). */
async function firstPictureWidth(el: MeetingRoom, peer: MeetingRoom): Promise<number> {
  const video = await until(
    () => remoteTile(el, peer)?.querySelector<HTMLVideoElement>('[part~="video"]'),
    `${el.name}'s tile of ${peer.name}`,
  );
  return new Promise((resolve) => video.requestVideoFrameCallback((_, frame) => resolve(frame.width)));
}

/** OFFERs sent to `to` from this page (the members offer to a newcomer; it should not need to offer back). */
function countOffers(to: string): { offers: number; restore(): void } {
  const counter = { offers: 0, restore: () => {} };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string' && data.startsWith('{"type":"OFFER"') && data.includes(`"to":"${to}"`)) {
      counter.offers++;
    }
    return send.call(this, data);
  };
  counter.restore = () => (WebSocket.prototype.send = send);
  return counter;
}

describe('joining before the camera is ready', () => {
  let undo: (() => void) | undefined;
  afterEach(() => undo?.());

  /** Ada in a room, then Bob's join() begun (not awaited), his camera first made slow (or failing) when asked. */
  async function adaThenBob(
    prefix: string,
    camera?: Parameters<typeof slowCamera>,
    skipPrejoin = true,
  ): Promise<[MeetingRoom, MeetingRoom]> {
    const room = uniqueRoom(prefix);
    const [ada] = (await joined(room, ['Ada'])) as [MeetingRoom];
    if (camera) undo = slowCamera(...camera);
    const bob = await meetingRoom(room, { name: 'Bob', 'skip-prejoin': skipPrejoin });
    void bob.join();
    return [ada, bob];
  }

  it('a newcomer with a slow camera sees and hears the room first (its own tile showing its initials); its camera then reaches the room without an offer', async function () {
    this.timeout(30_000);
    const room = uniqueRoom('fast');
    const [ada] = (await joined(room, ['Ada'])) as [MeetingRoom];

    undo = slowCamera(CAMERA_MS);
    const offers = countOffers(ada.clientId!);
    const bob = await meetingRoom(room, { name: 'Bob', 'skip-prejoin': true });
    let ownMediaAt = 0;
    const started = performance.now();
    void bob.join();
    await until(() => bob.call, "Bob's call");
    bob.call!.on('local-media', (m) => {
      if (m.stream?.getVideoTracks().length) ownMediaAt ||= performance.now();
    });
    // Before his camera: Ada's video decoded and her audio received on Bob's side.
    await until(
      async () => bob.call?.link(ada.clientId!) && (await inbound(bob, ada)).framesDecoded > 5,
      "Ada's frames at Bob",
    );
    const seenAt = performance.now();
    expect((await inbound(bob, ada)).audioPackets).to.be.above(0);
    expect(ownMediaAt, "Bob's camera was not ready yet").to.equal(0);
    // Meanwhile his own tile shows his initials, not an empty box.
    const own = bob.shadowRoot!.querySelector('[part~="local"]')!;
    expect(own.querySelector('[part~="avatar"]')?.textContent?.trim()).to.equal('B');
    expect((own.querySelector('video') as HTMLVideoElement).hidden).to.equal(true);
    expect(seenAt - started).to.be.below(CAMERA_MS);
    // Ada sees Bob's microphone and camera as on from the start (what he is starting), not off then on.
    const tile = await until(() => remoteTile(ada, bob), "Bob's tile at Ada");
    expect(tile.part.contains('muted'), 'not shown muted while his microphone starts').to.equal(false);

    // His camera arrives: Ada decodes it on the same connection, and Bob never offered.
    await until(() => ownMediaAt > 0, "Bob's camera ready", CAMERA_MS + 3000);
    await until(() => !(own.querySelector('video') as HTMLVideoElement).hidden, 'his own picture instead of initials');
    const pc = connection(ada, bob);
    await until(async () => (await inbound(ada, bob)).framesDecoded > 5, "Bob's frames at Ada");
    expect(connection(ada, bob)).to.equal(pc);
    expect((await inbound(ada, bob)).audioPackets).to.be.above(0);
    expect(offers.offers, 'Bob sent no OFFER').to.equal(0);
    offers.restore();
    console.log(
      `[join-fast] room seen ${Math.round(seenAt - started)} ms after join(); own camera ${Math.round(ownMediaAt - started)} ms`,
    );
  });

  it("a new link's first pictures are half the camera's width, not a quarter, both ways; then wider than half", async function () {
    // At the start bitrate (300 kbit/s), Chromium's encoder drops a 1280×720 camera's first frames and sends it
    // 320 wide for seconds; a link starts at half size (its first frame sooner, and sharper) and goes to full size
    // once its estimate passes 1 Mbit/s (read at its quality samples, every 2 s).
    this.timeout(30_000);
    const [ada, bob] = await adaThenBob('fast-size');
    await until(() => bob.call, "Bob's call");
    // Ada offers (her sender's encodings) and Bob answers (his sender's parameters).
    const [adaAtBob, bobAtAda] = await Promise.all([firstPictureWidth(bob, ada), firstPictureWidth(ada, bob)]);
    expect(adaAtBob, "Ada's first picture at Bob").to.equal(640);
    expect(bobAtAda, "Bob's first picture at Ada").to.equal(640);
    for (const [el, peer] of [
      [bob, ada],
      [ada, bob],
    ] as const) {
      await until(
        async () => (await inbound(el, peer)).frameWidth > 640,
        `${peer.name} over 640 wide at ${el.name}`,
        10_000,
      );
    }
  });

  it('with three people every link stays at half size; when one leaves, the last link goes wider than half', async function () {
    // Each link encodes the camera again: at full size, four people's links starved each other on two busy cores.
    this.timeout(45_000);
    const [ada, bob, cy] = (await joined(uniqueRoom('fast-three'), ['Ada', 'Bob', 'Cy'])) as [
      MeetingRoom,
      MeetingRoom,
      MeetingRoom,
    ];
    await fullyConnected([ada, bob, cy]);
    await new Promise((resolve) => setTimeout(resolve, 6000)); // three quality samples, estimates over 1 Mbit/s
    const widths: number[] = [];
    for (const [el, peer] of [
      [ada, bob],
      [bob, cy],
      [cy, ada],
    ] as const) {
      widths.push((await inbound(el, peer)).frameWidth);
    }
    expect(widths, 'received widths').to.deep.equal([640, 640, 640]);
    cy.remove(); // leaves
    await until(() => ada.call!.participants.length === 1, 'Cy gone at Ada');
    await until(async () => (await inbound(ada, bob)).frameWidth > 640, "Bob's picture wider than half at Ada", 10_000);
    await until(async () => (await inbound(bob, ada)).frameWidth > 640, "and Ada's at Bob", 10_000);
  });

  it('a camera that starts 3 s after the link (past its first quality sample) also arrives half wide, not a quarter', async function () {
    // While only audio flows the link's estimate stays at the start rate: the camera would be dropped to 320 wide.
    this.timeout(30_000);
    const [ada, bob] = await adaThenBob('fast-late-size', [3000]);
    await until(() => bob.call, "Bob's call");
    const width = firstPictureWidth(ada, bob);
    await until(() => ada.call!.link(bob.clientId!)?.state.connectionState === 'connected', 'the link connected');
    expect(bob.call!.devices!.videoTrack === undefined, 'his camera not started yet').to.equal(true);
    expect(await width, "Bob's first picture at Ada").to.equal(640);
    await until(async () => (await inbound(ada, bob)).frameWidth > 640, 'then wider than half', 10_000);
  });

  it('a capture that fails after JOIN is told to the room: the newcomer shows as muted with the camera off', async function () {
    this.timeout(30_000);
    const [ada, bob] = await adaThenBob('fast-fail', [1000, 'NotAllowedError']);
    const tile = await until(() => remoteTile(ada, bob), "Bob's tile at Ada");
    await until(() => tile.part.contains('muted') && tile.part.contains('camera-off'), 'Bob muted, camera off at Ada');
    expect(bob.state).to.equal('joined');
    expect(ada.call!.participants.find((p) => p.clientId === bob.clientId)).to.include({
      audioEnabled: false,
      videoEnabled: false,
    });
  });

  it('a page hidden while the camera starts keeps the camera paused for the room until it is shown again', async function () {
    this.timeout(30_000);
    const [ada, bob] = await adaThenBob('fast-hidden', [1500]);
    await until(() => bob.call, "Bob's call");
    bob.call!.setBackground(true); // a phone switched to another app while the camera starts
    await until(() => bob.call!.devices?.videoTrack, "Bob's camera started", 5000);
    const sender = () =>
      connection(bob, ada)
        .getTransceivers()
        .find((t) => t.receiver.track.kind === 'video')!.sender;
    await until(() => bob.call!.link(ada.clientId!), 'the link');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sender().track === null, 'no camera picture to the room while hidden').to.equal(true);
    expect(ada.call!.participants.find((p) => p.clientId === bob.clientId)?.videoEnabled).to.equal(false);
    bob.call!.setBackground(false);
    await until(() => sender().track !== null, 'the camera sent once shown again');
    await until(async () => (await inbound(ada, bob)).framesDecoded > 5, "Bob's frames at Ada");
  });

  it('"Join now" while the pre-join camera still starts joins at once: the room is seen first, the camera follows', async function () {
    this.timeout(30_000);
    const [ada, bob] = await adaThenBob('fast-prejoin', [CAMERA_MS], false); // the pre-join view, its preview starting
    const joinNow = await until(() => parts(bob, 'join-button')[0], 'the Join now button');
    await until(() => parts(bob, 'status')[0], 'the preview starting');
    const clicked = performance.now();
    joinNow.click();
    // In the room, and Ada's frames at Bob, before his camera has started.
    const tile = await until(() => remoteTile(ada, bob), "Bob's tile at Ada");
    await until(
      async () => bob.call?.link(ada.clientId!) && (await inbound(bob, ada)).framesDecoded > 5,
      "Ada's frames at Bob",
    );
    const seen = performance.now() - clicked;
    // (a boolean: chai printing a MediaStreamTrack in a failure takes the test browser down)
    expect(bob.call!.devices!.videoTrack === undefined, 'his camera had not started yet').to.equal(true);
    expect(seen).to.be.below(CAMERA_MS - 500);
    expect(tile.part.contains('camera-off'), 'his camera shown as coming, not off').to.equal(false);
    // Then his camera reaches Ada.
    await until(async () => (await inbound(ada, bob)).framesDecoded > 5, "Bob's frames at Ada", CAMERA_MS + 5000);
    expect(tile.part.contains('camera-off')).to.equal(false);
  });
});

/** Every WebSocket this page creates from now on, in order; `restore` ends the count. */
function watchSockets(): { sockets: WebSocket[]; joinsOn: (socket: WebSocket) => number; restore(): void } {
  const Native = window.WebSocket;
  const sockets: WebSocket[] = [];
  const joins = new Map<WebSocket, number>();
  window.WebSocket = class extends Native {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
    override send(data: string) {
      if (data.startsWith('{"type":"JOIN"')) joins.set(this, (joins.get(this) ?? 0) + 1);
      super.send(data);
    }
  };
  return { sockets, joinsOn: (socket) => joins.get(socket) ?? 0, restore: () => (window.WebSocket = Native) };
}

describe('the signaling socket opened ahead of the join', () => {
  let watch: ReturnType<typeof watchSockets> | undefined;
  afterEach(() => watch?.restore());

  /** Bob's element in `room` (Ada in it when `withAda`), and the socket the pointer on its Join button opened. */
  async function pointerOnJoin(room: string, withAda = true) {
    const [ada] = withAda ? ((await joined(room, ['Ada'])) as [MeetingRoom]) : [];
    watch = watchSockets();
    const bob = await meetingRoom(room, { name: 'Bob', 'skip-prejoin': true });
    parts(bob, 'join-button')[0]!.dispatchEvent(new PointerEvent('pointerenter'));
    return { ada, bob, warm: await firstSocketOpen('a socket opened on the pointer') };
  }

  async function firstSocketOpen(what: string): Promise<WebSocket> {
    const socket = await until(() => watch!.sockets[0], what);
    await until(() => socket.readyState === WebSocket.OPEN, 'the socket open');
    return socket;
  }

  /** Ada in `room`, and Bob in its pre-join view with the socket the view opened. */
  async function inPrejoin(room: string) {
    const [ada] = (await joined(room, ['Ada'])) as [MeetingRoom];
    watch = watchSockets();
    const bob = await meetingRoom(room, { name: 'Bob', 'skip-prejoin': false });
    await bob.join(); // the pre-join view
    return { ada, bob, warm: await firstSocketOpen('a socket opened with the pre-join view') };
  }

  /** Bob joins and Ada sees his tile. */
  async function bobIn(ada: MeetingRoom, bob: MeetingRoom): Promise<void> {
    await until(() => bob.state === 'joined', 'Bob joined');
    await until(() => remoteTile(ada, bob), "Bob's tile at Ada");
  }

  it('the pointer on Join opens the socket; the join then JOINs on that same socket, and opens no other', async function () {
    this.timeout(20_000);
    const { ada, bob, warm } = await pointerOnJoin(uniqueRoom('warm'));
    expect(warm.url).to.equal(server().signalUrl);
    expect(watch!.joinsOn(warm), 'no JOIN before the click').to.equal(0);
    expect(ada!.call!.participants.length, 'the room does not see Bob yet').to.equal(0);

    await bob.join();
    await bobIn(ada!, bob);
    expect(watch!.sockets.length, 'one socket in all').to.equal(1);
    expect(watch!.joinsOn(warm)).to.equal(1);
  });

  it('the pre-join view opens the socket while the person looks at the preview; "Join now" uses it', async function () {
    this.timeout(20_000);
    const { ada, bob, warm } = await inPrejoin(uniqueRoom('warm-prejoin'));
    expect(watch!.joinsOn(warm)).to.equal(0);
    (await until(() => parts(bob, 'join-button')[0], 'Join now')).click();
    await bobIn(ada, bob);
    expect(watch!.sockets.length).to.equal(1);
    expect(watch!.joinsOn(warm)).to.equal(1);
  });

  it('a socket closed during a long look at the preview (as the server closes a quiet one) opens again with the pointer on "Join now"', async function () {
    this.timeout(20_000);
    const { ada, bob, warm: first } = await inPrejoin(uniqueRoom('warm-again'));
    first.close(); // as the server does after a minute without a word (4001)
    await until(() => first.readyState === WebSocket.CLOSED, 'the socket closed');
    const joinNow = await until(() => parts(bob, 'join-button')[0], 'Join now');
    joinNow.dispatchEvent(new PointerEvent('pointerenter'));
    const again = await until(() => watch!.sockets[1], 'a socket opened again on the pointer');
    await until(() => again.readyState === WebSocket.OPEN, 'the new socket open');
    joinNow.click();
    await bobIn(ada, bob);
    expect(watch!.sockets.length, 'no third socket').to.equal(2);
    expect(watch!.joinsOn(again)).to.equal(1);
  });

  it('one socket ahead per page: the pointer on an element for another server closes the first one', async function () {
    const { warm } = await pointerOnJoin(uniqueRoom('warm-one'), false);
    const other = await meetingRoom(uniqueRoom('warm-other'), { 'signal-url': server().fast.signalUrl });
    parts(other, 'join-button')[0]!.dispatchEvent(new PointerEvent('pointerenter'));
    const second = await until(() => watch!.sockets[1], 'a socket for the other server');
    expect(second.url).to.equal(server().fast.signalUrl);
    await until(() => warm.readyState === WebSocket.CLOSED, 'the first one closed');
  });

  it('a socket opened ahead and not taken closes with the page (pagehide)', async function () {
    const { warm } = await pointerOnJoin(uniqueRoom('warm-hide'), false);
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    await until(() => warm.readyState === WebSocket.CLOSED, 'the socket closed with the page');
  });

  it('a socket opened ahead that closed meanwhile is not taken: the join dials a new one', async function () {
    this.timeout(20_000);
    const { ada, bob, warm } = await pointerOnJoin(uniqueRoom('warm-closed'));
    warm.close(); // as the server does with one that sends nothing for a minute (4001)
    await until(() => warm.readyState === WebSocket.CLOSED, 'the socket closed');
    await bob.join();
    await bobIn(ada!, bob);
    expect(watch!.sockets.length).to.equal(2);
    expect(watch!.joinsOn(watch!.sockets[1]!)).to.equal(1);
  });
});
