/**
 * The channel engine: everything about a channel that would have to be shared if several hubs
 * served the same channels (house rule 12, centrifuge's Broker): fan-out bookkeeping, the
 * per-channel `seq` and `epoch`, and the retained history that `subscribe` with `since` replays.
 * The in-memory engine (`memory-engine.ts`) is the default; an engine on Redis or NATS would
 * implement the same interface and deliver remote publications through the same subscribers.
 */
import type { Message } from '../../shared/protocol';

/** One channel message as it goes on the wire: encoded once, shared by every subscriber. */
export interface Entry {
  /** The message's per-channel sequence number. */
  readonly seq: number;
  /** The message's UTF-8 JSON text; never modified after publication. */
  readonly data: Buffer;
}

/** A receiver of channel messages (a client connection). */
export interface Subscriber {
  /** Called once per message, in `seq` order, for every channel the subscriber is in. */
  deliver(entry: Entry): void;
}

/** Where a subscriber wants to resume, from a `subscribe` message. */
export interface Position {
  /** Replay retained messages with `seq > since`. */
  since: number;
  /** The epoch `since` belongs to; absent means the channel's current epoch. */
  epoch?: string;
}

/** What a subscription starts with: the `subscribed` answer and the messages to replay first. */
export interface SubscribeResult {
  /** The channel's latest `seq` (0 when nothing was published yet). */
  seq: number;
  /** The channel's current epoch. */
  epoch: string;
  /** False when some messages after `since` can no longer be delivered. */
  recovered: boolean;
  /** Retained messages to deliver before any live one, oldest first. */
  replay: readonly Entry[];
}

/** How much history one channel keeps. */
export interface RetentionLimits {
  /** Most messages kept. */
  maxMessages: number;
  /** Most bytes kept (the UTF-8 size of the encoded messages). */
  maxBytes: number;
}

/** A read-only view of one channel, for statistics. */
export interface ChannelInfo {
  /** Channel name. */
  name: string;
  /** Local subscribers. */
  subscribers: number;
  /** Latest `seq`. */
  seq: number;
  /** Current epoch. */
  epoch: string;
  /** Messages retained. */
  retained: number;
  /** Bytes retained. */
  retainedBytes: number;
}

/** Counters of what the engine dropped on purpose. */
export interface EngineCounters {
  /** Channels removed because the channel cap was reached (oldest idle first). */
  channelsEvicted: number;
}

/** Thrown when a channel cannot be created because every channel slot holds a subscribed channel. */
export class ChannelLimitError extends Error {
  constructor(limit: number) {
    super(`too many channels (limit ${limit})`);
    this.name = 'ChannelLimitError';
  }
}

/** The interface every channel engine implements. */
export interface ChannelEngine {
  /**
   * Number the message (sets `message.seq`), encode it once, retain it and deliver it to every
   * subscriber of the channel. Returns the entry. May throw {@link ChannelLimitError}.
   */
  publish(channel: string, message: Message): Entry;
  /**
   * Add a subscriber. With a position, the result carries the retained messages after it; the
   * caller must deliver them before anything else, and live messages follow without a gap.
   * Subscribing twice keeps one membership. May throw {@link ChannelLimitError}.
   */
  subscribe(channel: string, subscriber: Subscriber, from?: Position): SubscribeResult;
  /** Remove a subscriber; a channel left without subscribers and history is removed. */
  unsubscribe(channel: string, subscriber: Subscriber): void;
  /** Number of subscribers of a channel (0 when it does not exist). */
  subscriberCount(channel: string): number;
  /** Number of channels (with subscribers or retained history). */
  channelCount(): number;
  /** One channel's view, or undefined when it does not exist. */
  channel(name: string): ChannelInfo | undefined;
  /** Every channel's view. */
  channels(): ChannelInfo[];
  /** What the engine dropped on purpose. */
  counters(): EngineCounters;
  /** Release everything; safe to call twice. */
  close(): void;
}
