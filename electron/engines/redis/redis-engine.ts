/**
 * The channel engine on Redis (house rule 12; centrifuge's Redis broker): several hubs, one
 * numbering. Per channel a STREAM (entry id = seq) and a HASH (epoch, top seq, retained bytes);
 * one Lua script per publish call numbers, retains, trims and PUBLISHes the batch atomically
 * (redis-scripts.ts), so that pub/sub order is seq order; history is read from the stream; every
 * channel with local subscribers is one SUBSCRIBE on the node's subscriber connection.
 *
 * Pub/sub is at most once: a message lost in transit (a killed connection) shows as a jump, which
 * the hub fills from history (channel-streams.ts), or is found by the hub's position check
 * (`positionCheckMs`) and, after every reconnect, by reading each subscribed channel's latest
 * publication at once. While Redis is unreachable, publishes wait in a bounded queue
 * (publish-queue.ts) and are counted as lost past it; `health()` says what is wrong.
 *
 * The hub's own node-local channels (`hub:*`, and `processes`, whose content each node composes
 * from the node registry) stay in an in-memory engine inside this one: they describe this node.
 */
import { randomBytes } from 'node:crypto';
import { HUB_CHANNEL_PREFIX, PROCESSES_CHANNEL, type EngineHealth } from '../../../shared/protocol';
import type {
  ChannelEngine,
  ChannelFacts,
  EngineCounters,
  EngineEvents,
  HistoryPage,
  HistoryRequest,
  PublishOptions,
  Publication,
  StreamPosition,
} from '../../hub/engine';
import { MemoryEngine } from '../../hub/memory-engine';
import { PublishQueue } from './publish-queue';
import type { RedisLink } from './redis-link';
import { HISTORY_SCRIPT, PUBLISH_SCRIPT } from './redis-scripts';

/** Options of {@link RedisEngine}. */
export interface RedisEngineOptions {
  /** The node's connections (started by the engine's `start`, closed by its `close`). */
  link: RedisLink;
  /** This node's name: publishes are tagged with it, so that a retried one is applied once. */
  node: string;
  /** How often the hub compares subscribed channels' positions with what it delivered, ms. Default 1,000. */
  positionCheckMs?: number;
  /** A channel nobody published to for this long is removed from Redis, ms. Default 7 days. */
  channelTtlMs?: number;
  /** A channel only read (subscribed), never published to, is removed this long after its last read, ms. Default 10 minutes. */
  unpublishedTtlMs?: number;
  /** Most payloads waiting for Redis (unreachable or slow); past it publishes are lost and counted. Default 200,000. */
  maxBufferedMessages?: number;
  /** Most payload bytes waiting for Redis. Default 64 MiB. */
  maxBufferedBytes?: number;
  /** Channels that stay on this node. Default `hub:*` and `processes`. */
  isLocal?: (channel: string) => boolean;
  /** Most channels described from what this node has seen. Default 10,000. */
  maxSeenChannels?: number;
}

interface PublishReply {
  position: StreamPosition;
  retained: number;
  retainedBytes: number;
}

interface Subscribed {
  count: number;
  /** The last publication handed to the hub (so that a catch-up never hands one twice). */
  epoch: string;
  seq: number;
  /** The SUBSCRIBE (or UNSUBSCRIBE) under way. */
  pending: Promise<void>;
  listening: boolean;
}

/** Default: the hub's own channels about this node. */
export function isNodeLocalChannel(channel: string): boolean {
  return channel.startsWith(HUB_CHANNEL_PREFIX) || channel === PROCESSES_CHANNEL;
}

type ScriptCommand = (...args: (string | Buffer | number)[]) => Promise<unknown[]>;

