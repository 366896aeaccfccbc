/**
 * The level of a local audio track, read on demand: an AnalyserNode on the
 * track (no output, nothing audible). For the pre-join meter and, later, for
 * telling when the local person speaks.
 */
export class AudioLevel {
  #context: AudioContext;
  #source: MediaStreamAudioSourceNode;
  #analyser: AnalyserNode;
  #samples: Float32Array<ArrayBuffer>;

  constructor(track: MediaStreamTrack) {
    this.#context = new AudioContext();
    this.#source = this.#context.createMediaStreamSource(new MediaStream([track]));
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = 1024;
    this.#samples = new Float32Array(this.#analyser.fftSize);
    this.#source.connect(this.#analyser);
    // Created after a click, it runs; created without one, it may start suspended until the page is used.
    void this.#context.resume().catch(() => {});
  }

  /** 0 (silence) to 1 (full scale): the RMS of the last 1024 samples on a 60 dB scale. */
  get level(): number {
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    const rms = Math.sqrt(sum / this.#samples.length);
    if (rms === 0) return 0;
    return Math.min(1, Math.max(0, (20 * Math.log10(rms) + 60) / 60));
  }

  close(): void {
    this.#source.disconnect();
    void this.#context.close().catch(() => {});
  }
}
