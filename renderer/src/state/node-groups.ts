/**
 * The sidebar's groups on a shared engine (several machines): processes by the node that runs
 * them, in the order the list gives them. Without nodes (one machine) there is one group without
 * a name, and the sidebar shows no headers.
 */
import type { ProcessInfo } from '../../../shared/protocol';

/** One node's processes. */
export interface NodeGroup<P> {
  /** The node's name; undefined for processes without one (a single machine). */
  node: string | undefined;
  /** Every process of the node is unreachable: the node is gone. */
  gone: boolean;
  processes: P[];
}

/** Group by `node`, keeping the list's order of first appearance. */
export function groupByNode<P extends Pick<ProcessInfo, 'node' | 'status'>>(processes: readonly P[]): NodeGroup<P>[] {
  const groups = new Map<string | undefined, NodeGroup<P>>();
  for (const p of processes) {
    let group = groups.get(p.node);
    if (!group) groups.set(p.node, (group = { node: p.node, gone: true, processes: [] }));
    group.processes.push(p);
    if (p.status !== 'unreachable') group.gone = false;
  }
  return [...groups.values()];
}
