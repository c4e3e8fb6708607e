/**
 * The default channel engine: numbering and history in this process's memory. Every engine
 * instance starts each channel in a fresh epoch. Its promises settle at once, and it hands
 * publications to the handler before `publish` returns, so that one node pays nothing for the
 * seam beyond a promise per publish call (a call carries a whole chunk of lines).
 */
import { randomBytes } from 'node:crypto';
import type { EngineHealth } from '../../shared/protocol';
import {
  ChannelLimitError,
  type ChannelEngine,
  type ChannelFacts,
  type EngineCounters,
  type EngineEvents,
  type HistoryPage,
  type HistoryRequest,
  type PublishOptions,
  type Publication,
  type RetentionLimits,
  type StreamPosition,
} from './engine';
import { History } from './history';

/** Default retention per channel: the contract's 10,000 messages or 8 MiB. */
export const DEFAULT_RETENTION: RetentionLimits = { maxMessages: 10_000, maxBytes: 8 * 1024 * 1024 };
/** Default cap on the number of unpinned channels (client channels). */
export const DEFAULT_MAX_CHANNELS = 10_000;
/** Default cap on the bytes retained by all channels together. */
export const DEFAULT_MAX_TOTAL_BYTES = 512 * 1024 * 1024;

/** Options of {@link MemoryEngine}. */
export interface MemoryEngineOptions {
  /** Most unpinned channels; past it the oldest one that no node subscribes to is dropped. Default 10,000. */
  maxChannels?: number;
  /**
   * Most bytes retained by every channel together (the global retention budget). Past it the
   * oldest messages of unpinned channels go first, then those of the largest pinned ones.
   * Default 512 MiB.
   */
  maxTotalBytes?: number;
}

interface Channel {
  readonly name: string;
  readonly epoch: string;
  seq: number;
  pinned: boolean;
  /** Node-level subscriptions (the hub subscribes once per channel with local subscribers). */
  subscriptions: number;
  readonly history: History;
}

/** In-memory {@link ChannelEngine}. */
export class MemoryEngine implements ChannelEngine {
  readonly kind = 'memory';
  readonly positionCheckMs = 0;
  private readonly map = new Map<string, Channel>();
  private readonly maxChannels: number;
  private readonly maxTotalBytes: number;
  private events: EngineEvents | undefined;
  private unpinned = 0;
  private totalBytes = 0;
  private readonly count: EngineCounters = { channelsEvicted: 0, retentionEvicted: 0 };

  constructor(options: MemoryEngineOptions = {}) {
    this.maxChannels = options.maxChannels ?? DEFAULT_MAX_CHANNELS;
    this.maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
    if (!(this.maxChannels >= 1)) throw new RangeError('maxChannels must be at least 1');
    if (!(this.maxTotalBytes >= 0)) throw new RangeError('maxTotalBytes must be >= 0');
  }

  start(events: EngineEvents): Promise<void> {
    this.events = events;
    return Promise.resolve();
  }

  publish(name: string, payloads: readonly Buffer[], options: PublishOptions): Promise<StreamPosition> {
    const existing = this.map.get(name);
    const channel = existing ?? this.tryCreate(name, options.pinned === true);
    if (channel instanceof Error) return Promise.reject(channel);
    if (existing && options.pinned && !channel.pinned) {
      channel.pinned = true;
      this.unpinned--;
    }
    const { history } = channel;
    history.limits = options.retention;
    const before = history.bytes;
    const first = channel.seq + 1;
    for (const data of payloads) history.push(++channel.seq, data);
    this.totalBytes += history.bytes - before;
    if (this.totalBytes > this.maxTotalBytes) this.holdBudget();
    if (channel.subscriptions > 0 && payloads.length > 0 && this.events) {
      const pubs: Publication[] = new Array(payloads.length);
      for (let i = 0; i < payloads.length; i++) pubs[i] = { seq: first + i, data: payloads[i] as Buffer };
      this.events.publications(name, channel.epoch, pubs);
    }
    const position = { seq: channel.seq, epoch: channel.epoch };
    this.dropIfEmpty(channel);
    return Promise.resolve(position);
  }

