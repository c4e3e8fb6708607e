/** Inbound rate limiting per client: a token bucket, and a strike count for persistent abuse. */

/** Options of {@link TokenBucket}. */
export interface RateLimitOptions {
  /** Messages a client may send per second, sustained. Default 200. */
  perSecond?: number;
  /** Messages a client may send at once. Default 400. */
  burst?: number;
  /** Refused messages in a row after which the client is closed (code 4029). Default 200. */
  maxStrikes?: number;
}

/** What {@link TokenBucket.take} decided. */
export type RateDecision = 'ok' | 'refused' | 'abuse';

/** One client's bucket. Time comes from the caller so that a message costs no clock read twice. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private strikes = 0;
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxStrikes: number;

  constructor(options: RateLimitOptions = {}, now: number = performance.now()) {
    const perSecond = options.perSecond ?? 200;
    this.burst = options.burst ?? 400;
    this.maxStrikes = options.maxStrikes ?? 200;
    if (!(perSecond > 0) || !(this.burst >= 1) || !(this.maxStrikes >= 1)) {
      throw new RangeError('rate limit: perSecond > 0, burst >= 1 and maxStrikes >= 1');
    }
    this.perMs = perSecond / 1000;
    this.tokens = this.burst;
    this.last = now;
  }

  /** Spend one token; `refused` when none is left, `abuse` when refusals went on too long. */
  take(now: number = performance.now()): RateDecision {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.strikes = 0;
      return 'ok';
    }
    return ++this.strikes >= this.maxStrikes ? 'abuse' : 'refused';
  }

  /** Refusals in a row so far (0 after an accepted message). */
  get streak(): number {
    return this.strikes;
  }
}
