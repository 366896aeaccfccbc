/**
 * Who is speaking, and who the active speaker is, from audio levels sampled
 * ten times a second: remote levels from `RTCRtpReceiver.getSynchronizationSources()`
 * (the stats' `audioLevel` where the browser lacks it), the local microphone
 * from an AnalyserNode on a clone of its track (so that speaking while muted
 * can be noticed). No WebAudio on remote streams.
 *
 * - Speaking starts after ≥ 300 ms above the threshold and ends after 800 ms
 *   below (quiet moments under 250 ms, the gaps between syllables, do not
 *   count as below); a muted participant never speaks.
 * - The active speaker changes only after another has been the loudest
 *   speaker for 1.5 s (no flicker when two talk over each other).
 * - Speaking for 3 s with the microphone off raises `muted-speech`.
 */
import { AudioLevel } from './audio-level.js';
import { Emitter } from './emitter.js';

export const SPEECH = {
  sampleMs: 100,
  /** Linear level (0-1, as RTP audioLevel) above which a sample counts as sound. */
  threshold: 0.02,
  /** A quiet moment shorter than this is part of the sound (the gaps between syllables). */
  holdMs: 250,
  startMs: 300,
  endMs: 800,
  dominanceMs: 1500,
  mutedSpeechMs: 3000,
} as const;

export interface SpeakerSource {
  /** The current linear level 0-1 (undefined: unknown). */
  level(): Promise<number | undefined>;
  /** False while the participant's microphone is off. */
  audible(): boolean;
}

interface Tracked {
  lastLoudAt: number | undefined;
  aboveSince: number | undefined;
  belowSince: number | undefined;
  speaking: boolean;
  level: number;
  /** The level smoothed over about a second: who is loudest, without jumping at every syllable. */
  smooth: number;
}

export interface SpeakerEvents extends Record<string, unknown> {
  speaking: { clientId: string; speaking: boolean };
  'active-speaker': { clientId: string };
  /** The local person has been speaking for 3 s with the microphone off. */
  'muted-speech': undefined;
}

/**
 * The level of a remote audio receiver: its synchronization source's
 * audioLevel (no packets for a second: silence); the stats' audioLevel only
 * where the browser has no getSynchronizationSources (getStats ten times a
 * second per peer would cost more than it tells).
 */
export async function receiverLevel(receiver: RTCRtpReceiver): Promise<number | undefined> {
  if (typeof receiver.getSynchronizationSources === 'function') {
    const now = performance.timeOrigin + performance.now();
    const recent = receiver.getSynchronizationSources().filter((s) => now - s.timestamp < 1000);
    return recent.length > 0 ? Math.max(...recent.map((s) => s.audioLevel ?? 0)) : 0;
  }
  let level: number | undefined;
  (await receiver.getStats()).forEach((r: { type: string; audioLevel?: number }) => {
    if (r.type === 'inbound-rtp' && typeof r.audioLevel === 'number') level = r.audioLevel;
  });
  return level;
}

/** The local microphone as a source: an analyser on a clone of the track (it hears while muted). */
export class LocalSpeech implements SpeakerSource {
  #clone: MediaStreamTrack;
  #meter: AudioLevel;
  readonly #track: MediaStreamTrack;

  constructor(track: MediaStreamTrack) {
    this.#track = track;
    this.#clone = track.clone();
    this.#clone.enabled = true;
    this.#meter = new AudioLevel(this.#clone);
  }

  get track(): MediaStreamTrack {
    return this.#track;
  }

  async level(): Promise<number> {
    return this.#meter.rms;
  }

  audible(): boolean {
    return this.#track.enabled;
  }

  close(): void {
    this.#meter.close();
    this.#clone.stop();
  }
}

export class SpeakerDetector extends Emitter<SpeakerEvents> {
  readonly #sources: () => Map<string, SpeakerSource>;
  readonly #localId: () => string;
  #tracked = new Map<string, Tracked>();
  #active: string | undefined;
  /** The loudest speaker other than the active one, and since when it has been. */
  #challenger: { clientId: string; since: number } | undefined;
  #mutedSince: number | undefined;
  #timer: ReturnType<typeof setInterval>;
  #sampling = false;

