/**
 * Re-renders must not reload videos (issue: every re-render reloaded every
 * video). Assigning `srcObject`, even the same stream, restarts a media
 * element's pipeline (`emptied`, `loadstart`) and costs presented frames; a
 * video is assigned a stream only when its stream really changed.
 */
import { expect } from '@open-wc/testing';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { fullyConnected, joined, meshLink, remoteTile } from './call-helpers.js';
import { parts, uniqueRoom, until } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts the load-algorithm events of every video element in the elements' shadow roots. */
function watchVideos(elements: MeetingRoom[]) {
  const counts = new Map<HTMLVideoElement, { emptied: number; loadstart: number }>();
  for (const el of elements) {
    for (const video of el.shadowRoot!.querySelectorAll('video')) {
      const count = { emptied: 0, loadstart: 0 };
      counts.set(video, count);
      video.addEventListener('emptied', () => count.emptied++);
      video.addEventListener('loadstart', () => count.loadstart++);
    }
  }
  return counts;
}

/** Counts the element's renders and the time they take. */
function watchRenders(el: MeetingRoom) {
  const stats = { renders: 0, ms: 0 };
  const target = el as unknown as { performUpdate(): void };
  const perform = target.performUpdate.bind(el);
  target.performUpdate = () => {
    const start = performance.now();
    perform();
    stats.ms += performance.now() - start;
    stats.renders++;
  };
  return stats;
}

/** Frames the video presents from now on (requestVideoFrameCallback). */
function presentedFrames(video: HTMLVideoElement) {
  const seen = { frames: 0 };
  const next = () =>
    video.requestVideoFrameCallback(() => {
      seen.frames++;
      next();
    });
  next();
  return seen;
}

describe('videos across re-renders', () => {
  it('quality samples, chat both ways and a microphone toggle for 10 s reload no video that was playing', async () => {
    const [a, b] = (await joined(uniqueRoom('reload'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await fullyConnected([a, b]);
    // Every video (two local, two remote) is playing before the watch starts.
    const videos = [a, b].flatMap((el) => [...el.shadowRoot!.querySelectorAll('video')]);
    expect(videos.length).to.equal(4);
    await until(() => videos.every((v) => v.readyState >= 2 && !v.paused), 'every video playing');
    const counts = watchVideos([a, b]);
    const renders = watchRenders(a);
    const frames = presentedFrames(remoteTile(a, b)!.querySelector('video')!);

    const start = performance.now();
    a.sendChat('one');
    await sleep(1500);
    b.sendChat('two');
    await sleep(1500);
    parts(a, 'mic-button')[0]!.click();
    await sleep(1500);
    parts(a, 'mic-button')[0]!.click();
    await until(
      () => a.call!.chat.length === 2 && b.call!.chat.length === 2 && b.call!.participants[0]!.audioEnabled,
      'chat and toggles arrived',
    );
    await sleep(10_000 - (performance.now() - start));

    const reloads = [...counts.values()].reduce((n, c) => n + c.emptied + c.loadstart, 0);
    console.log(
      `[renders] two-person call, 10 s with chat both ways and a mic toggle: ${renders.renders} renders of Ada's element ` +
        `(${(renders.renders / 10).toFixed(1)}/s), ${(renders.ms / Math.max(1, renders.renders)).toFixed(2)} ms each; ` +
        `${frames.frames} frames presented of Bob's video; ${reloads} video reloads`,
    );
    expect(renders.renders, 'quality samples and the changes did re-render').to.be.at.least(5);
    expect(reloads, 'emptied + loadstart on videos that were playing').to.equal(0);
    // The same video elements are still there (none was replaced by a new one).
    const now = [a, b].flatMap((el) => [...el.shadowRoot!.querySelectorAll('video')]);
    expect(now.every((v, i) => v === videos[i])).to.equal(true);
    expect(frames.frames, 'Bob’s video kept presenting frames').to.be.above(100);
  });

  it('a stream that really changes (the link to a peer starts afresh) is followed by its video', async () => {
    const [a, b] = (await joined(uniqueRoom('restream'), ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    await fullyConnected([a, b]);
    const link = meshLink(a, b);
    const oldConnection = link.connection;
    const oldStream = link.remoteStream;
    const video = remoteTile(a, b)!.querySelector('video')!;
    expect(video.srcObject).to.equal(oldStream);
    let loadstarts = 0;
    video.addEventListener('loadstart', () => loadstarts++);

    link.reconnect();
    expect(link.connection).to.not.equal(oldConnection);
    await until(() => link.connection.connectionState === 'connected', 'the new connection connected', 15_000);
    const tileVideo = remoteTile(a, b)!.querySelector('video')!;
    expect(tileVideo, 'the same tile and video element').to.equal(video);
    expect(link.remoteStream).to.not.equal(oldStream);
    await until(() => video.srcObject === link.remoteStream, 'the video shows the new stream');
    expect(loadstarts, 'loaded once for the new stream').to.equal(1);
    const frames = presentedFrames(video);
    await until(() => frames.frames > 10, 'frames of the new stream presented', 10_000);
  });
});
