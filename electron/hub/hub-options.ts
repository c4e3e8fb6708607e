/** The hub's options, their defaults and its close codes. */
import type { IncomingMessage } from 'node:http';
import type { HubStats } from '../../shared/protocol';
import type { AuthResult, Authenticator, TokenIdentity } from './auth';
import type { ClientConnection } from './client-connection';
import type { ChannelEngine, RetentionLimits } from './engine';
import type { CallRecord } from './methods';
import type { RateLimitOptions } from './rate-limit';

/** WebSocket close codes the hub uses. */
export const CloseCode = {
  /** The hub is closing. */
  goingAway: 1001,
  /** An inbound frame was larger than `maxPayload` (ws closes with it). */
  messageTooBig: 1009,
  /** The hub failed while handling the client's message (a bug; counted as `internalErrors`). */
  internalError: 1011,
  /** An operator closed the connection (`hub.disconnect`). */
  byOperator: 4000,
  /** The client fell behind past `maxQueueBytes`: reconnect and resubscribe with `since`. */
  slowConsumer: 4008,
  /** The client kept sending past its rate limit. */
  rateLimited: 4029,
} as const;

/** Options of the {@link Hub}. Every one is optional. */
export interface HubOptions {
  /** Bearer tokens (header or `bearer.` subprotocol): token → user id (operator) or identity. Default none. */
  tokens?: Record<string, string | TokenIdentity>;
  /**
   * A further authenticator (the seed's), consulted when the hub's own credentials (tokens,
   * session cookie) do not hold. Its role defaults to `viewer`. Default none.
   */
  authenticator?: Authenticator;
  /** Called for every upgrade refused with 401 (never given the credential). Default none. */
  onAuthFailure?: (req: IncomingMessage, result: AuthResult) => void;
  /** Called when a client connected. Default none. */
  onConnect?: (client: ClientConnection) => void;
  /** Called when a client is gone. Default none. */
  onDisconnect?: (client: ClientConnection) => void;
  /**
   * Called when a method handler fails with something other than a MethodError, or when the hub
   * itself fails on a client's message (`method` is then `(receive)`). Default none.
   */
  onMethodError?: (method: string, err: unknown) => void;
  /** Hears of every answered call to a registered method (the audit trail). Default none. */
  onMethodCall?: (record: CallRecord) => void;
  /** Hears of every failure of the channel engine (a publish, a history read). Default none. */
  onEngineError?: (err: unknown) => void;
  /** The hub's port for the Host/Origin checks. Default: the port each request arrived on. */
  port?: number;
  /** Hosts accepted besides the loopback ones (`name` or `name:port`). Default none. */
  allowedHosts?: readonly string[];
  /** Origins accepted besides the hub's own (`http://127.0.0.1:PORT` and friends). Default none. */
  allowedOrigins?: readonly string[];
  /** Start of a login link, the ticket is appended. Default `http://127.0.0.1:PORT/login?ticket=`. */
  loginUrlBase?: () => string;
  /** Server ping interval, ms. Default 30,000. */
  heartbeatIntervalMs?: number;
  /** A client silent for this long is terminated, ms; must exceed the heartbeat. Default 60,000. */
  pongTimeoutMs?: number;
  /** A socket that takes no data for this long is terminated, ms. Default 10,000. */
  writeTimeoutMs?: number;
  /** Largest inbound frame, bytes; larger closes the client with 1009. Default 65,536. */
  maxPayload?: number;
  /** Bytes queued for one client before it is closed as a slow consumer (4008). Default 4 MiB. */
  maxQueueBytes?: number;
  /** Bytes a socket may buffer before the rest waits in the hub's queue. Default 256 KiB. */
  socketHighWaterBytes?: number;
  /** Largest batched frame for `switchyard.v1` clients, bytes. Default 64 KiB. */
  maxBatchBytes?: number;
  /** Bytes queued for all clients together; past it the largest queue is cut as a slow consumer (4008). Default 256 MiB. */
  maxTotalQueueBytes?: number;
  /** A client holding the producers (congestion.ts) whose socket took nothing for this long is released, ms. Default 500. */
  holdStallMs?: number;
  /** How long a released client's identity may not hold the producers again, ms. Default 30,000. */
  holdPenaltyMs?: number;
  /** Retention per channel. Default 10,000 messages or 8 MiB, whichever is reached first. */
  retention?: Partial<RetentionLimits>;
  /** Bytes retained by all channels together (the default engine's global budget). Default 512 MiB. */
  maxRetainedBytes?: number;
  /**
   * Most client channels: the default engine drops the oldest one no node subscribes to past it,
   * and no more channels than this may have subscribers on this node. The hub's own channels are
   * never counted, dropped or refused. Default 10,000.
   */
  maxChannels?: number;
  /** How long a browser session lasts, ms. Default 24 hours. */
  sessionTtlMs?: number;
  /** Most subscriptions per client. Default 1,000. */
  maxSubscriptionsPerClient?: number;
  /** Most connected clients; further upgrades get 503. Default 10,000. */
  maxClients?: number;
  /** Inbound rate limit per client. Default 200 messages/s, bursts of 400, closed after 200 refusals in a row. */
  rateLimit?: RateLimitOptions;
  /** Interval of `hub:stats` snapshots while anyone is subscribed, ms. Default 1,000. */
  statsIntervalMs?: number;
  /** The channel engine. Default a new in-memory engine built from `maxChannels` and `maxRetainedBytes`. */
  engine?: ChannelEngine;
  /** On a shared engine: this node's name and every node seen, added to each statistics snapshot. Default none. */
  statsExtra?: () => Pick<HubStats, 'node' | 'nodes'>;
}

/** The defaults of the numeric options. */
export const DEFAULTS = {
  heartbeatIntervalMs: 30_000,
  pongTimeoutMs: 60_000,
  writeTimeoutMs: 10_000,
  maxPayload: 64 * 1024,
  maxQueueBytes: 4 * 1024 * 1024,
  socketHighWaterBytes: 256 * 1024,
  maxBatchBytes: 64 * 1024,
  maxTotalQueueBytes: 256 * 1024 * 1024,
  holdStallMs: 500,
  holdPenaltyMs: 30_000,
  maxChannels: 10_000,
  maxSubscriptionsPerClient: 1000,
  maxClients: 10_000,
  statsIntervalMs: 1000,
} as const;

/** The numeric options with their defaults applied and checked. */
export type ResolvedLimits = { -readonly [K in keyof typeof DEFAULTS]: number };

/** Apply defaults; misuse throws a RangeError at once. */
export function resolveLimits(options: HubOptions): ResolvedLimits {
  const out = {} as ResolvedLimits;
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[key] ?? DEFAULTS[key];
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new RangeError(`${key} must be a positive number`);
    out[key] = value;
  }
  if (out.pongTimeoutMs <= out.heartbeatIntervalMs) throw new RangeError('pongTimeoutMs must be greater than heartbeatIntervalMs');
  return out;
}
