/**
 * A lightweight participant for SFU load runs (issue 20): no browser, no
 * encoder. It joins a room over our protocol like the element does, publishes
 * a camera to the SFU by replaying a short VP8 clip (recorded once from
 * Chromium's fake camera: `recordClip`) as RTP through werift, and subscribes
 * to every other member's feeds, counting the bytes and packets it receives
 * (nothing is decoded). Janus cannot tell it from a browser; the machine pays
 * only for SRTP and the replay.
 */
import { randomUUID } from 'node:crypto';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { RTCPeerConnection, RTCRtpCodecParameters, MediaStreamTrack, Vp8Packetizer } from 'werift';
import { WebSocket } from 'ws';

const VP8 = () => new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96 });
const OPUS = () =>
  new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 });

/**
 * Records `seconds` of Chromium's fake camera as VP8 in WebM (MediaRecorder)
 * on `page`, and returns its frames: `{ data: Buffer, key: boolean }[]`, the
 * first one a keyframe.
 */
export async function recordClip(page, { width = 320, height = 180, fps = 15, kbps = 150, seconds = 4 } = {}) {
  const base64 = await page.evaluate(
    async (width, height, fps, kbps, seconds) => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width, height, frameRate: fps } });
      const recorder = new MediaRecorder(stream, {
        mimeType: 'video/webm;codecs=vp8',
        videoBitsPerSecond: kbps * 1000,
      });
      const chunks = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((r) => (recorder.onstop = r));
      recorder.start();
      await new Promise((r) => setTimeout(r, seconds * 1000));
      recorder.stop();
      await stopped;
      stream.getTracks().forEach((t) => t.stop());
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
      let text = '';
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    },
    width,
    height,
    fps,
    kbps,
    seconds,
  );
  const input = new Input({ source: new BufferSource(Buffer.from(base64, 'base64')), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  const frames = [];
  for await (const packet of new EncodedPacketSink(track).packets()) {
    frames.push({ data: Buffer.from(packet.data), key: packet.type === 'key' });
  }
  if (!frames[0]?.key) throw new Error('the recorded clip does not start with a keyframe');
  return frames;
}

/**
 * Joins `room` through `wsUrl` as `name` and publishes `frames` at `fps`, in
 * a loop; subscribes to the room. `stats()` says what it received; `close()`
 * leaves.
 */
export async function syntheticPeer({ wsUrl, room, name, frames, fps = 15, host = '127.0.0.2' }) {
  const clientId = `s${randomUUID().replaceAll('-', '').slice(0, 15)}`;
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const send = (message) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
  const config = {
    codecs: { video: [VP8()], audio: [OPUS()] },
    iceAdditionalHostAddresses: [host],
    iceUseIpv6: false,
    iceUseTcp: false,
  };
  const pub = new RTCPeerConnection(config);
  let sub;
  /** Bytes received per subscription m-line, and whose each m-line is (the latest SFU_OFFER's feeds). */
  const bytesByMid = new Map();
  const fromByMid = new Map();
  const errors = [];
  let timer;
  let chain = Promise.resolve();
  const queue = (task) => {
    chain = chain.then(task).catch((error) => errors.push(String(error)));
  };
  /** Its local description once gathering is done (candidates inline: no trickle needed). */
  const described = async (pc) => {
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve());
      });
    }
    return pc.localDescription.sdp;
  };

  const welcomed = new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'WELCOME') resolve();
      else if (message.type === 'ERROR' && message.code !== 'unknown-peer') {
        errors.push(`${message.code}: ${message.message}`);
        reject(new Error(`${name}: ${message.code}: ${message.message}`));
      } else if (message.type === 'SFU_ANSWER') {
        queue(() => pub.setRemoteDescription({ type: 'answer', sdp: message.sdp }));
      } else if (message.type === 'SFU_OFFER') {
        queue(async () => {
          if (!sub) {
            sub = new RTCPeerConnection(config);
            // (Hooked as they are added: their tracks arrive while the offer is applied.)
            sub.onTransceiverAdded.subscribe((transceiver) =>
              transceiver.onTrack.subscribe((track) =>
                track.onReceiveRtp.subscribe((rtp) =>
                  bytesByMid.set(transceiver.mid, (bytesByMid.get(transceiver.mid) ?? 0) + rtp.payload.length),
                ),
              ),
            );
          }
          await sub.setRemoteDescription({ type: 'offer', sdp: message.sdp });
          await sub.setLocalDescription(await sub.createAnswer());
          fromByMid.clear();
          for (const feed of message.feeds) fromByMid.set(feed.mid, feed.from);
          // As the element asks: with more than 8 others, the smallest layer of each camera (simulcast publishers).
          const others = new Set(message.feeds.map((f) => f.from));
          for (const peer of others)
            send({ type: 'SFU_LAYER', peer, layer: others.size > 8 ? 0 : others.size > 2 ? 1 : 2 });
          send({ type: 'SFU_START', sdp: await described(sub) });
        });
      }
    });
  });
  send({ type: 'JOIN', room, clientId, name, audioEnabled: false, videoEnabled: true });
  await welcomed;

  // A camera only (a muted microphone sends nothing worth counting); the screen slot stays empty.
  const track = new MediaStreamTrack({ kind: 'video' });
  pub.addTransceiver(track, { direction: 'sendonly' });
  await pub.setLocalDescription(await pub.createOffer());
  send({ type: 'SFU_PUBLISH', sdp: await described(pub) });
  await new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      void pub.close();
      ws.close();
      reject(
        new Error(
          `${name}: its publication did not connect within 15 s (${pub.connectionState}; ${errors.join('; ')})`,
        ),
      );
    }, 15_000);
    pub.connectionStateChange.subscribe((s) => s === 'connected' && (clearTimeout(timeout), resolve()));
  });

  const packetizer = new Vp8Packetizer({ payloadType: 96 });
  let i = 0;
  let timestamp = Math.floor(Math.random() * 2 ** 31);
  timer = setInterval(() => {
    const frame = frames[i++ % frames.length];
    for (const packet of packetizer.packetize(frame.data, timestamp)) track.writeRtp(packet);
    timestamp = (timestamp + 90000 / fps) >>> 0;
  }, 1000 / fps);

  return {
    clientId,
    errors,
    /** Payload bytes received so far from each member (by clientId), over the subscription's m-lines. */
    received: () => {
      const byPeer = {};
      for (const [mid, bytes] of bytesByMid) {
        const from = fromByMid.get(mid);
        if (from) byPeer[from] = (byPeer[from] ?? 0) + bytes;
      }
      return byPeer;
    },
    async close() {
      clearInterval(timer);
      ws.close();
      await Promise.allSettled([pub.close(), sub?.close()]);
    },
  };
}
