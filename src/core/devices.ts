/**
 * The local devices of a call: the microphone and camera tracks, the chosen
 * speaker, and what happens when any of them changes. One instance lives from
 * the pre-join preview to the end of the call, so the preview's tracks are the
 * call's tracks (no second getUserMedia at join).
 *
 * - Choices are by device id, then by label (ids change across sessions in
 *   some browsers), then the default device.
 * - Switching captures the new device, hands its track on (`track` event: the
 *   call replaces it on every link without an offer) and stops the old one.
 * - Hot-swap: when the device in use disappears (`devicechange` without its
 *   id, or its track ends) the same order picks a replacement; when the chosen
 *   device comes back, it is used again.
 * - The camera is captured only while it is on: off stops the track (the
 *   camera light goes off), on captures again.
 */
import { Emitter } from './emitter.js';
import { mediaProblemOf, type MediaProblem } from './messages.js';

export type InputKind = 'audioinput' | 'videoinput';
export type DeviceKind = InputKind | 'audiooutput';

export interface DeviceChoice {
  deviceId: string;
  label: string;
}

export interface DeviceInfo extends DeviceChoice {
  kind: DeviceKind;
  /** The device in use (the default is selected when no other is). */
  selected: boolean;
}

/** Why a device changed: the person chose it, the one in use was lost, or the chosen one came back. */
export type DeviceChangeReason = 'user' | 'lost' | 'returned';

export interface DeviceChange extends DeviceChoice {
  kind: DeviceKind;
  reason: DeviceChangeReason;
}

export interface DeviceFailure {
  /** Which devices failed (`both` when one request for both was refused). */
  kinds: InputKind[];
  problem: MediaProblem;
  /** The DOMException name. */
  name: string;
}

export interface DevicesEvents extends Record<string, unknown> {
  /**
   * The track of a kind changed (undefined: none, e.g. the camera is off or
   * the microphone is gone). A listener that hands the track on (replaceTrack)
   * passes its promise to `waitUntil`: the old track is stopped only after
   * that (make before break: no frame gap while the sender switches).
   */
  track: TrackChange;
  /** The device of a kind changed (deviceId `''` when none is left). */
  change: DeviceChange;
  /** Capturing a device failed. */
  failure: DeviceFailure;
  /** The browser's device list changed (a device plugged in or out): pickers read `list()` again. */
  devices: undefined;
}

export interface TrackChange {
  kind: InputKind;
  track: MediaStreamTrack | undefined;
  waitUntil: (work: Promise<unknown>) => void;
}

export interface DevicesOptions {
  /** Capture a microphone. Default true. */
  audio?: boolean;
  /** Capture the camera from the start. Default true. */
  video?: boolean;
  /** The devices chosen before (restored by id, then label). */
  preferred?: Partial<Record<DeviceKind, DeviceChoice>>;
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };

/** Throws a TypeError for anything but the three device kinds (input from pages). */
export function checkKind(kind: unknown): asserts kind is DeviceKind {
  if (kind !== 'audioinput' && kind !== 'videoinput' && kind !== 'audiooutput') {
    throw new TypeError(`kind must be audioinput, videoinput or audiooutput (got "${String(kind).slice(0, 40)}")`);
  }
}

const nameOf = (error: unknown) => (error instanceof DOMException || error instanceof Error ? error.name : 'Error');

/** The device id a track was captured from. */
export const deviceIdOf = (track: MediaStreamTrack | undefined) => track?.getSettings().deviceId ?? '';

/** The device of a list matching a choice: the same id, else the same label. */
function match(list: MediaDeviceInfo[], kind: DeviceKind, choice: DeviceChoice | undefined) {
  if (!choice) return undefined;
  const ofKind = list.filter((d) => d.kind === kind && d.deviceId);
  return (
    ofKind.find((d) => d.deviceId === choice.deviceId) ??
    (choice.label ? ofKind.find((d) => d.label === choice.label) : undefined)
  );
}

export class LocalDevices extends Emitter<DevicesEvents> {
  #tracks: Partial<Record<InputKind, MediaStreamTrack>> = {};
  /** What the person chose (or, until they choose, what was first captured): the device to return to. */
  #preferred: Partial<Record<DeviceKind, DeviceChoice>>;
  /** Kinds running on a stand-in because the preferred device is gone. */
  #standIn = new Set<DeviceKind>();
  /** Input kinds the person wants captured (the camera only while it is on). */
  #wanted: Record<InputKind, boolean>;
  #problems: Partial<Record<InputKind, DeviceFailure>> = {};
  #sinkId = '';
  #known: MediaDeviceInfo[] = [];
  /** Device operations, one at a time (a switch, a loss and a return must not overlap). */
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;
  /** Kinds whose preferred device the browser listed at start (captured by exact id). */
  #listed = new Set<InputKind>();
  #started: Promise<void> | undefined;
  readonly #audio: boolean;

