/**
 * The node's side of every channel with local subscribers: one engine subscription per channel,
 * the last `seq` this node delivered and its epoch, and the hand-off of each publication, in
 * order and once, to the channel's subscriptions (subscription.ts).
 *
 * Engines may lose publications in transit (Redis pub/sub is at most once): a `seq` that jumps
 * is filled from history before anything after it is delivered; what history no longer holds is
 * skipped, so subscribers see the jump and report the gap. A publication of another epoch (the
 * engine's numbering restarted) starts a new life: every subscription hears `recovered: false`.
 * Engines that say so get a periodic position check, which finds what was lost at the end of a
 * burst, when no later publication reveals the jump: what the engine held at one check and the
 * node has still not received at the next, with nothing received in between.
 */
import type { ChannelEngine, Publication, StreamPosition } from './engine';
import { framesOf } from './wire-frame';

/** What a stream hands publications to (a client's subscription). */
export interface StreamSubscriber {
  /** Publications in `seq` order, each with its shared wire frame. */
  offer(seqs: readonly number[], frames: readonly Buffer[]): void;
  /** The channel started a new life (epoch) at `position`: recovery must begin again from 0. */
  newLife(position: StreamPosition): void;
}

/** One channel as this node sees it. */
export interface Stream {
  readonly name: string;
  readonly subscribers: Set<StreamSubscriber>;
  /** Resolves once the engine subscription holds and the position is known. */
  readonly ready: Promise<void>;
  /** The last `seq` delivered to subscribers, and its epoch (undefined until ready). */
  seq: number;
  epoch: string | undefined;
}

interface StreamState extends Stream {
  /** A history read is filling a jump: publications wait behind it. */
  filling: boolean;
  waiting: { epoch: string; pubs: readonly Publication[] }[];
  closed: boolean;
  /** The engine's top seq at the previous position check (its epoch is the stream's). */
  checkTarget: number | undefined;
  /** Publications were delivered since the previous position check. */
  flowing: boolean;
}

/** Options of {@link ChannelStreams}. */
export interface ChannelStreamsOptions {
  engine: ChannelEngine;
  /** Whether a channel is one of the hub's own (never evicted by the engine). */
  pinned(channel: string): boolean;
  /** Interval of the position check, ms; 0 turns it off. */
  positionCheckMs: number;
  /** A fill or check failed (engine down): counted by the hub. */
  onEngineError(err: unknown): void;
  /** A channel gained its first local subscriber (true) or lost its last (false). Default none. */
  onWatched?(channel: string, watched: boolean): void;
}

/** Most publications one gap fill reads at once. */
const FILL_LIMIT = 1000;

/** Every channel with local subscribers. */
export class ChannelStreams {
  private readonly streams = new Map<string, StreamState>();
  private checkTimer: NodeJS.Timeout | undefined;
  private intakeHeld = false;

  constructor(private readonly options: ChannelStreamsOptions) {}

  /** The stream of a channel, when it has local subscribers. */
  get(channel: string): Stream | undefined {
    return this.streams.get(channel);
  }

  /** Channels with local subscribers. */
  get size(): number {
    return this.streams.size;
  }

  /** Every stream (statistics). */
  all(): IterableIterator<Stream> {
    return this.streams.values();
  }

  /** Add a subscriber; the first one of a channel subscribes this node to it in the engine. */
  join(channel: string, subscriber: StreamSubscriber): Stream {
    let stream = this.streams.get(channel);
    if (!stream) {
      stream = this.open(channel);
      this.streams.set(channel, stream);
      this.armCheck();
      this.options.onWatched?.(channel, true);
    }
    stream.subscribers.add(subscriber);
    return stream;
  }

  /** Remove a subscriber; the last one of a channel unsubscribes this node. */
  leave(channel: string, subscriber: StreamSubscriber): void {
    const stream = this.streams.get(channel);
    if (!stream || !stream.subscribers.delete(subscriber) || stream.subscribers.size > 0) return;
    this.streams.delete(channel);
    stream.closed = true;
    this.options.onWatched?.(channel, false);
    // Only once the subscribe itself is done, so that the engine's count never goes below zero.
    void stream.ready.then(() => this.options.engine.unsubscribe(channel)).catch(this.options.onEngineError);
  }

  /** The engine's handler: publications of a channel this node subscribed to. */
  readonly intake = (channel: string, epoch: string, pubs: readonly Publication[]): void => {
    const stream = this.streams.get(channel);
    if (!stream || pubs.length === 0) return;
    if (stream.epoch === undefined || stream.filling) stream.waiting.push({ epoch, pubs });
    else this.process(stream, epoch, pubs);
  };

  /**
   * The engine holds back publications (the hub is congested, see ChannelEngine.holdIntake):
   * their silence is no loss, so the position check waits, and starts over once they flow again.
   */
  holdIntake(held: boolean): void {
    this.intakeHeld = held;
    if (held) return;
    for (const stream of this.streams.values()) stream.checkTarget = undefined;
  }

  /** Stop the position check; the engine subscriptions go with the engine. */
  close(): void {
    clearInterval(this.checkTimer);
    this.checkTimer = undefined;
    for (const stream of this.streams.values()) stream.closed = true;
    this.streams.clear();
  }

