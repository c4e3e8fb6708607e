/** The hub's statistics (CONTRACT.md, "Statistics"): the snapshot shape, counters and channel rates. */
import type { ChannelInfo } from './engine';
import type { Role } from './types';

/** One client in a snapshot. */
export interface ClientStats {
  /** The id `hub.disconnect` takes. */
  id: string;
  userId: string;
  role: Role;
  /** Peer address and port. */
  remote: string;
  /** RFC 3339 time of the connection. */
  connectedAt: string;
  /** Channel names. */
  subscriptions: string[];
  /** Messages written to the client. */
  sent: number;
  /** Inbound messages refused (rate limit). Outbound messages are never dropped while connected. */
  dropped: number;
  /** Bytes queued for the client (JS queue plus socket buffer). */
  queuedBytes: number;
}

/** One channel in a snapshot: the engine's view plus its publication rate. */
export interface ChannelStats extends ChannelInfo {
  /** Messages per second published, over the last second or more. */
  ratePerSec: number;
}

/** Counters of everything the hub refused, dropped or closed on purpose. */
export interface HubCounters {
  /** Connections accepted since start. */
  connections: number;
  /** Channel messages published. */
  published: number;
  /** Clients closed with 4008 (queue past the bound). */
  slowConsumers: number;
  /** Clients closed with 1009 (frame over the size limit). */
  oversize: number;
  /** Inbound messages refused by the rate limiter. */
  rateLimited: number;
  /** Clients closed with 4029 (persistent rate-limit abuse). */
  rateLimitClosed: number;
  /** Upgrades refused with 401. */
  authFailures: number;
  /** Upgrades refused with 403 for their Origin. */
  originRejected: number;
  /** Upgrades refused with 403 for their Host. */
  hostRejected: number;
  /** Upgrades refused with 503 (too many clients). */
  capacityRejected: number;
  /** Inbound messages answered with an error (malformed, unknown, forbidden). */
  badMessages: number;
  /** Clients terminated for not answering pings within the pong timeout. */
  pongTimeouts: number;
  /** Clients terminated because their socket took no data within the write timeout. */
  writeTimeouts: number;
  /** Clients closed by `hub.disconnect` (4000). */
  operatorDisconnects: number;
  /** Channels dropped at the channel cap (oldest idle first). */
  channelsEvicted: number;
  /** Failures of the hub's own code while handling a client (the client is closed with 1011). */
  internalErrors: number;
}

/** A statistics snapshot: `hub.stats`, `hub:stats` and `/api/stats`. */
export interface HubStats {
  /** Connected clients (the seed's field). */
  clients: number;
  /** Channels with subscribers or retained history (the seed's field). */
  channels: number;
  /** Bytes waiting in the hub's own queues for all clients (socket buffers not included; see clientList). */
  queuedBytes: number;
  clientList: ClientStats[];
  channelList: ChannelStats[];
  counters: HubCounters;
}

/** Fresh zeroed counters. */
export function newCounters(): HubCounters {
  return {
    connections: 0,
    published: 0,
    slowConsumers: 0,
    oversize: 0,
    rateLimited: 0,
    rateLimitClosed: 0,
    authFailures: 0,
    originRejected: 0,
    hostRejected: 0,
    capacityRejected: 0,
    badMessages: 0,
    pongTimeouts: 0,
    writeTimeouts: 0,
    operatorDisconnects: 0,
    channelsEvicted: 0,
    internalErrors: 0,
  };
}

/**
 * Publication rates per channel, measured from `seq` deltas between snapshots at least a second
 * apart, so that reading statistics often costs nothing per message.
 */
export class RateMeter {
  private readonly marks = new Map<string, { seq: number; at: number; rate: number }>();

  /** Channel infos with their rates; forgets channels that are gone. */
  measure(channels: readonly ChannelInfo[], now: number = performance.now()): ChannelStats[] {
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
