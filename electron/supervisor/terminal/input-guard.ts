/**
 * The rate limit of `process.input` and `process.resize`, per client: a token bucket, as the
 * hub's inbound limit, so that a client cannot keep a program busy (or a pty's buffer full) with
 * keystrokes, nor storm it with SIGWINCH. The audit trail of these calls is the hub's (its method
 * registry hears of every answered call); the keystrokes never leave the process's input.
 */
import { TokenBucket } from '../../hub/rate-limit';
import { MethodError, type MethodContext } from '../../hub/methods';

/** The methods this gate limits. */
export type GuardedAction = 'process.input' | 'process.resize';

/** Options of {@link InputGuard}. */
export interface InputGuardOptions {
  /** Calls a client may make per second, sustained (a key repeat is about 30). Default 100. */
  perSecond?: number;
  /** Calls a client may make at once. Default 200. */
  burst?: number;
  /** Clock in ms. Default `performance.now`. */
  now?: () => number;
}

/** Clients idle longer than this are forgotten once the map grows past {@link PRUNE_AT}. */
const IDLE_MS = 5 * 60_000;
const PRUNE_AT = 1000;

/** See the file comment. */
export class InputGuard {
  /** Calls refused by the rate limit. */
  refused = 0;
  private readonly buckets = new Map<string, { bucket: TokenBucket; used: number }>();
  private readonly now: () => number;

  constructor(private readonly options: InputGuardOptions = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Admit one call of `ctx`; throws MethodError `rate_limited` when it comes too fast. */
  admit(action: GuardedAction, ctx: MethodContext): void {
    const now = this.now();
    let entry = this.buckets.get(ctx.clientId);
    if (!entry) {
      if (this.buckets.size >= PRUNE_AT) for (const [k, e] of this.buckets) if (now - e.used > IDLE_MS) this.buckets.delete(k);
      const bucket = new TokenBucket({ perSecond: this.options.perSecond ?? 100, burst: this.options.burst ?? 200, maxStrikes: Number.MAX_SAFE_INTEGER }, now);
      entry = { bucket, used: now };
      this.buckets.set(ctx.clientId, entry);
    }
    entry.used = now;
    if (entry.bucket.take(now) !== 'ok') {
      this.refused++;
      throw new MethodError('rate_limited', `too many ${action} calls; slow down`);
    }
  }
}
