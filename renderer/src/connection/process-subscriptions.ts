/**
 * The dashboard's `process:<id>` subscriptions, one per listed process: new processes are
 * subscribed (one at a time through the pacer, when the connection reports `subscribed`), removed
 * ones let go, and each message becomes a {@link ProcessChannelItem} queued for the next frame.
 */
import { entrySeq, processChannel, type Message, type OutputRow } from '../../../shared/protocol';
import { isLevel, type Level } from '../../../shared/protocol/payloads/logs';
import type { ReplayTracker } from '../logs/replay-tracker';
import type { ChannelFrom, HubConnection } from './hub-connection';
import type { SubscriptionPacer } from './subscription-pacer';

/**
 * History reads under way at once: several keep the hub and the page both busy (answers are read
 * while the next are prepared; four showed 100,000 lines 6% sooner than two, `bench/show-compare.mjs`),
 * and a second tab still fits under the hub's cap of eight (http-routes.ts).
 */
const READS_IN_FLIGHT = 4;

/** What arrives on a `process:<id>` channel, queued for the next frame. */
export type ProcessChannelItem =
  | { kind: 'output'; processId: string; data: string; stream?: 'stdout' | 'stderr'; timestamp?: string; level?: Level }
  | { kind: 'status'; processId: string; data: Record<string, unknown>; timestamp?: string }
  /** Output lines read over HTTP, as their rows (one item for an answer's run of them). */
  | { kind: 'rows'; processId: string; rows: readonly OutputRow[] }
  | { kind: 'gap'; processId: string; resumed: boolean };

/** What {@link ProcessSubscriptions} works with. */
export interface ProcessSubscriptionsOptions {
  /** Queue one message for the next frame. */
  push(item: ProcessChannelItem): void;
  /** Whether the connection is up now: a new subscribe's replay is then to come. */
  connected(): boolean;
  /** Which channels are replaying; null when the connection does not report `subscribed`. */
  replay: ReplayTracker | null;
  /** Paces the subscribes; null when the connection does not report `subscribed`. */
  pacer: SubscriptionPacer | null;
}

/** One subscription per process of the list. */
export class ProcessSubscriptions {
  private readonly subs = new Map<string, () => void>();
  /** History reads waiting for their turn, and how many are under way. */
  private readonly reads: (() => Promise<void>)[] = [];
  private readsInFlight = 0;

  constructor(
    private readonly conn: HubConnection,
    private readonly options: ProcessSubscriptionsOptions,
  ) {}

  /** The ids of the subscribed processes. */
  ids(): IterableIterator<string> {
    return this.subs.keys();
  }

  /** The client has just resubscribed every channel: their replays are to come. */
  expectReplays(): void {
    for (const id of this.subs.keys()) this.options.replay?.expect(processChannel(id));
  }

  /** Subscribe the processes of `ids` not subscribed yet; let go of those no longer in it. */
  sync(ids: ReadonlySet<string>): void {
    for (const id of ids) if (!this.subs.has(id)) this.subscribe(id);
    for (const [id, off] of this.subs) {
      if (!ids.has(id)) {
        off();
        this.options.replay?.forget(processChannel(id));
        this.subs.delete(id);
      }
    }
  }

  /** Let go of every subscription. */
  close(): void {
    for (const off of this.subs.values()) off();
    this.subs.clear();
  }

  private subscribe(id: string): void {
    const { replay, pacer, push } = this.options;
    const channel = processChannel(id);
    if (this.options.connected()) replay?.expect(channel);
    let off: (() => void) | null = null;
    let dropped = false;
    const handle = (m: Message) => {
      replay?.arrived(channel, m.seq);
      if (m.type === 'process_output' && typeof m.data === 'string') {
        // A set lookup, not a schema parse: this runs for every line, and most carry no level.
        const level = isLevel(m.level) ? m.level : undefined;
        push({ kind: 'output', processId: id, data: m.data, stream: m.stream, timestamp: m.timestamp, level });
      } else if (m.type === 'process_status' && typeof m.data === 'object' && m.data !== null) {
        push({ kind: 'status', processId: id, data: m.data as Record<string, unknown>, timestamp: m.timestamp });
      }
    };
    const subscribe = (from?: ChannelFrom) => {
      if (!dropped) off = this.conn.subscribe(channel, handle, from);
    };
    let drop = () => {};
    const read = this.conn.history?.bind(this.conn);
    if (read) {
      // Read over HTTP a few at a time, then subscribe from the last line read: such a subscribe
      // has nothing to replay, so it needs no pacing. A channel whose read failed outright gets
      // its replay over the WebSocket, paced like any.
      const run = () =>
        this.readRetained(id, channel, read, handle, () => dropped).then((from) => {
          if (dropped) return;
          if (from || !pacer) return subscribe(from);
          drop = pacer.enqueue(channel, () => subscribe());
        });
      this.reads.push(run);
      this.nextRead();
    } else if (pacer) {
      drop = pacer.enqueue(channel, () => subscribe());
    } else {
      subscribe();
    }
    this.subs.set(id, () => {
      dropped = true;
      drop();
      off?.();
    });
  }

  private nextRead(): void {
    while (this.readsInFlight < READS_IN_FLIGHT && this.reads.length > 0) {
      const run = this.reads.shift() as () => Promise<void>;
      this.readsInFlight++;
      void run().finally(() => {
        this.readsInFlight--;
        this.nextRead();
      });
    }
  }

  /**
   * Hand over the channel's retained messages read over HTTP, answer after answer; resolves with
   * where the subscribe then starts. A failed read (an older hub, too many readers at once)
   * leaves the rest to the subscribe's own replay, which loses nothing either.
   */
  private async readRetained(
    id: string,
    channel: string,
    read: NonNullable<HubConnection['history']>,
    handle: (m: Message) => void,
    dropped: () => boolean,
  ): Promise<ChannelFrom | undefined> {
    let from: ChannelFrom = { since: 0 };
    if (dropped()) return undefined;
    try {
      for (;;) {
        const answer = await read(channel, from);
        if (dropped()) return from;
        // As the subscribe's own replay would report it: lines no longer retained before these.
        if (!answer.recovered) this.options.push({ kind: 'gap', processId: id, resumed: from.since > 0 });
        const { entries } = answer;
        // Runs of rows go as they are, one item each; other messages as the WebSocket's would.
        let run = -1;
        for (let i = 0; i <= entries.length; i++) {
          const entry = entries[i];
          if (entry !== undefined && Array.isArray(entry)) {
            if (run < 0) run = i;
            continue;
          }
          if (run >= 0) {
            const rows = entries.slice(run, i) as OutputRow[];
            this.options.replay?.arrived(channel, (rows[rows.length - 1] as OutputRow)[0]);
            this.options.push({ kind: 'rows', processId: id, rows });
            run = -1;
          }
          if (entry !== undefined) handle(entry as Message);
        }
        const last = entries[entries.length - 1];
        from = { since: (last && entrySeq(last)) ?? from.since, epoch: answer.epoch };
        if (!answer.more) return from;
      }
    } catch {
      return from.since > 0 ? from : undefined;
    }
  }
}
