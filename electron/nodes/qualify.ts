/**
 * Rewriting what the supervisor, the store and the alerts say (bare ids) into what a shared engine
 * shows (`<id>@<node>`, CONTRACT.md "Several machines, one dashboard"), and the unreachable form
 * of a process whose node is gone.
 */
import { parseProcessRef, qualifyProcessId, type LogLine, type ProcessInfo, type ProcessStatusData, type RunInfo } from '../../shared/protocol';

/** A process list item of this node, qualified. */
export function qualifyInfo(info: ProcessInfo, node: string): ProcessInfo {
  return {
    ...info,
    id: qualifyProcessId(info.id, node),
    node,
    ...(info.waitingFor ? { waitingFor: info.waitingFor.map((id) => qualifyProcessId(id, node)) } : {}),
    ...(info.dependsOn ? { dependsOn: info.dependsOn.map((d) => ({ ...d, id: qualifyProcessId(d.id, node) })) } : {}),
  };
}

/** A status of this node's process, qualified (the ids it waits for are this node's too). */
export function qualifyStatus(data: ProcessStatusData, node: string): ProcessStatusData {
  return data.waitingFor ? { ...data, waitingFor: data.waitingFor.map((id) => qualifyProcessId(id, node)) } : data;
}

/** A process of a node that is gone: what was last known, with `unreachable` and nothing live. */
export function unreachableInfo(info: ProcessInfo, node: string, seenAt: string): ProcessInfo {
  const { pid: _pid, cpuPercent: _cpu, memoryBytes: _mem, ports: _ports, killAt: _kill, delayMs: _delay, ...rest } = info;
  return { ...rest, status: 'unreachable', node, paused: false, reason: unreachableReason(node, seenAt) };
}

/** Why a process is unreachable. */
export function unreachableReason(node: string, seenAt: string): string {
  return `node ${node} is unreachable (last heartbeat ${seenAt})`;
}

/** The bare id of a qualified one on `node`, or undefined when it names another node (or none). */
export function localId(ref: string, node: string): string | undefined {
  const parsed = parseProcessRef(ref);
  return parsed?.node === node ? parsed.id : undefined;
}

/**
 * A stored line of this node, qualified, with a cursor that also carries its node and time, so
 * that a page across nodes can go on from it (merged-logs.ts).
 */
export function qualifyLine(line: LogLine, node: string): LogLine {
  return {
    ...line,
    process: qualifyProcessId(line.process, node),
    ...(line.cursor !== undefined ? { cursor: encodeNodeCursor(node, timeOf(line.time), line.cursor) } : {}),
  };
}

/** A run of this node's process, qualified. */
export function qualifyRun(run: RunInfo, node: string): RunInfo {
  return { ...run, process: qualifyProcessId(run.process, node) };
}

/** A line's time in ms (0 when unreadable). */
export function timeOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
}

/** A position across nodes: the node, the line's time, the node's own cursor. */
export interface NodeCursor {
  node: string;
  time: number;
  cursor: string;
}

/** `<node>~<time base 36>~<cursor>`. */
export function encodeNodeCursor(node: string, time: number, cursor: string): string {
  return `${node}~${time.toString(36)}~${cursor}`;
}

/** Read a cursor of {@link encodeNodeCursor}; undefined when it is something else (an ISO time). */
export function decodeNodeCursor(value: string): NodeCursor | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,62})~([0-9a-z]{1,12})~(.{1,100})$/.exec(value);
  if (!m) return undefined;
  const time = parseInt(m[2] as string, 36);
  return Number.isSafeInteger(time) ? { node: m[1] as string, time, cursor: m[3] as string } : undefined;
}
