/**
 * A token bucket per socket: `rate` messages per second, up to `burst` at
 * once. `take()` says whether a message may pass and whether the socket has
 * been refused without a pause for long enough to be cut off.
 */
export type Verdict = 'ok' | 'limited' | 'flooding';

export class TokenBucket {
  #tokens: number;
  #last: number;
  /** When the current run of refusals began, or -1. */
  #refusingSince = -1;
  #lastRefusal = -Infinity;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly floodCloseMs: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  take(now: number): Verdict {
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) * this.rate) / 1000);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      // A second with no refusal ends a run of refusals.
      if (now - this.#lastRefusal >= 1000) this.#refusingSince = -1;
      return 'ok';
    }
    if (this.#refusingSince < 0) this.#refusingSince = now;
    this.#lastRefusal = now;
    return now - this.#refusingSince >= this.floodCloseMs ? 'flooding' : 'limited';
  }
}