  constructor(options: DevicesOptions = {}) {
    super();
    this.#audio = options.audio !== false;
    this.#wanted = { audioinput: this.#audio, videoinput: this.#audio && options.video !== false };
    this.#preferred = { ...options.preferred };
    navigator.mediaDevices?.addEventListener('devicechange', this.#handleDeviceChange);
  }

  get audioTrack(): MediaStreamTrack | undefined {
    return this.#tracks.audioinput;
  }

  get videoTrack(): MediaStreamTrack | undefined {
    return this.#tracks.videoinput;
  }

  /** The chosen speaker (`''`: the default output). */
  get sinkId(): string {
    return this.#sinkId;
  }

  /** Whether a camera can be turned on (one is captured, or the browser lists one). */
  get hasCamera(): boolean {
    return this.#tracks.videoinput !== undefined || (this.#audio && this.#known.some((d) => d.kind === 'videoinput'));
  }

  /** The last failure per kind, until that kind is captured. */
  get problems(): Readonly<Partial<Record<InputKind, DeviceFailure>>> {
    return this.#problems;
  }

  /**
   * Captures what is wanted; resolves when done (failures are events and
   * `problems`, never a rejection). Calling it again returns the same promise.
   */
  start(): Promise<void> {
    return (this.#started ??= this.#run(async () => {
      const kinds = (['audioinput', 'videoinput'] as const).filter((k) => this.#wanted[k]);
      // With permission from an earlier visit the browser lists ids and labels before any capture: a remembered
      // device found by id or label is captured by its current id, in the one request.
      await this.#refresh();
      for (const kind of kinds) {
        const found = match(this.#known, kind, this.#preferred[kind]);
        if (found) this.#preferred[kind] = { deviceId: found.deviceId, label: found.label };
        if (found) this.#listed.add(kind);
      }
      if (kinds.length > 0) {
        const both = kinds.length === 2;
        const failure = await this.#capture(kinds, undefined, both);
        // One request for both failed: unless permission was denied, ask for each alone, to keep the one that
        // works and to say which one failed.
        if (failure && both) {
          if (failure.problem === 'denied') this.#fail(failure);
          else for (const kind of kinds) await this.#capture([kind], undefined);
        }
      }
      await this.#refresh();
      // Ids changed since the choice was remembered, but a device with its label is here: use that one.
      for (const kind of kinds) {
        const track = this.#tracks[kind];
        const found = match(this.#known, kind, this.#preferred[kind]);
        if (track && found && found.deviceId !== deviceIdOf(track)) await this.#capture([kind], found.deviceId);
      }
      const output = match(this.#known, 'audiooutput', this.#preferred.audiooutput);
      if (output) this.#sinkId = output.deviceId;
    }));
  }

  /** Every device the browser lists, with the ones in use marked. Labels are empty before permission. */
  async list(): Promise<DeviceInfo[]> {
    await this.#refresh();
    const inUse: Record<DeviceKind, string> = {
      audioinput: deviceIdOf(this.#tracks.audioinput),
      videoinput:
        deviceIdOf(this.#tracks.videoinput) ||
        (match(this.#known, 'videoinput', this.#preferred.videoinput)?.deviceId ?? ''),
      audiooutput: this.#sinkId,
    };
    const found = (kind: DeviceKind) => this.#known.some((d) => d.kind === kind && d.deviceId === inUse[kind]);
    return this.#known
      .filter((d) => d.kind === 'audioinput' || d.kind === 'videoinput' || d.kind === 'audiooutput')
      .map((d) => ({
        kind: d.kind,
        deviceId: d.deviceId,
        label: d.label,
        // Nothing of this kind in use, or not listed: the default (listed first, or with id "default") is.
        selected: found(d.kind) ? d.deviceId === inUse[d.kind] : isDefault(this.#known, d),
      }));
  }

  /**
   * Uses a device: captures it (inputs) or routes sound to it (`audiooutput`).
   * For the camera while it is off, the choice is kept for when it goes on.
   * Rejects with the DOMException of a failed capture (the old device stays).
   */
  setDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    return this.#run(async () => {
      await this.#refresh();
      checkKind(kind);
      const device = this.#known.find((d) => d.kind === kind && d.deviceId === deviceId);
      if (!device)
        throw new DOMException(`No ${kind} device with id "${String(deviceId).slice(0, 80)}"`, 'NotFoundError');
      const choice = { deviceId, label: device.label };
      if (kind === 'audiooutput') {
        this.#preferred[kind] = choice;
        this.#standIn.delete(kind);
        this.#sinkId = deviceId;
        this.emit('change', { kind, ...choice, reason: 'user' });
        return;
      }
      if (this.#wanted[kind]) {
        const failure = await this.#capture([kind], deviceId);
        if (failure) throw new DOMException(`Could not use ${kind} "${deviceId}": ${failure.name}`, failure.name);
      }
      this.#preferred[kind] = choice;
      this.#standIn.delete(kind);
      this.emit('change', { kind, ...choice, reason: 'user' });
    });
  }

  /** Turns the camera on (captures the preferred camera) or off (stops it). Resolves true when it is as asked. */
  setCamera(on: boolean): Promise<boolean> {
    return this.#run(async () => {
      if (!this.#audio) return false;
      this.#wanted.videoinput = on;
      if (!on) {
        this.#release('videoinput');
        return true;
      }
      if (this.#tracks.videoinput) return true;
      await this.#refresh();
      const preferred = match(this.#known, 'videoinput', this.#preferred.videoinput);
      const failure = await this.#capture(['videoinput'], preferred?.deviceId);
      if (failure) this.#wanted.videoinput = false;
      return !failure;
    });
  }

  /** Stops every track and forgets every listener. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    navigator.mediaDevices?.removeEventListener('devicechange', this.#handleDeviceChange);
    for (const kind of ['audioinput', 'videoinput'] as const) {
      const track = this.#tracks[kind];
      if (track) {
        track.onended = null;
        track.stop();
      }
    }
    this.#tracks = {};
    this.removeAllListeners();
  }

  #run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #refresh(): Promise<void> {
    try {
      this.#known = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
    } catch {
      this.#known = [];
    }
  }

  /**
   * Captures the given kinds from one device (`undefined`: the preferred one;
   * `null`: the browser's default), installs the new tracks and stops the ones
   * they replace. Returns the failure, if any; `quiet` (while trying stand-ins
   * for a lost device) reports none.
   */
  async #capture(
    kinds: InputKind[],
    deviceId: string | null | undefined,
    quiet = false,
  ): Promise<DeviceFailure | undefined> {
    const constraints = (kind: InputKind): MediaTrackConstraints | boolean => {
      const base = kind === 'videoinput' ? VIDEO : {};
      const preferred = deviceId === undefined ? this.#preferred[kind]?.deviceId : undefined;
      if (deviceId) return { ...base, deviceId: { exact: deviceId } };
      if (preferred) return { ...base, deviceId: this.#listed.has(kind) ? { exact: preferred } : { ideal: preferred } };
      return kind === 'videoinput' ? base : true;
    };
    const request = () =>
      navigator.mediaDevices.getUserMedia({
        audio: kinds.includes('audioinput') && constraints('audioinput'),
        video: kinds.includes('videoinput') && constraints('videoinput'),
      });
    let stream: MediaStream;
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new TypeError('navigator.mediaDevices is unavailable');
      try {
        stream = await request();
      } catch (error) {
        // A device that cannot be opened twice (phones): let the old one go and try again.
        if (nameOf(error) !== 'NotReadableError' || !kinds.some((k) => this.#tracks[k])) throw error;
        for (const kind of kinds) this.#release(kind, false);
        stream = await request();
      }
    } catch (error) {
      const name = nameOf(error);
      const failure: DeviceFailure = { kinds, problem: mediaProblemOf(name), name };
      if (quiet) return failure;
      this.#fail(failure);
      // The chosen device cannot satisfy the constraints: the default one may.
      if (name === 'OverconstrainedError' && deviceId !== null) await this.#capture(kinds, null);
      return failure;
    }
    if (this.#stopped) {
      for (const track of stream.getTracks()) track.stop();
      return undefined;
    }
    for (const kind of kinds) {
      const track = kind === 'audioinput' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
      if (!track) continue;
      delete this.#problems[kind];
      await this.#install(kind, track);
      this.#preferred[kind] ??= { deviceId: deviceIdOf(track), label: track.label };
    }
    return undefined;
  }

  #fail(failure: DeviceFailure): void {
    for (const kind of failure.kinds) this.#problems[kind] = failure;
    this.emit('failure', failure);
  }

  async #install(kind: InputKind, track: MediaStreamTrack): Promise<void> {
    const old = this.#tracks[kind];
    if (old) track.enabled = old.enabled; // a muted microphone stays muted on its new device
    this.#tracks[kind] = track;
    track.onended = () => {
      if (this.#tracks[kind] === track) void this.#run(() => this.#recover(kind));
    };
    await this.#announce(kind, track);
    if (old && old !== track) {
      old.onended = null;
      old.stop();
    }
  }

  /** Tells the listeners of a new track (or none) and waits for the work they hand back. */
  async #announce(kind: InputKind, track: MediaStreamTrack | undefined): Promise<void> {
    const work: Promise<unknown>[] = [];
    this.emit('track', { kind, track, waitUntil: (p) => work.push(p.catch(() => {})) });
    await Promise.all(work);
  }

  /** Stops the track of a kind (announced unless it is about to be replaced). */
  #release(kind: InputKind, announce = true): void {
    const track = this.#tracks[kind];
    if (!track) return;
    track.onended = null;
    track.stop();
    delete this.#tracks[kind];
    if (announce) void this.#announce(kind, undefined);
  }

  /** The device in use is gone: the preferred one by id, then by label, then the default; else none. */
  async #recover(kind: InputKind): Promise<void> {
    if (this.#stopped || !this.#wanted[kind]) return;
    await this.#refresh();
    const enabled = this.#tracks[kind]?.enabled ?? true;
    const gone = this.#tracks[kind];
    const candidates = this.#known.filter((d) => d.kind === kind && d.deviceId && d.deviceId !== deviceIdOf(gone));
    if (gone) {
      gone.onended = null;
      gone.stop();
    }
    const preferred = match(candidates, kind, this.#preferred[kind]);
    const order = [
      ...new Set([
        preferred?.deviceId,
        ...candidates.filter((d) => isDefault(this.#known, d)).map((d) => d.deviceId),
        ...candidates.map((d) => d.deviceId),
      ]),
    ];
    for (const deviceId of order) {
      if (!deviceId) continue;
      const failure = await this.#capture([kind], deviceId, true);
      const track = this.#tracks[kind];
      if (!failure && track && track !== gone) {
        track.enabled = enabled;
        if (deviceId === preferred?.deviceId) this.#standIn.delete(kind);
        else this.#standIn.add(kind);
        this.emit('change', { kind, deviceId: deviceIdOf(track), label: track.label, reason: 'lost' });
        return;
      }
    }
    // Nothing left to capture: no track, and the people in the call must be told (the microphone mutes).
    if (this.#tracks[kind] === gone) delete this.#tracks[kind];
    this.#standIn.add(kind);
    await this.#announce(kind, undefined);
    this.emit('change', { kind, deviceId: '', label: '', reason: 'lost' });
  }

  #handleDeviceChange = (): void => {
    void this.#run(async () => {
      if (this.#stopped) return;
      await this.#refresh();
      for (const kind of ['audioinput', 'videoinput'] as const) {
        if (!this.#wanted[kind]) continue;
        const track = this.#tracks[kind];
        const listed = this.#known.some((d) => d.kind === kind && d.deviceId === deviceIdOf(track));
        if (track && !listed) {
          await this.#recover(kind);
          continue;
        }
        // Back: the preferred device returned while a stand-in (or nothing) was in use.
        const preferred = match(this.#known, kind, this.#preferred[kind]);
        if (preferred && this.#standIn.has(kind) && preferred.deviceId !== deviceIdOf(track)) {
          const enabled = track?.enabled ?? false; // a microphone that was lost stays muted when it returns
          const failure = await this.#capture([kind], preferred.deviceId, true);
          const now = this.#tracks[kind];
          if (!failure && now) {
            if (!track) now.enabled = enabled;
            this.#standIn.delete(kind);
            this.emit('change', { kind, deviceId: preferred.deviceId, label: preferred.label, reason: 'returned' });
          }
        }
      }
      // The speaker: sound goes to the default while the chosen one is gone, and back when it returns.
      const sink = match(this.#known, 'audiooutput', this.#preferred.audiooutput);
      if (this.#sinkId && !this.#known.some((d) => d.kind === 'audiooutput' && d.deviceId === this.#sinkId)) {
        this.#sinkId = '';
        this.#standIn.add('audiooutput');
        this.emit('change', {
          kind: 'audiooutput',
          deviceId: '',
          label: defaultLabel(this.#known, 'audiooutput'),
          reason: 'lost',
        });
      } else if (sink && this.#standIn.has('audiooutput')) {
        this.#sinkId = sink.deviceId;
        this.#standIn.delete('audiooutput');
        this.emit('change', { kind: 'audiooutput', deviceId: sink.deviceId, label: sink.label, reason: 'returned' });
      }
      this.emit('devices', undefined);
    });
  };
}

/** The device the browser uses when none is chosen: id `default` where there is one, else the first listed. */
function isDefault(list: MediaDeviceInfo[], device: MediaDeviceInfo): boolean {
  const ofKind = list.filter((d) => d.kind === device.kind);
  const named = ofKind.find((d) => d.deviceId === 'default');
  return named ? device === named : device === ofKind[0];
}

function defaultLabel(list: MediaDeviceInfo[], kind: DeviceKind): string {
  const ofKind = list.filter((d) => d.kind === kind);
  return (ofKind.find((d) => d.deviceId === 'default') ?? ofKind[0])?.label ?? '';
}
