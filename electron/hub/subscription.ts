/**
 * One client's subscription to one channel: live, or catching up from history.
 *
 * A subscribe with `since` (and every subscribe, for the `subscribed` answer) reads history
 * asynchronously while live publications keep coming: they are buffered (bounded), history is
 * read page by page, and the buffer is merged and flushed once the pages reach it, with no gap
 * and no duplicate. A page is read only when the client's queue has room, one page at a time per
 * client (CatchUpGate), so a replay streams at the pace the client reads and counts against its
 * queue budget: however many subscribes a client sends, its memory stays bounded. A subscribe
 * to a channel the client holds replaces the position; it never runs a second replay beside the
 * first.
 */
import type { SubscribedData } from '../../shared/protocol';
import type { ChannelEngine, Publication, StreamPosition } from './engine';
import type { Stream, StreamSubscriber } from './channel-streams';
import { framesOf } from './wire-frame';

/** What a subscription needs from its client connection. */
export interface SubscriptionClient {
  readonly closed: boolean;
  /** Queue one channel frame. */
  deliverFrame(frame: Buffer): void;
  /** Queue the `subscribed` answer (or an unsolicited one after a new life). */
  sendSubscribed(channel: string, data: SubscribedData): void;
  /** Queue an encoded message of the hub's own (a notice about the channel). */
  sendEncoded(data: Buffer): void;
  /** Resolves when the client's queue has room for another page of history (one waiter at a time is let through). */
  room(): Promise<void>;
  /** The page let through by {@link room} was queued: let the next waiter through when there is room. */
  roomUsed(): void;
}

/** Where to resume, from a `subscribe` message. */
export interface SubscribeFrom {
  since: number;
  epoch?: string;
}

/**
 * Where a replay from `from` starts (the last `seq` not to send) and whether it loses nothing:
 * the same for a subscribe and a read of `/api/history`. A `since` of another epoch, or one
 * history no longer reaches, starts at the oldest retained message with `recovered: false`.
 */
export function resumeFrom(from: SubscribeFrom, position: StreamPosition, firstSeq: number): { cursor: number; recovered: boolean } {
  const sameLife = (from.epoch === undefined || from.epoch === position.epoch) && from.since <= position.seq;
  const recovered = sameLife && (from.since >= position.seq || firstSeq <= from.since + 1);
  const cursor = sameLife ? Math.max(from.since, recovered ? from.since : firstSeq - 1) : Math.max(0, firstSeq - 1);
  return { cursor, recovered };
}

/** Most messages and bytes of one history page. */
export const PAGE_MESSAGES = 1000;
export const PAGE_BYTES = 256 * 1024;
/** Most live messages and bytes held while a catch-up runs; past it they are read from history instead. */
const BUFFER_MESSAGES = 4096;
const BUFFER_BYTES = 1024 * 1024;

/** How a subscription answers and reports. */
export interface SubscriptionOptions {
  /** Extra fields of the `subscribed` answer (`exists: false` for an unknown process). */
  answerExtra: () => Partial<SubscribedData>;
  /** The channel's latest message is given at once without `since` (`processes`, `hub:stats`). */
  latestOnSubscribe: boolean;
  /** An engine failure (counted by the hub). */
  onError: (err: unknown) => void;
}

/** See the file comment. */
export class Subscription implements StreamSubscriber {
  /** The last `seq` queued to the client, in {@link epoch}. */
  lastSeq = 0;
  epoch: string | undefined;
  private live = false;
  private generation = 0;
  private buffer: { seq: number; frame: Buffer }[] = [];
  private bufferBytes = 0;
  private overflowed = false;
  private stream!: Stream;

  constructor(
    readonly channel: string,
    private readonly client: SubscriptionClient,
    private readonly engine: ChannelEngine,
    private readonly options: SubscriptionOptions,
  ) {}

  /** The node's stream of the channel (channel-streams.ts), joined right after construction. */
  attach(stream: Stream): void {
    this.stream = stream;
  }

  /** Tell the client something about the channel, out of band (a failed publish). */
  notice(data: Buffer): void {
    this.client.sendEncoded(data);
  }

