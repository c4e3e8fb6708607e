/**
 * The `dependsOn` graph of a set of definitions: checked as a whole before anything starts
 * (unknown ids, cycles, `healthy` on a process without a readiness probe), and read for the order
 * of stops (dependants before what they depend on).
 */
import { DefinitionError } from './definition-basics';
import type { ProcessDefinition } from './process-definition';

/**
 * Throw one {@link DefinitionError} listing every problem of the graph: each unknown id (with who
 * names it), each cycle (every id in it, in order), each `healthy` condition on a process that has
 * no readiness probe. `source` prefixes the message (a file name, `process.add`).
 */
export function checkDependencies(defs: readonly ProcessDefinition[], source: string): void {
  const byId = new Map(defs.map((d) => [d.id, d]));
  const problems: string[] = [];
  for (const def of defs) {
    for (const [dep, condition] of Object.entries(def.dependsOn ?? {})) {
      const target = byId.get(dep);
      if (!target) problems.push(`process "${def.id}" depends on "${dep}", which is not defined`);
      else if (condition === 'healthy' && !target.readiness) {
        problems.push(`process "${def.id}" depends on "${dep}" being healthy, but "${dep}" has no readiness probe`);
      }
    }
  }
  for (const cycle of findCycles(defs)) problems.push(`dependency cycle: ${[...cycle, cycle[0]].map((id) => `"${id}"`).join(' -> ')}`);
  if (problems.length > 0) throw new DefinitionError(`${source}: ${problems.join('; ')}; nothing was started`);
}

/**
 * The cycles of the graph, each as the ids along it (the first id not repeated at the end), one
 * per strongly connected group of processes.
 */
export function findCycles(defs: readonly ProcessDefinition[]): string[][] {
  const edges = new Map(defs.map((d) => [d.id, Object.keys(d.dependsOn ?? {})]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      if (!edges.has(next)) continue; // unknown ids are reported on their own
      const s = state.get(next);
      if (s === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('\0');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const def of defs) if (!state.has(def.id)) visit(def.id);
  return cycles;
}

/** The ids that depend on `id` directly. */
export function dependantsOf(defs: Iterable<ProcessDefinition>, id: string): string[] {
  const out: string[] = [];
  for (const def of defs) if (def.dependsOn?.[id] !== undefined) out.push(def.id);
  return out;
}
