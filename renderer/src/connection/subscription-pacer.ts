/**
 * Sends the process channels' subscribes a few at a time, each once the hub has answered an
 * earlier one. The hub prepares the replays of all the subscribes it reads at once before it
 * sends anything: twenty subscribes (100,000 retained lines) keep it busy for a good 100 ms in
 * which the page has nothing to draw. Paced, the hub prepares the next channels while the page
 * reads the first ones, and the first lines arrive at once. A few in flight, not one, so that a
 * distant hub does not cost one round trip per process.
 */
import { realTimers, type Timers } from '../../../shared/timers';


interface Waiting {
  channel: string;
  start: () => void;
}

/** Runs subscribes at most `maxInFlight` at a time, paced by the hub's answers. */
export class SubscriptionPacer {
  private readonly queue: Waiting[] = [];
  /** Channels whose subscribe is out and unanswered, with their stall timers. */
  private readonly inFlight = new Map<string, unknown>();
  private readonly maxInFlight: number;
  private readonly stallMs: number;
  private readonly timers: Timers;

  /**
   * `maxInFlight`: subscribes out at once (default 4). `stallMs`: a subscribe the hub never
   * answers (refused) holds the others back this long at most (default 1 s).
   */
  constructor(maxInFlight = 4, stallMs = 1000, timers: Timers = realTimers) {
    this.maxInFlight = maxInFlight;
    this.stallMs = stallMs;
    this.timers = timers;
  }

  /** Run `start` (which subscribes to `channel`) now, or once the subscribes before it are answered. Returns a function that drops it if it has not run. */
  enqueue(channel: string, start: () => void): () => void {
    const item: Waiting = { channel, start };
    this.queue.push(item);
    this.next();
    return () => {
      const at = this.queue.indexOf(item);
      if (at >= 0) this.queue.splice(at, 1);
      else this.answered(channel); // it ran: do not wait for an answer that may not come now
    };
  }

  /** The hub answered a subscribe to `channel`: send the next one. */
  answered(channel: string): void {
    if (!this.inFlight.has(channel)) return;
    this.timers.clearTimeout(this.inFlight.get(channel));
    this.inFlight.delete(channel);
    this.next();
  }

  /** Number of subscribes not sent yet. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Drop everything not sent yet; safe to call twice. */
  close(): void {
    this.queue.length = 0;
    for (const timer of this.inFlight.values()) this.timers.clearTimeout(timer);
    this.inFlight.clear();
  }

  private next(): void {
    while (this.inFlight.size < this.maxInFlight) {
      const item = this.queue.shift();
      if (!item) return;
      // The same channel twice (unsubscribed and subscribed again) is answered once per subscribe.
      this.timers.clearTimeout(this.inFlight.get(item.channel));
      this.inFlight.set(item.channel, this.timers.setTimeout(() => this.answered(item.channel), this.stallMs));
      item.start();
    }
  }
}
