/**
 * Local camera and microphone. Asks for both, falls back to audio only when
 * there is no camera, and to receive-only when permission is denied or there
 * are no devices at all. The outcome says what happened so the UI can show it.
 */
export interface LocalMedia {
  /** Empty (no tracks) when receive-only. */
  stream: MediaStream;
  audioTrack: MediaStreamTrack | undefined;
  videoTrack: MediaStreamTrack | undefined;
  /** Why something is missing, for the user: undefined when both devices were granted. */
  problem?: { name: string; message: string };
}

const NO_DEVICE = new Set(['NotFoundError', 'OverconstrainedError', 'NotReadableError', 'AbortError']);

function describe(error: unknown): { name: string; message: string } {
  const name = error instanceof DOMException || error instanceof Error ? error.name : 'Error';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return { name, message: 'Camera and microphone permission was denied; you joined without them.' };
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return { name, message: 'No camera or microphone was found; you joined without them.' };
  }
  if (name === 'NotReadableError') {
    return { name, message: 'The camera or microphone is in use by another application.' };
  }
  if (name === 'TypeError' && typeof navigator !== 'undefined' && !navigator.mediaDevices) {
    return { name, message: 'This page cannot use a camera (it needs https); you joined without one.' };
  }
  return { name, message: `Could not start camera or microphone (${name}); you joined without them.` };
}

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
    problem = describe(error);
    // No camera (or it is busy): try the microphone alone. Denied permission stays denied.
    if (NO_DEVICE.has(problem.name)) {
      try {
        stream = await request({ audio: true });
        problem = { name: problem.name, message: 'No camera is available; you joined with audio only.' };
      } catch (second) {
        problem = describe(second);
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
