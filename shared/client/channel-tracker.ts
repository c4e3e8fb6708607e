/**
 * The client's memory of its subscriptions: for each channel the last `seq` delivered and its
 * epoch, so that a resubscribe asks for exactly what is missing, replays overlapping what was
 * seen are dropped, and holes (history no longer retained, a new epoch) become gap events.
 *
 * Channel messages carry no epoch, so until the hub has answered a (re)subscribe with the
 * channel's epoch, that channel's messages are held back: a message of a new epoch is never
 * compared with a `seq` of the old one.
 */
import type { Message, SubscribeMessage, SubscribedData } from '../protocol';
import type { ChannelHandler, ChannelPosition, GapEvent, SubscribeOptions } from './client-types';

/** Where the tracker sends what it decides, in order. */
export interface TrackerSink {
  /** Hand a message to the caller (global listeners, then the channel's handlers). */
  deliver(message: Message, handlers: readonly ChannelHandler[]): void;
  /** Report a gap (global listeners, then the channel's `onGap`s). */
  gap(gap: GapEvent, onGap: readonly ((gap: GapEvent) => void)[]): void;
  /** Count a message dropped as already delivered. */
  duplicate(message: Message): void;
}

interface Subscription {
  readonly channel: string;
  readonly handlers: ChannelHandler[];
  readonly onGap: ((gap: GapEvent) => void)[];
  /** Last seq delivered (0: none) in `epoch`. */
  lastSeq: number;
  epoch: string | undefined;
  /** Whether the hub has answered at least one subscribe for this channel. */
  answered: boolean;
  /** A subscribe is on the wire and its answer has not come: hold messages back. */
  pending: boolean;
  held: Message[];
  /** Whether the next message must follow `lastSeq` directly (false right after a reported gap). */
  contiguous: boolean;
}

/** Subscriptions with their positions; pure bookkeeping, no I/O. */
export class ChannelTracker {
  private readonly subs = new Map<string, Subscription>();

  constructor(private readonly sink: TrackerSink) {}

  /** Whether `channel` is subscribed. */
  has(channel: string): boolean {
    return this.subs.has(channel);
  }

  /** The subscribed channels, in subscription order. */
  channels(): string[] {
    return [...this.subs.keys()];
  }

  /** Record a subscription (or add a handler to an existing one); true when the channel is new. */
  add(channel: string, handler: ChannelHandler | undefined, options: SubscribeOptions = {}): boolean {
    const existing = this.subs.get(channel);
    if (existing) {
      if (handler) existing.handlers.push(handler);
      if (options.onGap) existing.onGap.push(options.onGap);
      return false;
    }
    this.subs.set(channel, {
      channel,
      handlers: handler ? [handler] : [],
      onGap: options.onGap ? [options.onGap] : [],
      lastSeq: options.since ?? 0,
      epoch: options.epoch,
      answered: false,
      pending: false,
      held: [],
      contiguous: true,
    });
    return true;
  }

  /** Remove one handler; true when it was there. The subscription itself stays. */
  removeHandler(channel: string, handler: ChannelHandler): boolean {
    const sub = this.subs.get(channel);
    const at = sub ? sub.handlers.indexOf(handler) : -1;
    if (!sub || at < 0) return false;
    sub.handlers.splice(at, 1);
    return true;
  }

  /** Forget a subscription; true when it existed. */
  remove(channel: string): boolean {
    return this.subs.delete(channel);
  }

  /** The subscribe to send for `channel` now, asking for everything after the last seq seen; marks it pending. */
  subscribeMessage(channel: string): SubscribeMessage {
    const sub = this.subs.get(channel);
    if (!sub) throw new Error(`not subscribed to ${channel}`);
    sub.pending = true;
    sub.held = [];
    const msg: SubscribeMessage = { type: 'subscribe', channel, since: sub.lastSeq };
    if (sub.epoch !== undefined) msg.epoch = sub.epoch;
    return msg;
  }

  /** The connection is gone: held messages will come again in the replay after the resubscribe. */
  connectionLost(): void {
    for (const sub of this.subs.values()) {
      sub.pending = false;
      sub.held = [];
    }
  }

  /** The hub answered a subscribe: learn the epoch, report any gap, release held messages. */
  onSubscribed(channel: string, data: SubscribedData): void {
    const sub = this.subs.get(channel);
    if (!sub) return; // unsubscribed meanwhile; its messages go to the global listeners only
    const resumed = sub.answered || sub.epoch !== undefined;
    if (sub.epoch !== undefined && data.epoch !== sub.epoch) {
      const gap: GapEvent = { channel, reason: 'epoch_changed', epoch: data.epoch, previousEpoch: sub.epoch, afterSeq: sub.lastSeq, latestSeq: data.seq, resumed };
      // A new life of the channel: its numbering restarts, so nothing of it may count as seen.
      sub.lastSeq = 0;
      sub.contiguous = false;
      this.sink.gap(gap, sub.onGap);
    } else if (!data.recovered) {
      sub.contiguous = false;
      this.sink.gap({ channel, reason: 'not_retained', epoch: data.epoch, afterSeq: sub.lastSeq, latestSeq: data.seq, resumed }, sub.onGap);
    } else {
      sub.contiguous = true;
    }
    sub.epoch = data.epoch;
    sub.answered = true;
    sub.pending = false;
    const held = sub.held;
    sub.held = [];
    for (const message of held) this.onMessage(sub.channel, message);
  }

  /**
   * A message for a subscribed channel: hold it, drop it as a duplicate, or deliver it (after a
   * `missing` gap when it skips numbers). Returns false when the channel is not subscribed.
   */
  onMessage(channel: string, message: Message): boolean {
    const sub = this.subs.get(channel);
    if (!sub) return false;
    if (sub.pending) {
      sub.held.push(message);
      return true;
    }
    const seq = message.seq;
    if (typeof seq === 'number') {
      if (seq <= sub.lastSeq) {
        this.sink.duplicate(message);
        return true;
      }
      if (sub.contiguous && seq > sub.lastSeq + 1 && sub.epoch !== undefined) {
        this.sink.gap({ channel, reason: 'missing', epoch: sub.epoch, afterSeq: sub.lastSeq, nextSeq: seq, resumed: sub.answered }, sub.onGap);
      }
      sub.lastSeq = seq;
      sub.contiguous = true;
    }
    this.sink.deliver(message, sub.handlers);
    return true;
  }

  /** Each subscription's position (last seq delivered and its epoch). */
  positions(): ChannelPosition[] {
    return [...this.subs.values()].map((s) => ({ channel: s.channel, epoch: s.epoch, lastSeq: s.lastSeq }));
  }
}
