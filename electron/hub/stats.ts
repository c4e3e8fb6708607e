/**
 * The statistics snapshot (CONTRACT.md, "Statistics"; the shape is HubStats in
 * shared/protocol/payloads/hub.ts): counters, and channel rates measured from `seq` deltas.
 *
 * A snapshot stays small whatever clients do: at most STATS_CLIENTS_LISTED clients with at most
 * STATS_SUBSCRIPTIONS_LISTED channel names each (their counts in full), and at most
 * STATS_CHANNELS_LISTED channels, the hub's own first, then the busiest. Otherwise thirty
 * clients with a thousand long channel names made one snapshot larger than a client's queue,
 * and every dashboard was cut and reconnected forever.
 */
import type { HubStats } from '../../shared/protocol';
import type { ChannelStreams } from './channel-streams';
import type { ChannelEngine } from './engine';
import {
  STATS_CHANNELS_LISTED,
  STATS_CLIENTS_LISTED,
  STATS_SUBSCRIPTIONS_LISTED,
  type ChannelStats,
  type ClientStats,
  type HubCounters,
} from '../../shared/protocol';

/** Fresh zeroed counters. */
export function newCounters(): HubCounters {
  return {
    connections: 0,
    published: 0,
    publishFailures: 0,
    slowConsumers: 0,
    oversize: 0,
    rateLimited: 0,
    rateLimitClosed: 0,
    authFailures: 0,
    originRejected: 0,
    hostRejected: 0,
    capacityRejected: 0,
    unauthenticatedCut: 0,
    badMessages: 0,
    pongTimeouts: 0,
    writeTimeouts: 0,
    operatorDisconnects: 0,
    channelsEvicted: 0,
    retentionEvicted: 0,
    pressureReleased: 0,
    internalErrors: 0,
  };
}

/** A client as the snapshot reads it. */
export interface ClientView {
  readonly id: string;
  readonly userId: string;
  readonly role: ClientStats['role'];
  readonly remote: string;
  readonly connectedAt: string;
  readonly subscriptions: ReadonlyMap<string, unknown>;
  readonly sent: number;
  readonly dropped: number;
  readonly queuedBytes: number;
}

/** One client's entry, its channel names cut to the first few. */
export function clientStats(client: ClientView, node?: string): ClientStats {
  const subscriptions: string[] = [];
  for (const name of client.subscriptions.keys()) {
    if (subscriptions.length >= STATS_SUBSCRIPTIONS_LISTED) break;
    subscriptions.push(name);
  }
  const out: ClientStats = {
    id: client.id,
    userId: client.userId,
    role: client.role,
    remote: client.remote,
    connectedAt: client.connectedAt,
    subscriptions,
    subscriptionCount: client.subscriptions.size,
    sent: client.sent,
    dropped: client.dropped,
    queuedBytes: client.queuedBytes,
  };
  if (node !== undefined) out.node = node;
  return out;
}

/** The first {@link STATS_CLIENTS_LISTED} clients (the oldest connections first). */
export function listClients(clients: Iterable<ClientView>, node?: string): ClientStats[] {
  const out: ClientStats[] = [];
  for (const client of clients) {
    if (out.length >= STATS_CLIENTS_LISTED) break;
    out.push(clientStats(client, node));
  }
  return out;
}

/** The channels to list: the hub's own (`pinned`) first, then the busiest, at most {@link STATS_CHANNELS_LISTED}. */
export function pickChannels(channels: ChannelStats[], pinned: (name: string) => boolean): ChannelStats[] {
  if (channels.length <= STATS_CHANNELS_LISTED) return channels;
  const score = (c: ChannelStats) => (pinned(c.name) ? Infinity : c.ratePerSec * 1000 + c.subscribers);
  return channels.sort((a, b) => score(b) - score(a)).slice(0, STATS_CHANNELS_LISTED);
}

/** A channel's numbers as the hub knows them, before its rate is added. */
export type ChannelFactsNamed = Omit<ChannelStats, 'ratePerSec'>;

/**
 * Publication rates per channel, measured from `seq` deltas between snapshots at least a second
 * apart, so that reading statistics often costs nothing per message.
 */
export class RateMeter {
  private readonly marks = new Map<string, { seq: number; at: number; rate: number }>();

  /** Channel facts with their rates; forgets channels that are gone. */
  measure(channels: readonly ChannelFactsNamed[], now: number = performance.now()): ChannelStats[] {
    const seen = new Set<string>();
    const out = channels.map((c): ChannelStats => {
      seen.add(c.name);
      let mark = this.marks.get(c.name);
      if (!mark || mark.seq > c.seq) {
        mark = { seq: c.seq, at: now, rate: 0 };
        this.marks.set(c.name, mark);
      } else if (now - mark.at >= 1000) {
        mark.rate = Math.round(((c.seq - mark.seq) * 1000 * 10) / (now - mark.at)) / 10;
        mark.seq = c.seq;
        mark.at = now;
      }
      return { ...c, ratePerSec: mark.rate };
    });
    if (this.marks.size > seen.size) for (const name of this.marks.keys()) if (!seen.has(name)) this.marks.delete(name);
    return out;
  }
}

/** What a snapshot is made of. */
export interface SnapshotParts {
  engine: ChannelEngine;
  streams: ChannelStreams;
  clients: ReadonlyMap<string, ClientView>;
  queuedBytes: number;
  /** The hub's counters (the engine's own are added). */
  counters: HubCounters;
  rates: RateMeter;
  /** The hub's own channels, listed first. */
  pinned: (channel: string) => boolean;
  /** Fields a shared engine adds (`node`, `nodes`). */
  extra: Partial<Pick<HubStats, 'node' | 'nodes'>>;
}

/** A statistics snapshot: every channel the engine or this node knows, bounded lists. */
export function snapshot(parts: SnapshotParts): HubStats {
  const { engine, streams, extra } = parts;
  const names = new Set(engine.channelNames());
  for (const stream of streams.all()) names.add(stream.name);
  const facts = [...names].map((name) => {
    const known = engine.describe(name);
    const stream = streams.get(name);
    return {
      name,
      subscribers: stream?.subscribers.size ?? 0,
      seq: known?.seq ?? stream?.seq ?? 0,
      epoch: known?.epoch ?? stream?.epoch ?? '',
      retained: known?.retained ?? 0,
      retainedBytes: known?.retainedBytes ?? 0,
    };
  });
  const engineCounters = engine.counters();
  const clientList = listClients(parts.clients.values(), extra.node);
  return {
    clients: parts.clients.size,
    channels: facts.length,
    queuedBytes: parts.queuedBytes,
    clientList,
    channelList: pickChannels(parts.rates.measure(facts), parts.pinned),
    counters: { ...parts.counters, channelsEvicted: engineCounters.channelsEvicted, retentionEvicted: engineCounters.retentionEvicted },
    engine: engine.health(),
    ...extra,
  };
}