  history(name: string, request: HistoryRequest): Promise<HistoryPage> {
    const channel = this.map.get(name);
    if (!channel) return Promise.resolve({ position: { seq: 0, epoch: this.unborn(name) }, firstSeq: 1, publications: [] });
    const { history, seq, epoch } = channel;
    const firstSeq = history.firstSeq ?? seq + 1;
    const publications = request.limit > 0 ? history.after(request.since, request.limit, request.maxBytes ?? Infinity) : [];
    return Promise.resolve({ position: { seq, epoch }, firstSeq, publications });
  }

  subscribe(name: string, options: Pick<PublishOptions, 'pinned'> = {}): Promise<void> {
    const channel = this.map.get(name) ?? this.tryCreate(name, options.pinned === true);
    if (channel instanceof Error) return Promise.reject(channel);
    channel.subscriptions++;
    return Promise.resolve();
  }

  unsubscribe(name: string): Promise<void> {
    const channel = this.map.get(name);
    if (channel && channel.subscriptions > 0) {
      channel.subscriptions--;
      this.dropIfEmpty(channel);
    }
    return Promise.resolve();
  }

  describe(name: string): ChannelFacts | undefined {
    const channel = this.map.get(name);
    return channel && { seq: channel.seq, epoch: channel.epoch, retained: channel.history.length, retainedBytes: channel.history.bytes };
  }

  channelNames(): string[] {
    return [...this.map.keys()];
  }

  health(): EngineHealth {
    return { kind: this.kind, up: true };
  }

  counters(): EngineCounters {
    return { ...this.count };
  }

  close(): Promise<void> {
    this.map.clear();
    this.unpinned = 0;
    this.totalBytes = 0;
    return Promise.resolve();
  }

  // A channel read before it exists answers an epoch it will keep when it is created right after
  // (a subscribe creates it), so that a subscriber never sees a change of epoch at the first message.
  private readonly unbornEpochs = new Map<string, string>();

  private unborn(name: string): string {
    let epoch = this.unbornEpochs.get(name);
    if (epoch === undefined) {
      if (this.unbornEpochs.size >= 1024) this.unbornEpochs.clear();
      epoch = newEpoch();
      this.unbornEpochs.set(name, epoch);
    }
    return epoch;
  }

  // The engine's answers are promises: a full table is a rejection, never a throw.
  private tryCreate(name: string, pinned: boolean): Channel | Error {
    try {
      return this.create(name, pinned);
    } catch (err) {
      return err as Error;
    }
  }

  private create(name: string, pinned: boolean): Channel {
    if (!pinned && this.unpinned >= this.maxChannels) this.evictOldestIdle();
    const epoch = this.unbornEpochs.get(name) ?? newEpoch();
    this.unbornEpochs.delete(name);
    const channel: Channel = { name, epoch, seq: 0, pinned, subscriptions: 0, history: new History(DEFAULT_RETENTION) };
    this.map.set(name, channel);
    if (!pinned) this.unpinned++;
    return channel;
  }

  // A Map iterates in insertion order, so the first idle unpinned channel is the oldest one.
  private evictOldestIdle(): void {
    for (const channel of this.map.values()) {
      if (!channel.pinned && channel.subscriptions === 0) {
        this.remove(channel);
        this.count.channelsEvicted++;
        return;
      }
    }
    throw new ChannelLimitError(this.maxChannels);
  }

  private dropIfEmpty(channel: Channel): void {
    if (channel.subscriptions === 0 && channel.history.length === 0) this.remove(channel);
  }

  private remove(channel: Channel): void {
    this.map.delete(channel.name);
    this.totalBytes -= channel.history.bytes;
    if (!channel.pinned) this.unpinned--;
  }

  // Over the global budget: oldest messages of the oldest unpinned channels first, so that
  // operators' channels cannot push out process output; then the largest pinned channels.
  private holdBudget(): void {
    for (const channel of this.map.values()) {
      if (this.totalBytes <= this.maxTotalBytes) return;
      if (channel.pinned) continue;
      this.trim(channel);
    }
    while (this.totalBytes > this.maxTotalBytes) {
      let largest: Channel | undefined;
      for (const channel of this.map.values()) if (!largest || channel.history.bytes > largest.history.bytes) largest = channel;
      if (!largest || largest.history.length === 0) return;
      this.trim(largest);
    }
  }

  private trim(channel: Channel): void {
    const { history } = channel;
    while (history.length > 0 && this.totalBytes > this.maxTotalBytes) {
      const freed = history.dropOldest();
      this.totalBytes -= freed;
      this.count.retentionEvicted++;
    }
    this.dropIfEmpty(channel);
  }
}

function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}
