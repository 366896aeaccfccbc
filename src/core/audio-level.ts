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

  /** The RMS of the last 1024 samples, linear 0-1 (comparable with RTP's audioLevel). */
  get rms(): number {
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    return Math.sqrt(sum / this.#samples.length);
  }

  /** 0 (silence) to 1 (full scale): the RMS on a 60 dB scale, for a meter. */
  get level(): number {
    const rms = this.rms;
    if (rms === 0) return 0;
    return Math.min(1, Math.max(0, (20 * Math.log10(rms) + 60) / 60));
  }

  close(): void {
    this.#source.disconnect();
    void this.#context.close().catch(() => {});
  }
}
