/**
 * The channel engine seam (house rule 12, centrifuge's `Broker`): what must be shared when
 * several hubs serve the same channels. It numbers publications (`seq`, per channel, from 1,
 * growing by exactly 1), keeps each channel's `epoch` and bounded history, and hands every
 * publication of a channel this node subscribed to back through one handler, local or not.
 *
 * Everything here is asynchronous, so that an engine on a server (Redis) implements it as well as
 * the in-memory default. The engine never looks inside a payload: the hub encodes a message once
 * (without its `seq`) and builds the wire frame from the payload and the `seq` the engine gave
 * it (wire-frame.ts). Local fan-out to connections, recovery per client and encoding are the hub's.
 *
 * Order: publications of one channel reach the handler in `seq` order, but an engine whose
 * transport may lose them (Redis pub/sub is at most once) may skip some: the hub detects the jump
 * and reads the missing ones from history (channel-streams.ts), so an engine need not be perfect,
 * only honest in its history.
 */
import type { EngineHealth } from '../../shared/protocol';

/** Where a channel's stream stands: its latest `seq` (0 before the first publication) and epoch. */
export interface StreamPosition {
  readonly seq: number;
  readonly epoch: string;
}

/** One publication: its `seq` and the payload as the publisher handed it over. */
export interface Publication {
  readonly seq: number;
  readonly data: Buffer;
}

/** How much history a channel keeps; travels with every publish, so each channel may differ. */
export interface RetentionLimits {
  /** Most messages kept. */
  maxMessages: number;
  /** Most bytes kept (payload bytes). */
  maxBytes: number;
}

/** Options of one publish. */
export interface PublishOptions {
  /** The channel's retention. */
  retention: RetentionLimits;
  /** A hub channel (`processes`, `process:*`, `hub:*`, `alerts`, `audit`): never evicted to make room. */
  pinned?: boolean;
}

/** A history read: publications with `seq > since`, oldest first. */
export interface HistoryRequest {
  since: number;
  /** Most publications returned (0 reads only the position). */
  limit: number;
  /** Most payload bytes returned; at least one publication is returned when any is due. Default unbounded. */
  maxBytes?: number;
}

/** The answer to a history read. */
export interface HistoryPage {
  /** The channel's position at the time of the read. */
  position: StreamPosition;
  /** `seq` of the oldest publication retained (`position.seq + 1` when none is). */
  firstSeq: number;
  /** At most `limit` publications with `seq > since`, oldest first, consecutive. */
  publications: Publication[];
}

/** What an engine calls back. */
export interface EngineEvents {
  /**
   * Publications of a channel this node subscribed to, in `seq` order, tagged with the epoch they
   * belong to. A local engine calls it before its `publish` promise settles.
   */
  publications(channel: string, epoch: string, publications: readonly Publication[]): void;
  /** The engine's health changed (a shared engine lost or found its server). */
  health?(health: EngineHealth): void;
}

/** A channel's numbers, as far as an engine knows them without I/O. */
export interface ChannelFacts {
  seq: number;
  epoch: string;
  /** Messages retained. */
  retained: number;
  /** Bytes retained. */
  retainedBytes: number;
}

/** Counters of what an engine dropped on purpose. */
export interface EngineCounters {
  /** Channels removed because the channel cap was reached (oldest unpinned, unsubscribed first). */
  channelsEvicted: number;
  /** Retained messages removed to hold the engine's global retention budget. */
  retentionEvicted: number;
}

/** A publish the engine refused because no channel slot could be freed. */
export class ChannelLimitError extends Error {
  constructor(limit: number) {
    super(`too many channels (limit ${limit})`);
    this.name = 'ChannelLimitError';
  }
}

/** The interface every channel engine implements (see the file comment). */
export interface ChannelEngine {
  /** `memory`, `redis`, ... */
  readonly kind: string;
  /** Attach the handler and connect; called once, before anything else. */
  start(events: EngineEvents): Promise<void>;
  /**
   * Append payloads to a channel as consecutive publications (one `seq` each, in order) and
   * deliver them to every node subscribed to it. Resolves with the position of the last one.
   * Rejects with {@link ChannelLimitError} or the engine's own failure; nothing is numbered then.
   */
  publish(channel: string, payloads: readonly Buffer[], options: PublishOptions): Promise<StreamPosition>;
  /** Read retained history. A channel never published to answers seq 0 and a fresh epoch. */
  history(channel: string, request: HistoryRequest): Promise<HistoryPage>;
  /** This node wants `channel`'s publications through {@link EngineEvents.publications}. Counted: subscribe twice, unsubscribe twice. */
  subscribe(channel: string, options?: Pick<PublishOptions, 'pinned'>): Promise<void>;
  /** Undo one {@link subscribe}. */
  unsubscribe(channel: string): Promise<void>;
  /** What this engine knows of a channel without I/O (statistics); undefined when it knows nothing. */
  describe(channel: string): ChannelFacts | undefined;
  /** Every channel this engine can describe (statistics); a shared engine lists what this node has seen. */
  channelNames(): string[];
  /**
   * How often the hub should compare each subscribed channel's position with what it delivered,
   * ms: for engines whose publications may be lost in transit; 0 when they never are.
   */
  readonly positionCheckMs: number;
  /**
   * A local client that may hold the producers is catching up (congestion.ts): stop taking other
   * nodes' publications until released, so that they wait in the engine (Redis's buffer for this
   * node) rather than in that client's queue, which would pass its bound and cut it. Engines of
   * one node leave it out: their producers are this node's, already held.
   */
  holdIntake?(held: boolean): void;
  /** The engine's health now. */
  health(): EngineHealth;
  /** What it dropped on purpose. */
  counters(): EngineCounters;
  /** Release everything; safe to call twice. */
  close(): Promise<void>;
}