/** See the file comment. */
export class RedisEngine implements ChannelEngine {
  readonly kind = 'redis';
  readonly positionCheckMs: number;
  private readonly link: RedisLink;
  private readonly local = new MemoryEngine();
  private readonly isLocal: (channel: string) => boolean;
  private readonly ttlMs: number;
  private readonly unpublishedTtlMs: number;
  private readonly maxSeen: number;
  private readonly writerField: string;
  private readonly incarnation = randomBytes(6).toString('base64url');
  private counter = 0;
  private epochs = 0;
  private readonly queue: PublishQueue<PublishReply>;
  private readonly seen = new Map<string, ChannelFacts>();
  private readonly subscribed = new Map<string, Subscribed>();
  private events: EngineEvents | undefined;
  private publishScript!: ScriptCommand;
  private historyScript!: ScriptCommand;
  private closing: Promise<void> | undefined;

  constructor(options: RedisEngineOptions) {
    this.link = options.link;
    this.positionCheckMs = options.positionCheckMs ?? 1000;
    this.ttlMs = options.channelTtlMs ?? 7 * 24 * 3600 * 1000;
    this.unpublishedTtlMs = options.unpublishedTtlMs ?? 10 * 60 * 1000;
    this.maxSeen = options.maxSeenChannels ?? 10_000;
    this.isLocal = options.isLocal ?? isNodeLocalChannel;
    this.writerField = `w:${options.node}`;
    if (!(this.positionCheckMs > 0)) throw new RangeError('positionCheckMs must be positive');
    this.queue = new PublishQueue<PublishReply>({
      maxMessages: options.maxBufferedMessages ?? 200_000,
      maxBytes: options.maxBufferedBytes ?? 64 * 1024 * 1024,
      up: () => this.link.commandsUp(),
      reason: () => this.link.reason() ?? 'Redis is unreachable',
      isAnswer: (err) => (err as Error | null)?.name === 'ReplyError',
    });
  }

