/**
 * The backlog of `switchyard logs` from the instance's store (`logs.read`): pages read backwards
 * from now (each page oldest first, the one just before the previous), until the lines asked for
 * are there, the `--since` time is passed, or the store has no more.
 */
import type { RunInfo } from '../../shared/protocol/payloads/logs';
import { collapseProgress, entryFromLine, type LogEntry } from './log-entries';
import { matches } from './log-printer';
import type { HubSession } from './hub-session';

/** Which lines. */
export interface BacklogQuery {
  /** Only these processes (undefined: all). */
  processes?: string[];
  /** The last N lines (after the filters). */
  count?: number;
  /** Only lines at or after this time (ms since the epoch). */
  since?: number;
  grep?: RegExp;
}

const PAGE = 5000;

/**
 * The stored lines, oldest first, progress rule applied, filtered, and the runs they belong to
 * (by `process:run`). Rejects with code `unknown_method` where the hub has no store.
 */
export async function readStoredBacklog(session: HubSession, query: BacklogQuery): Promise<{ entries: LogEntry[]; runs: Map<string, RunInfo> }> {
  const pages: LogEntry[][] = [];
  const runs = new Map<string, RunInfo>();
  // A little in the future: a line stamped in this very millisecond is not cut off.
  let before = new Date(Date.now() + 1000).toISOString();
  let counted = 0;
  for (;;) {
    const limit = query.count === undefined ? PAGE : Math.min(PAGE, Math.max(100, query.count - counted));
    const { lines, more, runs: pageRuns } = await session.call('logs.read', { ...(query.processes ? { processes: query.processes } : {}), before, limit });
    for (const run of pageRuns ?? []) runs.set(`${run.process}:${run.run}`, run);
    if (lines.length === 0) break;
    const page = lines.map(entryFromLine);
    pages.unshift(page);
    counted += page.filter((e) => matches(e, query.grep) && (query.since === undefined || e.time >= query.since)).length;
    const first = lines[0] as (typeof lines)[number];
    if (!more || (query.since !== undefined && Date.parse(first.time) < query.since) || (query.count !== undefined && counted >= query.count)) break;
    before = first.cursor ?? first.time;
  }
  return { entries: finish(pages.flat(), query), runs };
}

/** Apply the progress rule, the filters and the count to lines in order. */
export function finish(entries: readonly LogEntry[], query: BacklogQuery): LogEntry[] {
  const kept = collapseProgress(entries).filter((e) => matches(e, query.grep) && (query.since === undefined || !(e.time < query.since)));
  return query.count === undefined ? kept : kept.slice(Math.max(0, kept.length - query.count));
}
