/**
 * Local camera and microphone. Asks for both, falls back to audio only when
 * there is no camera, and to receive-only when permission is denied or there
 * are no devices at all. The outcome says what happened so the UI can show it.
 */
import { mediaMessages, mediaProblemOf } from './messages.js';

export interface LocalMedia {
  /** Empty (no tracks) when receive-only. */
  stream: MediaStream;
  audioTrack: MediaStreamTrack | undefined;
  videoTrack: MediaStreamTrack | undefined;
  /** Why something is missing, for the user: undefined when both devices were granted. */
  problem?: { name: string; message: string };
}

const NO_DEVICE = new Set(['NotFoundError', 'OverconstrainedError', 'NotReadableError', 'AbortError']);

const nameOf = (error: unknown) => (error instanceof DOMException || error instanceof Error ? error.name : 'Error');

/** The outcome in English (the element shows its own localized text for the same problem). */
const problemOf = (name: string, audioOnly: boolean) => ({
  name,
  message: mediaMessages[mediaProblemOf(name, audioOnly)],
});

async function request(constraints: MediaStreamConstraints): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new TypeError('navigator.mediaDevices is unavailable');
  return navigator.mediaDevices.getUserMedia(constraints);
}

/** Acquires camera and microphone, with the fallbacks above. Never rejects. */
export async function acquireLocalMedia(): Promise<LocalMedia> {
  let problem: LocalMedia['problem'];
  let stream: MediaStream | undefined;
  try {
    stream = await request({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
  } catch (error) {
    const name = nameOf(error);
    problem = problemOf(name, false);
    // No camera (or it is busy): try the microphone alone. Denied permission stays denied.
    if (NO_DEVICE.has(name)) {
      try {
        stream = await request({ audio: true });
        problem = problemOf(name, true);
      } catch (second) {
        problem = problemOf(nameOf(second), false);
      }
    }
  }
  stream ??= new MediaStream();
  return {
    stream,
    audioTrack: stream.getAudioTracks()[0],
    videoTrack: stream.getVideoTracks()[0],
    ...(problem ? { problem } : {}),
  };
}

/** Stops every track of the stream (the camera light goes off). */
export function stopLocalMedia(media: LocalMedia | undefined): void {
  for (const track of media?.stream.getTracks() ?? []) track.stop();
}