  async start(events: EngineEvents): Promise<void> {
    this.events = events;
    await this.local.start(events);
    await this.link.start();
    const { command } = this.link;
    command.defineCommand('syPublish', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
    command.defineCommand('syHistory', { numberOfKeys: 2, lua: HISTORY_SCRIPT });
    const scripts = command as unknown as Record<string, ScriptCommand>;
    this.publishScript = (scripts.syPublishBuffer as ScriptCommand).bind(command);
    this.historyScript = (scripts.syHistoryBuffer as ScriptCommand).bind(command);
    this.link.onStatus(() => {
      this.queue.pump();
      this.events?.health?.(this.health());
    });
    this.link.onReconnect(() => void this.catchUp());
  }

  publish(channel: string, payloads: readonly Buffer[], options: PublishOptions): Promise<StreamPosition> {
    if (this.isLocal(channel)) return this.local.publish(channel, payloads, options);
    if (payloads.length === 0) return this.history(channel, { since: 0, limit: 0 }).then((page) => page.position);
    const keys = this.link.keys;
    const counter = ++this.counter;
    const { maxMessages, maxBytes } = options.retention;
    const args: (string | Buffer | number)[] = [
      keys.stream(channel),
      keys.meta(channel),
      maxMessages,
      maxBytes,
      this.ttlMs,
      keys.pubsub(channel),
      this.newEpoch(),
      this.writerField,
      this.incarnation,
      counter,
      ...payloads,
    ];
    let bytes = 0;
    for (const p of payloads) bytes += p.length;
    return new Promise<PublishReply>((resolve, reject) => {
      this.queue.push({
        messages: payloads.length,
        bytes,
        send: () => this.publishScript(...args).then(readPublishReply),
        resolve,
        reject: (err) => reject(new Error(this.link.redact(err.message))),
      });
    }).then((reply) => {
      this.note(channel, reply.position, reply.retained, reply.retainedBytes);
      return reply.position;
    });
  }

  async history(channel: string, request: HistoryRequest): Promise<HistoryPage> {
    if (this.isLocal(channel)) return this.local.history(channel, request);
    if (!this.link.commandsUp()) throw new Error(this.link.reason() ?? 'Redis is unreachable');
    const keys = this.link.keys;
    let reply: unknown[];
    try {
      reply = await this.historyScript(keys.stream(channel), keys.meta(channel), request.since, request.limit, request.maxBytes ?? -1, this.newEpoch(), this.unpublishedTtlMs);
    } catch (err) {
      throw new Error(`history of "${channel}" could not be read: ${this.link.failure(err)}`);
    }
    const position = { seq: Number(reply[0]), epoch: String(reply[1]) };
    const publications: Publication[] = [];
    for (let i = 5; i + 1 < reply.length; i += 2) publications.push({ seq: Number(reply[i]), data: reply[i + 1] as Buffer });
    this.note(channel, position, Number(reply[3]), Number(reply[4]));
    return { position, firstSeq: Number(reply[2]), publications };
  }

  async subscribe(channel: string, options: Pick<PublishOptions, 'pinned'> = {}): Promise<void> {
    if (this.isLocal(channel)) return this.local.subscribe(channel, options);
    let sub = this.subscribed.get(channel);
    if (!sub) {
      sub = { count: 0, epoch: '', seq: 0, pending: Promise.resolve(), listening: false };
      this.subscribed.set(channel, sub);
    }
    sub.count++;
    const entry = sub;
    entry.pending = entry.pending.then(() => this.reconcile(channel, entry));
    try {
      await entry.pending;
      if (!entry.listening) throw new Error(this.link.reason() ?? 'Redis is unreachable');
    } catch (err) {
      entry.count--;
      if (entry.count === 0 && this.subscribed.get(channel) === entry && !entry.listening) this.subscribed.delete(channel);
      throw err;
    }
  }

  async unsubscribe(channel: string): Promise<void> {
    if (this.isLocal(channel)) return this.local.unsubscribe(channel);
    const entry = this.subscribed.get(channel);
    if (!entry || entry.count === 0) return;
    entry.count--;
    entry.pending = entry.pending.then(() => this.reconcile(channel, entry));
    await entry.pending;
  }

  describe(channel: string): ChannelFacts | undefined {
    if (this.isLocal(channel)) return this.local.describe(channel);
    const facts = this.seen.get(channel);
    return facts && { ...facts };
  }

  channelNames(): string[] {
    return [...this.local.channelNames(), ...this.seen.keys()];
  }

  /** Redis is up but behind on this node's publishes: producers should pause (see publish-queue.ts). */
  backlogged(): boolean {
    return this.queue.backlogged();
  }

  /** Call `listener` once when producers may go on. */
  onRelief(listener: () => void): void {
    this.queue.onRelief(listener);
  }

  holdIntake(held: boolean): void {
    this.link.holdSubscriber(held);
  }

  health(): EngineHealth {
    const reason = this.link.reason();
    return {
      kind: this.kind,
      up: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
      buffered: this.queue.buffered,
      lost: this.queue.lost,
    };
  }

  counters(): EngineCounters {
    return this.local.counters();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // What is on its way gets a moment to arrive (the last lines of a stopped process).
      if (this.link.commandsUp()) await this.queue.drain(2000);
      this.queue.close();
      await this.link.close();
      await this.local.close();
      this.subscribed.clear();
    })();
    return this.closing;
  }

  // Make the pub/sub subscription match the count (one change at a time per channel).
  private async reconcile(channel: string, entry: Subscribed): Promise<void> {
    const name = this.link.keys.pubsub(channel);
    if (entry.count > 0 && !entry.listening) {
      try {
        await this.link.listen(name, (message) => this.receive(channel, message));
        entry.listening = true;
      } catch {
        // subscribe() reports it
      }
    } else if (entry.count === 0) {
      const was = entry.listening;
      entry.listening = false;
      if (this.subscribed.get(channel) === entry) this.subscribed.delete(channel);
      if (was) await this.link.unlisten(name);
    }
  }

  private receive(channel: string, message: Buffer): void {
    const batch = parseBatch(message);
    if (!batch) return;
    const last = batch.pubs[batch.pubs.length - 1];
    if (last) this.note(channel, { seq: last.seq, epoch: batch.epoch }, batch.retained, batch.retainedBytes);
    this.hand(channel, batch.epoch, batch.pubs);
  }

  // To the hub, in order and once (pub/sub and a catch-up may both bring a publication).
  private hand(channel: string, epoch: string, pubs: readonly Publication[]): void {
    const entry = this.subscribed.get(channel);
    if (!entry?.listening || pubs.length === 0) return;
    let fresh = pubs;
    if (epoch === entry.epoch) {
      let start = 0;
      while (start < pubs.length && (pubs[start] as Publication).seq <= entry.seq) start++;
      if (start === pubs.length) return;
      if (start > 0) fresh = pubs.slice(start);
    }
    entry.epoch = epoch;
    entry.seq = (fresh[fresh.length - 1] as Publication).seq;
    this.events?.publications(channel, epoch, fresh);
  }

  // After a reconnect of the subscriber, what pub/sub lost meanwhile: the latest publication of
  // each channel, whose seq shows the hub the jump to fill from history.
  private async catchUp(): Promise<void> {
    for (const [channel, entry] of this.subscribed) {
      if (!entry.listening) continue;
      try {
        const head = await this.history(channel, { since: 0, limit: 0 });
        if (head.position.seq === 0) continue;
        const page = await this.history(channel, { since: head.position.seq - 1, limit: 1 });
        this.hand(channel, page.position.epoch, page.publications);
      } catch {
        return; // down again: the next reconnect tries again, the position check meanwhile
      }
    }
  }

  // An epoch for a channel this call may create: unique per call (this engine's random
  // incarnation and a counter), so that no two lives of a channel ever share one.
  private newEpoch(): string {
    return `${this.incarnation}${(++this.epochs).toString(36)}`;
  }

  private note(channel: string, position: StreamPosition, retained: number, retainedBytes: number): void {
    const known = this.seen.get(channel);
    if (known && known.epoch === position.epoch && known.seq > position.seq) return; // an older answer
    if (!known && this.seen.size >= this.maxSeen) this.forgetOne();
    this.seen.set(channel, { seq: position.seq, epoch: position.epoch, retained, retainedBytes });
  }

  private forgetOne(): void {
    for (const name of this.seen.keys()) {
      if (!this.subscribed.has(name)) {
        this.seen.delete(name);
        return;
      }
    }
  }
}