  /**
   * Start (or restart) the subscription: answer `subscribed`, replay from `from` when given, then
   * live. Resolves when live (or cancelled); rejects when the engine failed before the answer.
   */
  async start(from: SubscribeFrom | undefined): Promise<void> {
    const generation = ++this.generation;
    this.live = false;
    this.resetBuffer();
    await this.stream.ready;
    if (this.cancelled(generation)) return;
    const head = await this.engine.history(this.channel, { since: 0, limit: 0 });
    if (this.cancelled(generation)) return;
    const { position, firstSeq } = head;
    const { cursor, recovered } =
      from === undefined
        ? { cursor: this.options.latestOnSubscribe ? Math.max(0, position.seq - 1) : position.seq, recovered: true }
        : resumeFrom(from, position, firstSeq);
    this.epoch = position.epoch;
    this.lastSeq = cursor;
    this.client.sendSubscribed(this.channel, { seq: position.seq, epoch: position.epoch, recovered, ...this.options.answerExtra() });
    await this.catchUp(generation, position);
  }

  /** Stop delivering (unsubscribe, client gone). */
  cancel(): void {
    this.generation++;
    this.live = false;
    this.resetBuffer();
  }

  offer(seqs: readonly number[], frames: readonly Buffer[]): void {
    if (this.client.closed) return;
    if (this.live) {
      for (let i = 0; i < seqs.length; i++) {
        const seq = seqs[i] as number;
        if (seq <= this.lastSeq) continue;
        this.lastSeq = seq;
        this.client.deliverFrame(frames[i] as Buffer);
      }
      return;
    }
    if (this.overflowed) return;
    for (let i = 0; i < seqs.length; i++) {
      const frame = frames[i] as Buffer;
      this.buffer.push({ seq: seqs[i] as number, frame });
      this.bufferBytes += frame.length;
    }
    if (this.buffer.length > BUFFER_MESSAGES || this.bufferBytes > BUFFER_BYTES) {
      this.resetBuffer();
      this.overflowed = true; // the catch-up reads these from history instead
    }
  }

  newLife(position: StreamPosition): void {
    if (this.client.closed) return;
    this.generation++; // a catch-up under way ends: the stream delivers the new life from seq 1
    this.resetBuffer();
    this.epoch = position.epoch;
    this.lastSeq = 0;
    this.live = true;
    this.client.sendSubscribed(this.channel, { seq: position.seq, epoch: position.epoch, recovered: false, ...this.options.answerExtra() });
  }

  private cancelled(generation: number): boolean {
    return generation !== this.generation || this.client.closed;
  }

  // Pages of history from `lastSeq` while the client has room, until the pages meet what the
  // stream delivered; then the buffer's tail, then live.
  private async catchUp(generation: number, position: StreamPosition): Promise<void> {
    let top = position.seq; // the engine's latest seq at the last read
    while (!this.cancelled(generation)) {
      // Everything the stream delivered before this subscription joined is in history; everything
      // after is in the buffer (unless it overflowed): so either of these means nothing is missing.
      if (this.lastSeq >= this.stream.seq) return this.goLive();
      const head = this.buffer[0];
      if (!this.overflowed && head !== undefined && head.seq <= this.lastSeq + 1) return this.goLive();
      await this.client.room();
      if (this.cancelled(generation)) return this.client.roomUsed();
      let page;
      try {
        page = await this.engine.history(this.channel, { since: this.lastSeq, limit: PAGE_MESSAGES, maxBytes: PAGE_BYTES });
      } catch (err) {
        this.client.roomUsed();
        this.options.onError(err);
        return this.goLive(); // the engine is down: go on live; the jump shows the client the gap
      }
      if (this.cancelled(generation)) return this.client.roomUsed();
      if (page.position.epoch !== this.epoch) {
        // The numbering restarted while we read: the stream announces the new life.
        this.client.roomUsed();
        return;
      }
      top = page.position.seq;
      // History moved past the cursor while we paged (retention): skip ahead; the client sees the jump.
      if (page.firstSeq > this.lastSeq + 1 && page.firstSeq <= top) this.lastSeq = page.firstSeq - 1;
      const pubs = page.publications.filter((p) => p.seq > this.lastSeq);
      if (pubs.length > 0) this.queue(pubs);
      this.client.roomUsed();
      if (pubs.length === 0 && this.lastSeq < top) this.lastSeq = top; // nothing retained between: skip
    }
  }

  private queue(pubs: readonly Publication[]): void {
    const frames = framesOf(pubs);
    for (let i = 0; i < pubs.length; i++) this.client.deliverFrame(frames[i] as Buffer);
    this.lastSeq = (pubs[pubs.length - 1] as Publication).seq;
  }

  private goLive(): void {
    const held = this.buffer;
    this.resetBuffer();
    this.live = true;
    for (const { seq, frame } of held) {
      if (seq <= this.lastSeq) continue;
      this.lastSeq = seq;
      this.client.deliverFrame(frame);
    }
  }

  private resetBuffer(): void {
    this.buffer = [];
    this.bufferBytes = 0;
    this.overflowed = false;
  }
}
