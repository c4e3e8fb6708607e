/**
 * `logs.read` and `logs.search` over several nodes: each node reads its own store, the node that
 * was asked merges. Lines are ordered by (time, node, the node's own order), so that a page
 * boundary is exact across nodes: the cursor of a line names its node and time
 * (qualify.ts), and each other node is asked for the lines on the right side of that (time, node)
 * pair, as an ISO time one millisecond apart where the node's name sorts before.
 */
import { parseProcessRef, type LogLine, type LogsReadParams, type LogsReadResult, type LogsSearchParams, type LogsSearchResult, type RunInfo } from '../../shared/protocol';
import { MethodError } from '../hub/methods';
import { decodeNodeCursor, timeOf } from './qualify';

/** Runs a logs method on one node with bare process ids; answers with qualified lines. */
export type NodeReader<P, R> = (node: string, params: P) => Promise<R>;

/** Which nodes a request reads, and the bare ids for each (undefined: all of its processes). */
export function planNodes(processes: readonly string[] | undefined, everyNode: readonly string[]): Map<string, string[] | undefined> {
  const plan = new Map<string, string[] | undefined>();
  if (processes === undefined) {
    for (const node of everyNode) plan.set(node, undefined);
    return plan;
  }
  for (const ref of processes) {
    const parsed = parseProcessRef(ref);
    if (!parsed?.node) throw new MethodError('bad_params', `params.processes: "${String(ref).slice(0, 100)}" is not a qualified process id (on a shared engine: <id>@<node>)`);
    const ids = plan.get(parsed.node) ?? [];
    ids.push(parsed.id);
    plan.set(parsed.node, ids);
  }
  return plan;
}

type Side = 'before' | 'after';

/** The `before`/`after` a node gets for a position given across nodes. */
export function positionFor(node: string, value: string | undefined, side: Side): string | undefined {
  if (value === undefined) return undefined;
  const at = decodeNodeCursor(value);
  if (!at) {
    if (/^c[0-9a-z]+$/.test(value)) throw new MethodError('bad_params', `params.${side}: a cursor of a single node; on a shared engine use the cursor of a line from this engine`);
    return value; // an ISO time means the same on every node
  }
  if (node === at.node) return at.cursor;
  const sortsBefore = node < at.node;
  // Strictly before (t, X): a node sorting before X includes time t; one sorting after does not.
  if (side === 'before') return new Date(sortsBefore ? at.time + 1 : at.time).toISOString();
  return new Date(sortsBefore ? at.time : at.time - 1).toISOString();
}

interface Ranked {
  line: LogLine;
  time: number;
  node: string;
  index: number;
}

function rank(pages: [string, LogLine[]][]): Ranked[] {
  const all: Ranked[] = [];
  for (const [node, lines] of pages) lines.forEach((line, index) => all.push({ line, time: timeOf(line.time), node, index }));
  return all;
}

const ascending = (a: Ranked, b: Ranked): number => a.time - b.time || (a.node < b.node ? -1 : a.node > b.node ? 1 : a.index - b.index);
// Search answers come newest first from each node: the node's own order stays.
const descending = (a: Ranked, b: Ranked): number => b.time - a.time || (a.node < b.node ? 1 : a.node > b.node ? -1 : a.index - b.index);

/**
 * Ask each node (in parallel) and keep the answers of those that could answer. A node named in
 * `processes` that cannot is an error; when every node was asked, one that is gone is left out
 * (its processes show as unreachable in the list).
 */
export async function gather<P, R>(plan: Map<string, string[] | undefined>, explicit: boolean, params: (node: string, ids: string[] | undefined) => P, read: NodeReader<P, R>): Promise<[string, R][]> {
  const answers = await Promise.all(
    [...plan].map(async ([node, ids]): Promise<[string, R] | undefined> => {
      try {
        return [node, await read(node, params(node, ids))];
      } catch (err) {
        if (explicit || (err as { code?: string }).code !== 'unavailable') throw err;
        return undefined;
      }
    }),
  );
  return answers.filter((a): a is [string, R] => a !== undefined);
}

/** `logs.read` across nodes: oldest first. */
export async function readAcross(params: LogsReadParams, everyNode: readonly string[], read: NodeReader<LogsReadParams, LogsReadResult>): Promise<LogsReadResult> {
  const plan = planNodes(params.processes, everyNode);
  const answers = await gather(
    plan,
    params.processes !== undefined,
    (node, ids) => {
      const p: LogsReadParams = { limit: params.limit };
      if (ids) p.processes = ids;
      const before = positionFor(node, params.before, 'before');
      const after = positionFor(node, params.after, 'after');
      if (before !== undefined) p.before = before;
      if (after !== undefined) p.after = after;
      return p;
    },
    read,
  );
  const ranked = rank(answers.map(([node, r]) => [node, r.lines])).sort(ascending);
  // The page above a `before` is the newest lines before it; otherwise the oldest after.
  const kept = params.before !== undefined ? ranked.slice(Math.max(0, ranked.length - params.limit)) : ranked.slice(0, params.limit);
  const runs = new Map<string, RunInfo>();
  for (const [, r] of answers) for (const run of r.runs ?? []) runs.set(`${run.process}#${run.run}`, run);
  const result: LogsReadResult = {
    lines: kept.map((r) => r.line),
    more: ranked.length > kept.length || answers.some(([, r]) => r.more),
  };
  if (runs.size > 0) result.runs = [...runs.values()];
  return result;
}

/** `logs.search` across nodes: newest first. */
export async function searchAcross(params: LogsSearchParams, everyNode: readonly string[], search: NodeReader<LogsSearchParams, LogsSearchResult>): Promise<LogsSearchResult> {
  const plan = planNodes(params.processes, everyNode);
  const answers = await gather(
    plan,
    params.processes !== undefined,
    (node, ids) => {
      const { processes: _p, before: _b, ...rest } = params;
      const p: LogsSearchParams = { ...rest };
      if (ids) p.processes = ids;
      const before = positionFor(node, params.before, 'before');
      if (before !== undefined) p.before = before;
      return p;
    },
    search,
  );
  const ranked = rank(answers.map(([node, r]) => [node, r.matches])).sort(descending);
  const kept = ranked.slice(0, params.limit);
  const result: LogsSearchResult = {
    matches: kept.map((r) => r.line),
    more: ranked.length > kept.length || answers.some(([, r]) => r.more),
  };
  const scanned = answers.reduce((n, [, r]) => n + (r.scanned ?? 0), 0);
  if (answers.some(([, r]) => r.scanned !== undefined)) result.scanned = scanned;
  return result;
}
