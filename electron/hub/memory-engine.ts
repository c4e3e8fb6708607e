/** The default channel engine: channels, numbering and history in this process's memory. */
import { randomBytes } from 'node:crypto';
import type { Message } from '../../shared/protocol';
import {
  ChannelLimitError,
  type ChannelEngine,
  type ChannelInfo,
  type EngineCounters,
  type Entry,
  type Position,
  type RetentionLimits,
  type SubscribeResult,
  type Subscriber,
} from './engine';
import { History } from './history';

/** Default retention per channel: the contract's 10,000 messages or 8 MiB. */
export const DEFAULT_RETENTION: RetentionLimits = { maxMessages: 10_000, maxBytes: 8 * 1024 * 1024 };
/** Default cap on the number of channels. */
export const DEFAULT_MAX_CHANNELS = 10_000;

/** Options of {@link MemoryEngine}. */
export interface MemoryEngineOptions {
  /** Retention of every channel. Default {@link DEFAULT_RETENTION}. */
  retention?: Partial<RetentionLimits>;
  /** Per-channel override of `retention` (e.g. keep only the last `hub:stats` snapshot). Default none. */
  retentionFor?: (channel: string) => Partial<RetentionLimits> | undefined;
  /** Most channels kept; past it the oldest channel without subscribers is dropped. Default 10,000. */
  maxChannels?: number;
}

interface Channel {
  readonly name: string;
  readonly epoch: string;
  /** The JSON of a process_output message up to its data, for `outputOf` (see {@link encode}). */
  outputPrefix: string;
  outputOf: string | undefined;
  seq: number;
  readonly subscribers: Set<Subscriber>;
  readonly history: History;
}

/** In-memory {@link ChannelEngine}: each engine instance starts every channel in a fresh epoch. */
export class MemoryEngine implements ChannelEngine {
  private readonly map = new Map<string, Channel>();
  private readonly retention: RetentionLimits;
  private readonly retentionFor: MemoryEngineOptions['retentionFor'];
  private readonly maxChannels: number;
  private evicted = 0;

  constructor(options: MemoryEngineOptions = {}) {
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.retentionFor = options.retentionFor;
    this.maxChannels = options.maxChannels ?? DEFAULT_MAX_CHANNELS;
    if (!(this.maxChannels >= 1)) throw new RangeError('maxChannels must be at least 1');
    if (!(this.retention.maxMessages >= 0) || !(this.retention.maxBytes >= 0)) throw new RangeError('retention limits must be >= 0');
  }

  publish(name: string, message: Message): Entry {
    const channel = this.map.get(name) ?? this.create(name);
    message.seq = ++channel.seq;
    const entry: Entry = { seq: message.seq, data: Buffer.from(encode(channel, message)) };
    channel.history.push(entry);
    for (const subscriber of channel.subscribers) subscriber.deliver(entry);
    if (channel.history.length === 0 && channel.subscribers.size === 0) this.map.delete(name);
    return entry;
  }

  subscribe(name: string, subscriber: Subscriber, from?: Position): SubscribeResult {
    const channel = this.map.get(name) ?? this.create(name);
    channel.subscribers.add(subscriber);
    const { seq, epoch, history } = channel;
    if (from === undefined) return { seq, epoch, recovered: true, replay: [] };
    const first = history.firstSeq;
    const sameLife = (from.epoch === undefined || from.epoch === epoch) && from.since <= seq;
    if (!sameLife) return { seq, epoch, recovered: false, replay: history.after(0) };
    // Nothing is missing when the oldest retained message directly follows `since`, or when
    // the client already has everything.
    const recovered = from.since >= seq || (first !== undefined && first <= from.since + 1);
    return { seq, epoch, recovered, replay: history.after(from.since) };
  }

  unsubscribe(name: string, subscriber: Subscriber): void {
    const channel = this.map.get(name);
    if (!channel) return;
    channel.subscribers.delete(subscriber);
    if (channel.subscribers.size === 0 && channel.history.length === 0) this.map.delete(name);
  }

  subscriberCount(name: string): number {
    return this.map.get(name)?.subscribers.size ?? 0;
  }

  channelCount(): number {
    return this.map.size;
  }

  channel(name: string): ChannelInfo | undefined {
    const channel = this.map.get(name);
    return channel && info(channel);
  }

  channels(): ChannelInfo[] {
    return Array.from(this.map.values(), info);
  }

  counters(): EngineCounters {
    return { channelsEvicted: this.evicted };
  }

  close(): void {
    this.map.clear();
  }

  private create(name: string): Channel {
    if (this.map.size >= this.maxChannels) this.evictOldestIdle();
    const channel: Channel = {
      name,
      epoch: randomBytes(6).toString('base64url'),
      seq: 0,
      outputPrefix: '',
      outputOf: undefined,
      subscribers: new Set(),
      history: new History({ ...this.retention, ...this.retentionFor?.(name) }),
    };
    this.map.set(name, channel);
    return channel;
  }

  // A Map iterates in insertion order, so the first idle channel found is the oldest idle one.
  private evictOldestIdle(): void {
    for (const [name, channel] of this.map) {
      if (channel.subscribers.size === 0) {
        this.map.delete(name);
        this.evicted++;
        return;
      }
    }
    throw new ChannelLimitError(this.maxChannels);
  }
}

function info(channel: Channel): ChannelInfo {
  return {
    name: channel.name,
    subscribers: channel.subscribers.size,
    seq: channel.seq,
    epoch: channel.epoch,
    retained: channel.history.length,
    retainedBytes: channel.history.bytes,
  };
}

// Process output is nearly every message the hub carries (one per line of every process), and
// the hub gives it one fixed shape in which only the line, the stream, the timestamp and seq
// change. Writing it from a cached prefix skips most of JSON.stringify's work (the benchmark's
// ingest profile had encoding as the largest self time). Any other message, or an output message
// with another field or order, goes through JSON.stringify: the bytes are the same either way.
const OUTPUT_KEYS = ['type', 'channel', 'processId', 'data', 'stream', 'timestamp', 'seq'] as const;
const STREAM_JSON = { stdout: ',"stream":"stdout","timestamp":', stderr: ',"stream":"stderr","timestamp":' } as const;
let lastTimestamp = '';
let lastTimestampJson = '""';

function encode(channel: Channel, message: Message): string {
  if (message.type !== 'process_output') return JSON.stringify(message);
  const { processId, data, stream, timestamp } = message;
  if (typeof data !== 'string' || typeof processId !== 'string' || typeof timestamp !== 'string' || (stream !== 'stdout' && stream !== 'stderr')) {
    return JSON.stringify(message);
  }
  let i = 0;
  for (const key in message) if (key !== OUTPUT_KEYS[i++]) return JSON.stringify(message);
  if (i !== OUTPUT_KEYS.length || message.channel !== channel.name) return JSON.stringify(message);
  if (channel.outputOf !== processId) {
    channel.outputOf = processId;
    channel.outputPrefix = `{"type":"process_output","channel":${JSON.stringify(channel.name)},"processId":${JSON.stringify(processId)},"data":`;
  }
  if (timestamp !== lastTimestamp) {
    lastTimestamp = timestamp;
    lastTimestampJson = JSON.stringify(timestamp);
  }
  return `${channel.outputPrefix}${JSON.stringify(data)}${STREAM_JSON[stream]}${lastTimestampJson},"seq":${message.seq}}`;
}
