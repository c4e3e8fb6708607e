/**
 * The batching buffer between the socket and the store: messages are queued as they arrive and
 * applied together at most once per animation frame, so 10,000 lines a second cost one store
 * update and one render per frame instead of one per line.
 */

/** Schedules a flush; returns a function that cancels it. */
export type FlushScheduler = (flush: () => void) => () => void;

/**
 * Next animation frame, or a timer when frames stop: hidden tabs and minimized windows get no
 * frames, and the queue must not grow without bound there (dozzle #2934: a tab grew to 11 GB).
 */
export function frameScheduler(fallbackMs = 250): FlushScheduler {
  return (flush) => {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      flush();
    };
    const frame = requestAnimationFrame(run);
    const timer = setTimeout(run, fallbackMs);
    return () => {
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  };
}

/** The default {@link OutputBatcher} queue bound. */
export const DEFAULT_MAX_PENDING = 20_000;

/** Queues items and hands them to `apply` in one batch per scheduled flush. */
export class OutputBatcher<T> {
  private queue: T[] = [];
  private cancel: (() => void) | null = null;
  private closed = false;
  private readonly apply: (batch: T[]) => void;
  private readonly schedule: FlushScheduler;
  private readonly maxPending: number;

  /**
   * `maxPending` (default {@link DEFAULT_MAX_PENDING}) bounds the queue: a background tab's timers
   * may be throttled to one a minute, and at 10,000 lines a second the queue must not wait that long.
   */
  constructor(apply: (batch: T[]) => void, schedule: FlushScheduler, maxPending = DEFAULT_MAX_PENDING) {
    this.apply = apply;
    this.schedule = schedule;
    this.maxPending = maxPending;
  }

  /** Queue one item; the flush happens on the next scheduled tick, or now when the queue is full. */
  push(item: T): void {
    if (this.closed) return;
    this.queue.push(item);
    if (this.queue.length >= this.maxPending) this.flush();
    else if (!this.cancel) this.cancel = this.schedule(() => this.flush());
  }

  /** Number of items waiting for the next flush. */
  get pending(): number {
    return this.queue.length;
  }

  /** Apply everything queued now. */
  flush(): void {
    this.cancel?.();
    this.cancel = null;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.apply(batch);
  }

  /** Drop what is queued and stop scheduling; safe to call twice. */
  close(): void {
    this.closed = true;
    this.cancel?.();
    this.cancel = null;
    this.queue = [];
  }
}
