/**
 * Which process channels are still replaying their retained history after a (re)subscribe. The
 * hub's `subscribed` answer carries the channel's latest `seq`; every message up to it is history
 * that is already on its way, so the view can draw it in large batches instead of line by line
 * and draw the whole of it as soon as the last channel has caught up.
 */

/** Follows the replay of each subscribed channel. */
export class ReplayTracker {
  /** The last `seq` of each channel's replay; Infinity until the hub has answered. */
  private readonly until = new Map<string, number>();
  private readonly lastSeen = new Map<string, number>();
  /** Channels whose replay has arrived in full since their last subscribe. */
  private readonly done = new Set<string>();

  /** A subscribe is on its way: the channel's history is to come. */
  expect(channel: string): void {
    this.until.set(channel, Number.POSITIVE_INFINITY);
    this.done.delete(channel);
  }

  /** The hub answered a subscribe: the replay runs up to `seq` (nothing when we have seen it). */
  answered(channel: string, seq: number): void {
    if (seq <= (this.lastSeen.get(channel) ?? 0)) {
      this.until.delete(channel);
      this.done.add(channel);
    } else {
      this.until.set(channel, seq);
    }
  }

  /**
   * Whether a channel's replay has arrived in full: only then do the page's lines meet the
   * store's (a page of stored history read earlier would overlap the replay still to come).
   */
  caughtUp(channel: string): boolean {
    return this.done.has(channel);
  }

  /** A message of a channel arrived; true when it belongs to the replay. */
  arrived(channel: string, seq: number | undefined): boolean {
    if (seq === undefined) return false;
    this.lastSeen.set(channel, seq);
    const until = this.until.get(channel);
    if (until === undefined) return false;
    if (seq >= until) {
      this.until.delete(channel);
      this.done.add(channel);
    }
    return true;
  }

  /** Whether some channel's replay is still to come. */
  get replaying(): boolean {
    return this.until.size > 0;
  }

  /** Stop following a channel (unsubscribed). */
  forget(channel: string): void {
    this.until.delete(channel);
    this.lastSeen.delete(channel);
    this.done.delete(channel);
  }

  /** The connection is gone: no replay is under way until the next subscribes. */
  connectionLost(): void {
    this.until.clear();
    this.done.clear();
  }
}
