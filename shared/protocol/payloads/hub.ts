/**
 * What crosses the wire about the hub itself: roles, identities and the statistics snapshot of
 * `hub.stats`, `hub:stats` and `/api/stats` (CONTRACT.md, "Statistics").
 */
import { z } from 'zod';

/** Operators may publish and control processes; viewers only subscribe and read. */
export const RoleSchema = z.enum(['operator', 'viewer']);
export type Role = z.infer<typeof RoleSchema>;

/** Most channel names listed per client in a snapshot; `subscriptionCount` has the full count. */
export const STATS_SUBSCRIPTIONS_LISTED = 10;
/** Most channels listed in a snapshot (the busiest and the hub's own first); `channels` has the full count. */
export const STATS_CHANNELS_LISTED = 200;
/** Most clients listed in a snapshot; `clients` has the full count. */
export const STATS_CLIENTS_LISTED = 100;

/** One client in a snapshot. */
export const ClientStatsSchema = z.strictObject({
  /** The id `hub.disconnect` takes. */
  id: z.string(),
  userId: z.string(),
  role: RoleSchema,
  /** Peer address and port. */
  remote: z.string(),
  /** RFC 3339 time of the connection. */
  connectedAt: z.string(),
  /** Channel names, at most {@link STATS_SUBSCRIPTIONS_LISTED} (each at most 200 characters). */
  subscriptions: z.array(z.string()),
  /** How many channels it is subscribed to. */
  subscriptionCount: z.number().int(),
  /** Messages written to the client. */
  sent: z.number().int(),
  /** Inbound messages refused (rate limit). Outbound messages are never dropped while connected. */
  dropped: z.number().int(),
  /** Bytes queued for the client (JS queue plus socket buffer). */
  queuedBytes: z.number().int(),
  /** On a shared engine: the node the client is connected to. */
  node: z.optional(z.string()),
});
export type ClientStats = z.infer<typeof ClientStatsSchema>;

/** One channel in a snapshot. */
export const ChannelStatsSchema = z.strictObject({
  name: z.string(),
  /** Local subscribers. */
  subscribers: z.number().int(),
  /** Latest `seq`. */
  seq: z.number().int(),
  epoch: z.string(),
  /** Messages retained (as far as this node knows; an engine may not say). */
  retained: z.number().int(),
  retainedBytes: z.number().int(),
  /** Messages per second published, over the last second or more. */
  ratePerSec: z.number(),
});
export type ChannelStats = z.infer<typeof ChannelStatsSchema>;

/** Counters of everything the hub refused, dropped or closed on purpose. */
export const HubCountersSchema = z.strictObject({
  /** Connections accepted since start. */
  connections: z.number().int(),
  /** Channel messages published. */
  published: z.number().int(),
  /** Publishes the engine refused or lost (also reported where they happened: a process's `skipped`, an `error`). */
  publishFailures: z.number().int(),
  /** Clients closed with 4008 (queue past the bound). */
  slowConsumers: z.number().int(),
  /** Clients closed with 1009 (frame over the size limit). */
  oversize: z.number().int(),
  /** Inbound messages refused by the rate limiter. */
  rateLimited: z.number().int(),
  /** Clients closed with 4029 (persistent rate-limit abuse). */
  rateLimitClosed: z.number().int(),
  /** Upgrades refused with 401. */
  authFailures: z.number().int(),
  /** Upgrades refused with 403 for their Origin. */
  originRejected: z.number().int(),
  /** Requests and upgrades refused with 403 for their Host. */
  hostRejected: z.number().int(),
  /** Upgrades refused with 503 (too many clients). */
  capacityRejected: z.number().int(),
  /** Connections cut before they authenticated (per-address and total caps, silent sockets). */
  unauthenticatedCut: z.number().int(),
  /** Inbound messages answered with an error (malformed, unknown, forbidden). */
  badMessages: z.number().int(),
  /** Clients terminated for not answering pings within the pong timeout. */
  pongTimeouts: z.number().int(),
  /** Clients terminated because their socket took no data within the write timeout. */
  writeTimeouts: z.number().int(),
  /** Clients closed by `hub.disconnect` (4000). */
  operatorDisconnects: z.number().int(),
  /** Channels dropped at the channel cap (oldest idle client channel first; the hub's own are never dropped). */
  channelsEvicted: z.number().int(),
  /** Retained messages dropped to hold the global retention budget (oldest client channels first). */
  retentionEvicted: z.number().int(),
  /** Times a client that stopped reading was released from holding the processes' output. */
  pressureReleased: z.number().int(),
  /** Failures of the hub's own code while handling a client (the client is closed with 1011). */
  internalErrors: z.number().int(),
});
export type HubCounters = z.infer<typeof HubCountersSchema>;

/** The channel engine's state, as the hub panel shows it. */
export const EngineHealthSchema = z.strictObject({
  /** `memory`, or `redis`. */
  kind: z.string(),
  /** False while a shared engine cannot be reached (publishes are buffered up to a bound). */
  up: z.boolean(),
  /** What is wrong, when `up` is false. */
  reason: z.optional(z.string()),
  /** Publishes waiting for the engine. */
  buffered: z.optional(z.number().int()),
  /** Publishes given up for good (reported to subscribers as gaps). */
  lost: z.optional(z.number().int()),
});
export type EngineHealth = z.infer<typeof EngineHealthSchema>;

/** A node sharing the engine (several machines). */
export const NodeInfoSchema = z.strictObject({
  name: z.string(),
  /** Whether it sent a heartbeat recently. */
  up: z.boolean(),
  /** Clients connected to it. */
  clients: z.number().int(),
  /** Processes it runs. */
  processes: z.number().int(),
  /** RFC 3339 time of its last heartbeat. */
  seenAt: z.string(),
  /** Whether it is the node answering. */
  self: z.boolean(),
});
export type NodeInfo = z.infer<typeof NodeInfoSchema>;

/** A statistics snapshot: `hub.stats`, `hub:stats` and `/api/stats`. Bounded whatever clients do. */
export const HubStatsSchema = z.strictObject({
  /** Connected clients (the seed's field). */
  clients: z.number().int(),
  /** Channels with subscribers or retained history (the seed's field). */
  channels: z.number().int(),
  /** Bytes waiting in the hub's own queues for all clients. */
  queuedBytes: z.number().int(),
  /** At most {@link STATS_CLIENTS_LISTED} clients. */
  clientList: z.array(ClientStatsSchema),
  /** At most {@link STATS_CHANNELS_LISTED} channels: the hub's own, then the busiest. */
  channelList: z.array(ChannelStatsSchema),
  counters: HubCountersSchema,
  engine: EngineHealthSchema,
  /** On a shared engine: every node seen. */
  nodes: z.optional(z.array(NodeInfoSchema)),
  /** This hub's node name on a shared engine. */
  node: z.optional(z.string()),
});
export type HubStats = z.infer<typeof HubStatsSchema>;

/** Who the caller is (`hub.whoami`). */
export const WhoAmISchema = z.strictObject({
  clientId: z.string(),
  userId: z.string(),
  role: RoleSchema,
  /** RFC 3339 time the browser session ends (absent for tokens). */
  sessionExpiresAt: z.optional(z.string()),
});
export type WhoAmI = z.infer<typeof WhoAmISchema>;
