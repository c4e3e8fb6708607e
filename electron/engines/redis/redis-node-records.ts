/**
 * What the nodes read from Redis about each other (redis-nodes.ts), parsed defensively: whoever can
 * write to the Redis can write anything there, so a malformed record or request is ignored.
 */
import { isValidNodeName, RoleSchema, type ProcessInfo } from '../../../shared/protocol';
import type { NodeRequest } from '../../nodes/node-network';

/** A node's record (the `info` field of its HASH). */
export interface NodeRecordInfo {
  incarnation: string;
  clients: number;
  version: number;
  seenAt: string;
}

/** A node's record, or undefined when it is not one. */
export function parseInfo(raw: unknown): NodeRecordInfo | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const info = JSON.parse(raw) as Partial<NodeRecordInfo>;
    if (typeof info.incarnation !== 'string' || typeof info.version !== 'number' || typeof info.seenAt !== 'string') return undefined;
    return { incarnation: info.incarnation, version: info.version, seenAt: info.seenAt, clients: typeof info.clients === 'number' ? info.clients : 0 };
  } catch {
    return undefined;
  }
}

/** A node's process list, or undefined when it is not one (entries without an id dropped). */
export function parseList(raw: unknown): ProcessInfo[] | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? (list.filter((p) => p && typeof p === 'object' && typeof (p as ProcessInfo).id === 'string') as ProcessInfo[]) : undefined;
  } catch {
    return undefined;
  }
}

/** A request to a node, as it travels on the node's pub/sub channel. */
export interface WireRequest {
  id: string;
  from: string;
  method: string;
  params: unknown;
  caller: NodeRequest['caller'];
}

/** A request, or undefined when it is malformed (its caller's ids cut to 200 characters). */
export function parseRequest(raw: string): WireRequest | undefined {
  let r: Partial<WireRequest>;
  try {
    r = JSON.parse(raw) as Partial<WireRequest>;
  } catch {
    return undefined;
  }
  const caller = r.caller as Partial<NodeRequest['caller']> | undefined;
  if (typeof r.id !== 'string' || r.id.length > 100 || !isValidNodeName(r.from) || typeof r.method !== 'string' || r.method.length > 100) return undefined;
  if (!caller || typeof caller.clientId !== 'string' || typeof caller.userId !== 'string' || !RoleSchema.safeParse(caller.role).success) return undefined;
  return { id: r.id, from: r.from, method: r.method, params: r.params, caller: { clientId: caller.clientId.slice(0, 200), userId: caller.userId.slice(0, 200), role: caller.role as 'operator' | 'viewer' } };
}