function readPublishReply(reply: unknown[]): PublishReply {
  return {
    position: { seq: Number(reply[0]), epoch: String(reply[1]) },
    retained: Number(reply[2]),
    retainedBytes: Number(reply[3]),
  };
}

/** One pub/sub message of the publish script: `epoch \n first \n retained \n bytes \n len,len \n payloads`. */
interface Batch {
  epoch: string;
  retained: number;
  retainedBytes: number;
  pubs: Publication[];
}

function parseBatch(message: Buffer): Batch | null {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const end = message.indexOf(10, start);
    if (end < 0) return null;
    fields.push(message.toString('latin1', start, end));
    start = end + 1;
  }
  const [epoch = '', firstText = '', retained = '', bytes = '', lens = ''] = fields;
  const first = Number(firstText);
  if (!Number.isSafeInteger(first) || first < 1 || epoch === '') return null;
  const pubs: Publication[] = [];
  let offset = start;
  const lengths = lens.split(',');
  for (let i = 0; i < lengths.length; i++) {
    const length = Number(lengths[i]);
    if (!Number.isSafeInteger(length) || length < 0 || offset + length > message.length) return null;
    pubs.push({ seq: first + i, data: message.subarray(offset, offset + length) });
    offset += length;
  }
  return { epoch, retained: Number(retained), retainedBytes: Number(bytes), pubs };
}