  private open(name: string): StreamState {
    const { engine } = this.options;
    const stream: StreamState = {
      name,
      subscribers: new Set(),
      seq: 0,
      epoch: undefined,
      filling: false,
      waiting: [],
      closed: false,
      checkTarget: undefined,
      flowing: false,
      ready: Promise.resolve(),
    };
    (stream as { ready: Promise<void> }).ready = engine
      .subscribe(name, { pinned: this.options.pinned(name) })
      .then(() => engine.history(name, { since: 0, limit: 0 }))
      .then((page) => {
        stream.seq = page.position.seq;
        stream.epoch = page.position.epoch;
        this.drainWaiting(stream);
      });
    return stream;
  }

  private process(stream: StreamState, epoch: string, pubs: readonly Publication[]): void {
    if (epoch !== stream.epoch) return this.newLife(stream, { seq: (pubs[0] as Publication).seq - 1, epoch }, pubs);
    let start = 0;
    while (start < pubs.length && (pubs[start] as Publication).seq <= stream.seq) start++; // seen already
    if (start === pubs.length) return;
    const first = pubs[start] as Publication;
    if (first.seq > stream.seq + 1) {
      stream.waiting.unshift({ epoch, pubs: pubs.slice(start) });
      return this.fill(stream, first.seq - 1);
    }
    // A batch is consecutive from here on (an engine numbers a publish call as one run).
    let end = start + 1;
    while (end < pubs.length && (pubs[end] as Publication).seq === (pubs[end - 1] as Publication).seq + 1) end++;
    this.deliver(stream, start === 0 && end === pubs.length ? pubs : pubs.slice(start, end));
    if (end < pubs.length) this.process(stream, epoch, pubs.slice(end));
  }

  private deliver(stream: StreamState, pubs: readonly Publication[]): void {
    const frames = framesOf(pubs);
    const seqs = pubs.map((p) => p.seq);
    stream.seq = seqs[seqs.length - 1] as number;
    stream.flowing = true;
    for (const subscriber of stream.subscribers) subscriber.offer(seqs, frames);
  }

  // Read the publications up to `upTo` from history, then go on with what waited.
  private fill(stream: StreamState, upTo: number): void {
    stream.filling = true;
    void this.fillFrom(stream, upTo)
      .catch((err: unknown) => {
        this.options.onEngineError(err);
        stream.seq = Math.max(stream.seq, upTo); // cannot read it now: the jump stays visible
      })
      .finally(() => {
        stream.filling = false;
        if (!stream.closed) this.drainWaiting(stream);
      });
  }

  private async fillFrom(stream: StreamState, upTo: number): Promise<void> {
    while (!stream.closed && stream.seq < upTo) {
      const page = await this.options.engine.history(stream.name, { since: stream.seq, limit: Math.min(FILL_LIMIT, upTo - stream.seq) });
      if (stream.closed || page.position.epoch !== stream.epoch) return; // a new life: what waits says so
      // What history no longer holds is skipped: subscribers see the jump and report the gap.
      if (page.firstSeq > stream.seq + 1) stream.seq = Math.min(upTo, page.firstSeq - 1);
      const run = page.publications.filter((p) => p.seq > stream.seq && p.seq <= upTo);
      if (run.length === 0 || (run[0] as Publication).seq !== stream.seq + 1) {
        stream.seq = upTo;
        return;
      }
      this.deliver(stream, run);
    }
  }

  private drainWaiting(stream: StreamState): void {
    while (!stream.filling && stream.waiting.length > 0) {
      const next = stream.waiting.shift() as { epoch: string; pubs: readonly Publication[] };
      this.process(stream, next.epoch, next.pubs);
    }
  }

  // The subscribers hear of the new life first; then its publications from seq 1 (filled from
  // history where the first one delivered is later).
  private newLife(stream: StreamState, position: StreamPosition, pubs: readonly Publication[]): void {
    stream.epoch = position.epoch;
    stream.seq = 0;
    stream.checkTarget = undefined;
    for (const subscriber of stream.subscribers) subscriber.newLife(position);
    if (pubs.length > 0) this.process(stream, position.epoch, pubs);
    else if (position.seq > 0) this.fill(stream, position.seq);
  }

  // For engines that may lose publications: compare each stream with the engine's position and
  // fill what a silent loss left behind (found within two intervals).
  private armCheck(): void {
    if (this.checkTimer || this.options.positionCheckMs <= 0) return;
    this.checkTimer = setInterval(() => {
      if (this.streams.size === 0) {
        clearInterval(this.checkTimer);
        this.checkTimer = undefined;
        return;
      }
      if (this.intakeHeld) return;
      for (const stream of this.streams.values()) {
        if (stream.epoch === undefined || stream.filling) continue;
        this.options.engine
          .history(stream.name, { since: 0, limit: 0 })
          .then((page) => {
            if (stream.closed || stream.filling || stream.epoch === undefined || this.intakeHeld) return;
            if (page.position.epoch !== stream.epoch) return this.newLife(stream, page.position, []);
            // Lost is what was in the engine one check ago, has still not arrived, and nothing else
            // arrived meanwhile: publications that keep coming are on their way (a busy node reads
            // its pub/sub socket late), and must not be read from history and skipped where history
            // has already moved past them.
            const target = stream.checkTarget;
            const flowing = stream.flowing;
            stream.checkTarget = page.position.seq;
            stream.flowing = false;
            if (!flowing && target !== undefined && target > stream.seq) this.fill(stream, target);
          })
          .catch(this.options.onEngineError);
      }
    }, this.options.positionCheckMs);
    this.checkTimer.unref();
  }
}
