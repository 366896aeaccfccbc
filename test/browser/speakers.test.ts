/**
 * Who speaks, with controlled audio: each element's microphone is a WebAudio
 * tone (or silence) given through getUserMedia, the way the device layer
 * would hand over a microphone (the fake one only beeps for a moment every
 * half second). Real links, real RTP audio levels at the far side.
 */
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import type { MeetingRoomActiveSpeakerEvent } from '../../src/ui/events.js';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { remoteTile } from './call-helpers.js';
import { meetingRoom, parts, uniqueRoom, until } from './helpers.js';

const md = navigator.mediaDevices;
const realGetUserMedia = md.getUserMedia.bind(md);
let context: AudioContext;
/** The loudness of the next microphone captured (0: silence). */
let nextGain = 0;
/** When set, the next microphone's loudness swings by ±0.4 at this rate (Hz): two of them talk over each other. */
let nextWobble: number | undefined;

before(async () => {
  await sendMouse({ type: 'click', position: [2, 2] }); // user activation, for the AudioContext
  context = new AudioContext();
  await context.resume();
});
beforeEach(() => {
  md.getUserMedia = async (constraints) => {
    const video = constraints?.video ? (await realGetUserMedia({ video: constraints.video })).getVideoTracks() : [];
    if (!constraints?.audio) return new MediaStream(video);
    const tone = context.createOscillator();
    const gain = context.createGain();
    const out = context.createMediaStreamDestination();
    tone.frequency.value = 220;
    gain.gain.value = nextGain;
    tone.connect(gain).connect(out);
    tone.start();
    if (nextWobble !== undefined) {
      const lfo = context.createOscillator();
      const depth = context.createGain();
      lfo.frequency.value = nextWobble;
      depth.gain.value = 0.4;
      lfo.connect(depth).connect(gain.gain);
      lfo.start();
    }
    return new MediaStream([...out.stream.getAudioTracks(), ...video]);
  };
});
afterEach(() => {
  md.getUserMedia = realGetUserMedia;
});

async function member(room: string, name: string, gain: number, wobble?: number): Promise<MeetingRoom> {
  nextGain = gain;
  nextWobble = wobble;
  const el = await meetingRoom(room, { name });
  await el.join();
  await until(() => el.state === 'joined', `${name} joined`);
  return el;
}

const speakingAt = (el: MeetingRoom, peer: MeetingRoom) => remoteTile(el, peer)?.hasAttribute('speaking') ?? false;

describe('active speaker', () => {
  it('the one who talks is speaking and the active speaker everywhere; muted, never', async () => {
    const room = uniqueRoom('speaker');
    const ada = await member(room, 'Ada', 0.5);
    const bob = await member(room, 'Bob', 0);
    const active: string[] = [];
    bob.addEventListener('meeting-room-active-speaker', (e: MeetingRoomActiveSpeakerEvent) =>
      active.push(e.clientId === ada.clientId ? 'Ada' : 'Bob'),
    );
    await until(() => speakingAt(bob, ada), "Ada speaking at Bob's", 5000);
    expect(remoteTile(bob, ada)!.part.contains('speaking')).to.equal(true);
    await until(() => parts(ada, 'local')[0]!.hasAttribute('speaking'), 'Ada speaking on her own tile');
    expect(speakingAt(ada, bob), 'Bob is silent').to.equal(false);
    await until(() => active.length > 0, 'an active speaker');
    expect(active).to.deep.equal(['Ada']);
    expect(bob.call!.activeSpeaker).to.equal(ada.clientId);

    ada.setMicrophone(false);
    await until(() => !speakingAt(bob, ada), 'a muted participant does not speak', 3000);
    // Her own microphone still hears the tone (for "You are muted"), but she is not shown speaking.
    await until(() => !parts(ada, 'local')[0]!.hasAttribute('speaking'), 'not on her own tile either', 3000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(parts(ada, 'local')[0]!.hasAttribute('speaking')).to.equal(false);
    expect(active).to.deep.equal(['Ada']);
  });

  it('two talking over each other: at most one change of active speaker in 10 s', async () => {
    const room = uniqueRoom('flicker');
    // Their loudness swings at different rates, so who is louder changes every few hundred milliseconds.
    const ada = await member(room, 'Ada', 0.5, 0.7);
    const bob = await member(room, 'Bob', 0.5, 1.1);
    const cy = await member(room, 'Cy', 0);
    await until(() => speakingAt(cy, ada) && speakingAt(cy, bob), 'both speaking at Cy', 5000);
    await until(() => cy.call!.activeSpeaker, 'an active speaker');
    let changes = 0;
    cy.addEventListener('meeting-room-active-speaker', () => changes++);
    await new Promise((r) => setTimeout(r, 10_000));
    console.log(`[speakers] two talking over each other: ${changes} active-speaker changes in 10 s at a third member`);
    expect(changes).to.be.at.most(1);
    expect(speakingAt(cy, ada) && speakingAt(cy, bob), 'both still speaking').to.equal(true);
  });

  it('talking with the microphone off for 3 s: "You are muted"', async () => {
    const room = uniqueRoom('muted-speech');
    const ada = await member(room, 'Ada', 0.5);
    ada.setMicrophone(false);
    const mutedAt = performance.now();
    await until(() => parts(ada, 'toast')[0]!.textContent!.includes('You are muted'), 'the notice', 6000);
    expect(performance.now() - mutedAt).to.be.at.least(2900);
  });
});