  /** `sources`: everyone to listen to, by clientId (the local person under `localId()`). */
  constructor(sources: () => Map<string, SpeakerSource>, localId: () => string) {
    super();
    this.#sources = sources;
    this.#localId = localId;
    this.#timer = setInterval(() => void this.#sample(), SPEECH.sampleMs);
  }

  get activeSpeaker(): string | undefined {
    return this.#active;
  }

  isSpeaking(clientId: string): boolean {
    return this.#tracked.get(clientId)?.speaking ?? false;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.removeAllListeners();
  }

  async #sample(): Promise<void> {
    if (this.#sampling) return; // a slow getStats: skip a beat rather than pile up
    this.#sampling = true;
    try {
      const now = performance.now();
      const sources = this.#sources();
      for (const id of this.#tracked.keys()) if (!sources.has(id)) this.#forget(id);
      const levels = await Promise.all([...sources].map(async ([id, s]) => [id, s, await s.level()] as const));
      for (const [id, source, level] of levels) this.#update(id, source, level ?? 0, now);
      this.#elect(now);
    } finally {
      this.#sampling = false;
    }
  }

  #update(clientId: string, source: SpeakerSource, level: number, now: number): void {
    let t = this.#tracked.get(clientId);
    if (!t) {
      t = {
        lastLoudAt: undefined,
        aboveSince: undefined,
        belowSince: undefined,
        speaking: false,
        level,
        smooth: level,
      };
      this.#tracked.set(clientId, t);
    }
    t.level = level;
    t.smooth = 0.8 * t.smooth + 0.2 * level;
    if (level >= SPEECH.threshold) t.lastLoudAt = now;
    const loud = t.lastLoudAt !== undefined && now - t.lastLoudAt < SPEECH.holdMs;
    if (loud) {
      t.aboveSince ??= now;
      t.belowSince = undefined;
    } else {
      t.belowSince ??= now;
      t.aboveSince = undefined;
    }
    // Speaking while muted: the local person is told after a while; nobody else hears it, so nobody sees it.
    if (clientId === this.#localId() && !source.audible()) {
      if (
        loud &&
        t.aboveSince !== undefined &&
        now - t.aboveSince >= SPEECH.mutedSpeechMs &&
        this.#mutedSince === undefined
      ) {
        this.#mutedSince = now;
        this.emit('muted-speech', undefined);
      }
      if (!loud) this.#mutedSince = undefined;
    }
    const speaking = source.audible()
      ? t.speaking
        ? t.belowSince === undefined || now - t.belowSince < SPEECH.endMs
        : t.aboveSince !== undefined && now - t.aboveSince >= SPEECH.startMs
      : false;
    if (speaking !== t.speaking) {
      t.speaking = speaking;
      this.emit('speaking', { clientId, speaking });
    }
  }

  #elect(now: number): void {
    let loudest: string | undefined;
    let best = -1;
    for (const [id, t] of this.#tracked) {
      if (t.speaking && t.smooth > best) {
        best = t.smooth;
        loudest = id;
      }
    }
    if (loudest === undefined || loudest === this.#active) {
      this.#challenger = undefined;
      return;
    }
    if (this.#active === undefined) {
      this.#setActive(loudest);
      return;
    }
    if (this.#challenger?.clientId !== loudest) this.#challenger = { clientId: loudest, since: now };
    else if (now - this.#challenger.since >= SPEECH.dominanceMs) this.#setActive(loudest);
  }

  #setActive(clientId: string): void {
    this.#active = clientId;
    this.#challenger = undefined;
    this.emit('active-speaker', { clientId });
  }

  #forget(clientId: string): void {
    const t = this.#tracked.get(clientId);
    this.#tracked.delete(clientId);
    if (t?.speaking) this.emit('speaking', { clientId, speaking: false });
    if (this.#active === clientId) this.#active = undefined;
  }
}
