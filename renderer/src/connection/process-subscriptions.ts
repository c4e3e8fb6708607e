/**
 * The dashboard's `process:<id>` subscriptions, one per listed process: new processes are
 * subscribed (one at a time through the pacer, when the connection reports `subscribed`), removed
 * ones let go, and each message becomes a {@link ProcessChannelItem} queued for the next frame.
 */
import { processChannel } from '../../../shared/protocol';
import { LEVELS, type Level } from '../../../shared/protocol/payloads/logs';
import type { ReplayTracker } from '../logs/replay-tracker';
import type { HubConnection } from './hub-connection';
import type { SubscriptionPacer } from './subscription-pacer';

const LEVEL_SET: ReadonlySet<string> = new Set(LEVELS);

/** What arrives on a `process:<id>` channel, queued for the next frame. */
export type ProcessChannelItem =
  | { kind: 'output'; processId: string; data: string; stream?: 'stdout' | 'stderr'; timestamp?: string; level?: Level }
  | { kind: 'status'; processId: string; data: Record<string, unknown>; timestamp?: string }
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
    const start = () => {
      off = this.conn.subscribe(channel, (m) => {
        replay?.arrived(channel, m.seq);
        if (m.type === 'process_output' && typeof m.data === 'string') {
          // A set lookup, not a schema parse: this runs for every line, and most carry no level.
          const level = m.level !== undefined && LEVEL_SET.has(m.level) ? m.level : undefined;
          push({ kind: 'output', processId: id, data: m.data, stream: m.stream, timestamp: m.timestamp, level });
        } else if (m.type === 'process_status' && typeof m.data === 'object' && m.data !== null) {
          push({ kind: 'status', processId: id, data: m.data as Record<string, unknown>, timestamp: m.timestamp });
        }
      });
    };
    if (!pacer) {
      start();
      this.subs.set(id, () => off?.());
      return;
    }
    const drop = pacer.enqueue(channel, start);
    this.subs.set(id, () => {
      drop();
      off?.();
    });
  }
}
