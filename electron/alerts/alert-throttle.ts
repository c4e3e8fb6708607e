/**
 * One alert per rule and process per window (default a minute). The first event of a quiet key
 * goes out at once with `count: 1`; later ones inside the window are folded: when the window
 * ends, the latest of them goes out with the number folded, and a new window starts. So a crash
 * loop reads "crash ×12", once a minute, and nothing is lost without being counted.
 */
import type { Timers } from '../../shared/timers';

/** Node's timers, unref'd: a pending fold never keeps Switchyard alive. */
const NODE_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Options of {@link AlertThrottle}. */
export interface AlertThrottleOptions {
  /** The window, ms. Default 60,000. */
  windowMs?: number;
  /** Clock. Default `Date.now`. */
  now?: () => number;
  /** Timers (shared/timers.ts). Default Node's, unref'd. */
  timers?: Timers;
}

interface KeyState<T> {
  /** When the current window ends. */
  until: number;
  /** The latest folded event, if any. */
  pending: T | null;
  folded: number;
  timer: unknown;
}

/** Folds repeats per key; `emit` gets the payload and the count it stands for. */
export class AlertThrottle<T> {
  /** Events folded into a later emit. */
  folded = 0;
  private readonly keys = new Map<string, KeyState<T>>();
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly timers: Timers;
  private closed = false;

  constructor(
    private readonly emit: (payload: T, count: number) => void,
    options: AlertThrottleOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    if (!(this.windowMs > 0)) throw new RangeError('windowMs must be positive');
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? NODE_TIMERS;
  }

  /** An event for a key: out at once, or folded until its window ends. */
  push(key: string, payload: T): void {
    if (this.closed) return;
    const now = this.now();
    const state = this.keys.get(key);
    if (!state || (now >= state.until && state.pending === null)) {
      this.keys.set(key, { until: now + this.windowMs, pending: null, folded: 0, timer: null });
      this.emit(payload, 1);
      return;
    }
    state.pending = payload;
    state.folded++;
    this.folded++;
    state.timer ??= this.timers.setTimeout(() => this.flush(key), Math.max(0, state.until - now));
  }

  /** Forget a key's window (its process was removed). */
  forget(key: string): void {
    const state = this.keys.get(key);
    if (state && state.timer !== null) this.timers.clearTimeout(state.timer);
    this.keys.delete(key);
  }

  /** Drop every pending fold and timer; twice is harmless. */
  close(): void {
    this.closed = true;
    for (const state of this.keys.values()) if (state.timer !== null) this.timers.clearTimeout(state.timer);
    this.keys.clear();
  }

  private flush(key: string): void {
    const state = this.keys.get(key);
    if (!state) return;
    state.timer = null;
    if (state.pending === null) {
      this.keys.delete(key);
      return;
    }
    const { pending, folded } = state;
    state.pending = null;
    state.folded = 0;
    state.until = this.now() + this.windowMs;
    this.emit(pending, folded);
  }
}
