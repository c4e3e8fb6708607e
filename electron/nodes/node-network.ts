/**
 * What the node router (node-router.ts) needs from the machinery that connects nodes: who else is
 * there and what they run, requests to another node, and news of nodes that left. The Redis
 * implementation is `electron/engines/redis/redis-nodes.ts`; the router does not know it.
 */
import type { ErrorCode, ProcessInfo, Role } from '../../shared/protocol';

/** Another node as this one knows it. */
export interface PeerState {
  name: string;
  /** Its heartbeat holds. */
  up: boolean;
  /** Its processes as it last announced them (qualified ids). */
  processes: ProcessInfo[];
  /** Clients connected to it. */
  clients: number;
  /** RFC 3339 time of its last heartbeat seen. */
  seenAt: string;
}

/** What a node announces about itself with every heartbeat. */
export interface SelfState {
  /** Its processes (qualified ids). */
  processes: ProcessInfo[];
  clients: number;
}

/** Who made a request that another node runs. */
export interface Caller {
  clientId: string;
  userId: string;
  role: Role;
}

/** A request to another node. */
export interface NodeRequest {
  method: string;
  params: unknown;
  caller: Caller;
}

/** A request that failed with a code (`unavailable`, `timeout`, or the method's own). */
export class NodeCallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NodeCallError';
  }
}

/** See the file comment. */
export interface NodeNetwork {
  /** This node's name. */
  readonly self: string;
  /** Join: announce this node (its state read from `state` at every heartbeat), answer requests with `serve`. */
  start(state: () => SelfState, serve: (request: NodeRequest) => Promise<unknown>): Promise<void>;
  /** Every other node known, up or not, by name. */
  peers(): PeerState[];
  /** This node's state changed (its process list): announce it now rather than at the next heartbeat. */
  changed(): void;
  /** Run a request on another node; rejects with {@link NodeCallError} (`unavailable` when it is gone, `timeout`). */
  call(node: string, request: NodeRequest, timeoutMs?: number): Promise<unknown>;
  /** Hear of every change of the peers (a list, a node up or down). */
  onChange(listener: () => void): void;
  /**
   * Hear of a node that is gone. `announce` is true on exactly one node per departure, which
   * publishes the `unreachable` statuses, so that they are published once.
   */
  onGone(listener: (peer: PeerState, announce: boolean) => void): void;
  /** Leave (the others see this node as gone at once); safe to call twice. */
  close(): Promise<void>;
}
