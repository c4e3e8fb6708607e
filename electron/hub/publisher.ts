/**
 * Every publish of the hub goes through here: the message encoded once (wire-frame.ts), its
 * channel's retention and pinning chosen, the engine asked to number it, and a refusal made
 * loud: counted, told to the channel's local subscribers as an `error`, and to the listeners (the
 * supervisor counts lost lines as its process's `skipped`). Nothing is numbered without a
 * message: a message that cannot be encoded is refused before the engine sees it.
 */
import { isReservedChannel, LATEST_VALUE_CHANNELS, processChannel, type HubCounters, type Message, type OutputStream, type ProcessStatusData } from '../../shared/protocol';
import type { ChannelStreams } from './channel-streams';
import { timestamp } from './clock';
import type { ChannelEngine, PublishOptions, RetentionLimits, StreamPosition } from './engine';
import type { PublishFailure } from './hub-api';
import { Subscription } from './subscription';
import { encodeOutputPayloads, encodePayload, encodeTerminalPayload, outputPrefix, type OutputLine } from './wire-frame';

/** What the publisher needs from the hub. */
export interface PublisherDeps {
  engine: ChannelEngine;
  streams: ChannelStreams;
  counters: HubCounters;
  /** Every channel's retention. */
  retention: RetentionLimits;
}

/** See the file comment. */
export class HubPublisher {
  private readonly latestRetention: RetentionLimits;
  private readonly prefixes = new Map<string, Buffer>();
  private readonly failureListeners: ((failure: PublishFailure) => void)[] = [];

  constructor(private readonly deps: PublisherDeps) {
    this.latestRetention = { maxMessages: 1, maxBytes: deps.retention.maxBytes };
  }

  /** A whole message to a channel. */
  message(channel: string, message: Message): Promise<StreamPosition> {
    let payload: Buffer;
    try {
      payload = encodePayload(message);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.payloads(channel, [payload]);
  }

  /** A chunk of one process's output lines, as consecutive messages. */
  output(processId: string, lines: readonly OutputLine[]): Promise<StreamPosition> {
    const channel = processChannel(processId);
    return this.payloads(channel, encodeOutputPayloads(this.prefixOf(processId, channel), lines));
  }

  /** One line (the seed's SendProcessOutput). */
  line(processId: string, line: string, stream: OutputStream): Promise<StreamPosition> {
    return this.output(processId, [{ data: line, stream, time: timestamp() }]);
  }

  /** Bytes of a terminal. */
  terminal(processId: string, data: string, time: string): Promise<StreamPosition> {
    const channel = processChannel(processId);
    return this.payloads(channel, [encodeTerminalPayload(channel, processId, data, time)]);
  }

  /** A `process_status` into `process:<id>`. */
  status(processId: string, data: ProcessStatusData): Promise<StreamPosition> {
    const channel = processChannel(processId);
    return this.message(channel, { type: 'process_status', channel, processId, data, timestamp: timestamp() });
  }

  /** Hear of every failed publish. */
  onFailure(listener: (failure: PublishFailure) => void): void {
    this.failureListeners.push(listener);
  }

  // The JSON start of a process's output messages, built once per process (not per line).
  private prefixOf(processId: string, channel: string): Buffer {
    let prefix = this.prefixes.get(processId);
    if (prefix === undefined) {
      if (this.prefixes.size >= 10_000) this.prefixes.clear();
      prefix = outputPrefix(channel, processId);
      this.prefixes.set(processId, prefix);
    }
    return prefix;
  }

  private payloads(channel: string, payloads: Buffer[]): Promise<StreamPosition> {
    const options: PublishOptions = {
      retention: LATEST_VALUE_CHANNELS.includes(channel) ? this.latestRetention : this.deps.retention,
      pinned: isReservedChannel(channel),
    };
    return this.deps.engine.publish(channel, payloads, options).then(
      (position) => {
        this.deps.counters.published += payloads.length;
        return position;
      },
      (err: unknown) => {
        this.failed(channel, payloads.length, err);
        throw err;
      },
    );
  }

  private failed(channel: string, count: number, err: unknown): void {
    this.deps.counters.publishFailures += count;
    const reason = err instanceof Error ? err.message : String(err);
    const stream = this.deps.streams.get(channel);
    if (stream) {
      const notice = Buffer.from(JSON.stringify({ type: 'error', channel, data: `${count} message(s) could not be published: ${reason}`, timestamp: timestamp() }));
      for (const sub of stream.subscribers) if (sub instanceof Subscription) sub.notice(notice);
    }
    for (const listener of this.failureListeners) listener({ channel, count, reason });
  }
}
