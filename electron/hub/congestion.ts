/**
 * When producers (the supervisor's pipes) pause: while a client past half its queue holds them,
 * so that it can catch up instead of being cut with its messages lost. (The bytes queued for all
 * clients together are bounded elsewhere, by cutting the largest queue: see hub.ts. Pausing
 * producers for them would let a few stuck clients stop every process.)
 *
 * A hold is a privilege with bounds, since one stuck viewer must not pause every process: only
 * operators hold; a client holds only while it makes progress (its socket took a frame within
 * `stallMs`); one that stalls is released at once, and its identity (user and address) may not
 * hold again for `penaltyMs`, across reconnects. So a client that does not read stalls the
 * processes for at most `stallMs` per `penaltyMs`; it is then cut at its queue bound (4008) and
 * recovers from history.
 */

/** A client as the congestion bookkeeping sees it. */
export interface PressureSource {
  /** `userId@address`: what a penalty sticks to across reconnects. */
  readonly identity: string;
  /** Operators may hold producers; viewers never. */
  readonly mayHold: boolean;
  /** performance.now() of the last frame its socket took. */
  readonly lastProgress: number;
}

/** Limits of {@link Congestion}. */
export interface CongestionLimits {
  /** A holder whose socket took nothing for this long is released. */
  stallMs: number;
  /** How long a released identity may not hold again. */
  penaltyMs: number;
}

/** See the file comment. */
export class Congestion {
  /** Holds released because the client stalled. */
  released = 0;
  private congested = false;
  private listeners: (() => void)[] = [];
  private readonly changeListeners: ((congested: boolean) => void)[] = [];
  private readonly holders = new Set<PressureSource>();
  private readonly penalties = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly limits: CongestionLimits) {}

  /** Whether producers should pause now. */
  isCongested(): boolean {
    return this.congested;
  }

  /** Call `listener` once when producers may go on (soon, if they may now). */
  onDrain(listener: () => void): void {
    if (this.congested) this.listeners.push(listener);
    else setImmediate(listener);
  }

  /** Hear of every change of {@link isCongested}, as it happens. */
  onChange(listener: (congested: boolean) => void): void {
    this.changeListeners.push(listener);
  }

  /** A client past half its queue asks to hold producers; refused for viewers and penalised identities. */
  hold(source: PressureSource, now = performance.now()): void {
    if (!source.mayHold || this.holders.has(source)) return;
    const until = this.penalties.get(source.identity);
    if (until !== undefined) {
      if (now < until) return;
      this.penalties.delete(source.identity);
    }
    this.holders.add(source);
    this.timer ??= setInterval(this.checkStalls, Math.max(10, this.limits.stallMs / 2)).unref();
    this.update();
  }

  /** The client caught up, or is gone. */
  release(source: PressureSource): void {
    if (!this.holders.delete(source)) return;
    if (this.holders.size === 0) this.stopTimer();
    this.update();
  }

  /** Stop the timer and forget every holder; producers go on. */
  close(): void {
    this.holders.clear();
    this.stopTimer();
    this.update();
  }

  private readonly checkStalls = (): void => {
    const now = performance.now();
    for (const source of this.holders) {
      if (now - source.lastProgress <= this.limits.stallMs) continue;
      this.holders.delete(source);
      this.released++;
      if (this.penalties.size >= 10_000) this.penalties.clear();
      this.penalties.set(source.identity, now + this.limits.penaltyMs);
    }
    if (this.holders.size === 0) this.stopTimer();
    this.update();
  };

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private update(): void {
    if (!this.congested && this.holders.size > 0) {
      this.congested = true;
      for (const listener of this.changeListeners) listener(true);
    } else if (this.congested && this.holders.size === 0) {
      this.congested = false;
      for (const listener of this.changeListeners) listener(false);
      const listeners = this.listeners;
      this.listeners = [];
      if (listeners.length > 0) setImmediate(() => listeners.forEach((l) => l()));
    }
  }
}
