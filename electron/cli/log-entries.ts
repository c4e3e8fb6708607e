/**
 * Output lines as `switchyard logs` handles them, from either source (stored lines of `logs.read`,
 * or retained `process_output` messages), and the two rules applied to them: the progress rule
 * (a line whose data starts with `\r` replaces the previous line of its process; see the README)
 * and the merge of several processes in time order, each process's own order kept.
 */
import { replacesPrevious, visibleText } from '../../shared/logs/progress-rule';
import type { Message } from '../../shared/protocol';
import type { LogLine, RunInfo } from '../../shared/protocol/payloads/logs';

/** One output line. */
export interface LogEntry {
  process: string;
  /** When it was read, ms since the epoch (NaN when unknown: it then sorts with its neighbours). */
  time: number;
  stream: 'stdout' | 'stderr';
  data: string;
  /** The run of its process, when known (stored lines). */
  run?: number;
  /** The store's paging position. */
  cursor?: string;
}

/** An entry from a stored line. */
export function entryFromLine(line: LogLine): LogEntry {
  const entry: LogEntry = { process: line.process, time: Date.parse(line.time), stream: line.stream, data: line.data, run: line.run };
  if (line.cursor !== undefined) entry.cursor = line.cursor;
  return entry;
}

/** An entry from a `process_output` message, or undefined for any other message. */
export function entryFromMessage(message: Message, process: string): LogEntry | undefined {
  if (message.type !== 'process_output' || typeof message.data !== 'string') return undefined;
  const stream = (message as { stream?: unknown }).stream === 'stderr' ? 'stderr' : 'stdout';
  return { process, time: message.timestamp ? Date.parse(message.timestamp) : NaN, stream, data: message.data };
}

/** Apply the progress rule: each `\r` line replaces the previous line of the same process (or stands alone). Entries in each process's order. */
export function collapseProgress(entries: readonly LogEntry[]): LogEntry[] {
  const out: LogEntry[] = [];
  const lastOf = new Map<string, number>();
  for (const entry of entries) {
    if (replacesPrevious(entry.data)) {
      const replaced = { ...entry, data: visibleText(entry.data) };
      const at = lastOf.get(entry.process);
      if (at !== undefined) {
        out[at] = replaced;
        continue;
      }
      lastOf.set(entry.process, out.push(replaced) - 1);
      continue;
    }
    lastOf.set(entry.process, out.push(entry) - 1);
  }
  return out;
}

/** Merge lists (each in its own order) into one in time order; on equal times, and around unknown times, the lists' own order holds. */
export function mergeByTime(lists: readonly (readonly LogEntry[])[]): LogEntry[] {
  const heads = lists.map(() => 0);
  const out: LogEntry[] = [];
  const total = lists.reduce((n, l) => n + l.length, 0);
  while (out.length < total) {
    let best = -1;
    let bestTime = Infinity;
    for (let i = 0; i < lists.length; i++) {
      const entry = (lists[i] as readonly LogEntry[])[heads[i] as number];
      if (!entry) continue;
      const time = Number.isNaN(entry.time) ? -Infinity : entry.time;
      if (best === -1 || time < bestTime) {
        best = i;
        bestTime = time;
      }
    }
    out.push((lists[best] as readonly LogEntry[])[heads[best] as number] as LogEntry);
    heads[best] = (heads[best] as number) + 1;
  }
  return out;
}

/** Group entries by process, each group in the given order. */
export function byProcess(entries: readonly LogEntry[]): LogEntry[][] {
  const groups = new Map<string, LogEntry[]>();
  for (const entry of entries) {
    let group = groups.get(entry.process);
    if (!group) groups.set(entry.process, (group = []));
    group.push(entry);
  }
  return [...groups.values()];
}

/**
 * The separator printed before the first line of each run of a process, as the dashboard draws it:
 * `run 3 · started 18:20:01 · exited 1` (`· running` while it runs).
 */
export function runSeparator(run: RunInfo): string {
  const clock = (iso: string) => new Date(iso).toTimeString().slice(0, 8);
  const end = run.endedAt === undefined ? 'running' : run.signal ? `killed by ${run.signal}` : run.exitCode !== undefined ? `exited ${run.exitCode}` : 'ended';
  return `run ${run.run} · started ${clock(run.startedAt)} · ${end}`;
}
