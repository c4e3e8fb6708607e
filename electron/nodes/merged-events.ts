/**
 * `alerts.list` and `audit.list` over several nodes: the `alerts` and `audit` channels are shared
 * through the engine, so their lists are too. Each node answers its own latest entries; the node
 * that was asked merges them by time (then node, then the node's own order), oldest first as one
 * node answers, and keeps the latest {@link ALERTS_KEPT} / {@link AUDIT_KEPT}. A node that is gone
 * is left out (its entries were on the channels while it was up). Nodes are asked as for the logs
 * (merged-logs.ts `gather`).
 */
import { ALERTS_KEPT, AUDIT_KEPT, type AlertCounters, type ResultOf } from '../../shared/protocol';
import { gather } from './merged-logs';
import { timeOf } from './qualify';

/** Runs a list method on one node; answers what that node holds. */
export type NodeLister<R> = (node: string) => Promise<R>;

type AlertsList = ResultOf<'alerts.list'>;
type AuditList = ResultOf<'audit.list'>;

/** `alerts.list` across nodes: the latest alerts of every node that answers, and their counters summed. */
export async function alertsAcross(everyNode: readonly string[], list: NodeLister<AlertsList>): Promise<AlertsList> {
  const answers = await askEvery(everyNode, list);
  const result: AlertsList = { alerts: latest(answers.map(([node, r]) => [node, r.alerts]), ALERTS_KEPT) };
  const counters = answers.map(([, r]) => r.counters).filter((c): c is AlertCounters => c !== undefined);
  if (counters.length > 0) result.counters = sum(counters);
  return result;
}

/** `audit.list` across nodes: the latest entries of every node that answers. */
export async function auditAcross(everyNode: readonly string[], list: NodeLister<AuditList>): Promise<AuditList> {
  const answers = await askEvery(everyNode, list);
  return { entries: latest(answers.map(([node, r]) => [node, r.entries]), AUDIT_KEPT) };
}

function askEvery<R>(everyNode: readonly string[], list: NodeLister<R>): Promise<[string, R][]> {
  const plan = new Map<string, undefined>(everyNode.map((node) => [node, undefined]));
  return gather(plan, false, () => undefined, (node) => list(node));
}

function latest<T extends { time: string }>(pages: [string, readonly T[]][], keep: number): T[] {
  const all = pages.flatMap(([node, entries]) => entries.map((entry, index) => ({ entry, node, index, time: timeOf(entry.time) })));
  all.sort((a, b) => a.time - b.time || (a.node < b.node ? -1 : a.node > b.node ? 1 : a.index - b.index));
  return all.slice(Math.max(0, all.length - keep)).map((r) => r.entry);
}

function sum(all: AlertCounters[]): AlertCounters {
  const total: AlertCounters = { published: 0, throttled: 0, webhookSent: 0, webhookFailures: 0, webhookDropped: 0 };
  for (const c of all) for (const key of Object.keys(total) as (keyof AlertCounters)[]) total[key] += c[key];
  return total;
}
