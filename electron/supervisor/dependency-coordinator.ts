/**
 * Starting processes in dependency order (`dependsOn`). A process asked to start (at supervisor
 * start, or by hand) first asks for what it needs and is not there yet, then waits, status
 * `waiting` with `waitingFor` and a reason, until every condition holds:
 * - `started`: the dependency runs (or its last run ended by itself with exit 0: a one-shot that
 *   did its job);
 * - `healthy`: its readiness probe passed in the current run;
 * - `completed`: its last run ended by itself with exit 0.
 * A dependency that fails for good (exits non-zero and will not restart, gives up, cannot start,
 * never becomes healthy) leaves its dependants waiting, with a reason that names it and says why:
 * they are never started half-ready, and start as soon as a user fixes the dependency. Automatic
 * restarts of a process that already started do not wait again.
 */
import type { DependencyCondition, DependencyInfo } from '../../shared/protocol';
import type { ManagedProcess } from './managed-process';

interface Verdict {
  met: boolean;
  /** Why not, when not met. */
  why?: string;
}

/** See the file comment. */
export class DependencyCoordinator {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private closed = false;

  constructor(private readonly procs: ReadonlyMap<string, ManagedProcess>) {}

  /** Start `id` as soon as its dependencies hold, asking first for those that are not coming by themselves. */
  request(id: string): void {
    const proc = this.procs.get(id);
    if (!proc || this.closed || proc.active || this.pending.has(id)) return;
    this.pending.add(id);
    for (const [depId, condition] of Object.entries(proc.def.dependsOn ?? {})) {
      const dep = this.procs.get(depId);
      if (dep && !verdict(dep, condition).met && !dep.active) this.request(depId);
    }
    this.evaluateOne(id);
  }

  /** Forget a pending start (the process was stopped or removed). */
  cancel(id: string): void {
    this.pending.delete(id);
  }

  /** Whether `id` waits to be started. */
  isPending(id: string): boolean {
    return this.pending.has(id);
  }

  /** Look again at every waiting process, once per tick however many changes came (call after any change). */
  changed(): void {
    if (this.scheduled || this.pending.size === 0) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (const id of [...this.pending]) this.evaluateOne(id);
    });
  }

  /** The dependencies of `id` with whether each holds now, for the list. */
  dependencies(id: string): DependencyInfo[] | undefined {
    const deps = this.procs.get(id)?.def.dependsOn;
    if (!deps) return undefined;
    return Object.entries(deps).map(([depId, condition]) => {
      const dep = this.procs.get(depId);
      return { id: depId, condition, met: dep ? verdict(dep, condition).met : false };
    });
  }

  /** Start nothing more (the supervisor closes). */
  close(): void {
    this.closed = true;
    this.pending.clear();
  }

  private evaluateOne(id: string): void {
    const proc = this.procs.get(id);
    if (!proc || this.closed) return void this.pending.delete(id);
    if (proc.active) return void this.pending.delete(id); // started some other way meanwhile
    const unmet: { id: string; condition: DependencyCondition; why: string }[] = [];
    for (const [depId, condition] of Object.entries(proc.def.dependsOn ?? {})) {
      const dep = this.procs.get(depId);
      const v = dep ? verdict(dep, condition) : { met: false, why: 'is not defined' };
      if (!v.met) unmet.push({ id: depId, condition, why: v.why ?? '' });
    }
    if (unmet.length === 0) {
      this.pending.delete(id);
      proc.start();
      return;
    }
    const reason = `waiting for ${unmet.map((u) => `${u.id} (${u.condition}): ${u.why}`).join('; ')}`;
    proc.wait(
      unmet.map((u) => u.id),
      reason,
    );
  }
}

/** Whether `dep` satisfies `condition` now, and if not, what it is doing instead. */
function verdict(dep: ManagedProcess, condition: DependencyCondition): Verdict {
  const end = dep.lastRunEnd;
  const completed = end !== null && end.byItself && end.code === 0 && !dep.active;
  switch (condition) {
    case 'started':
      if (dep.status === 'running' || completed) return { met: true };
      return { met: false, why: describe(dep, 'has not started yet') };
    case 'healthy':
      if (dep.health === 'healthy') return { met: true };
      if (dep.status === 'running') {
        const failure = dep.probeFailure ? `: ${dep.probeFailure}` : '';
        return { met: false, why: dep.health === 'unhealthy' ? `never became healthy, its readiness probe fails${failure}` : `not healthy yet${failure}` };
      }
      return { met: false, why: describe(dep, 'has not started yet') };
    case 'completed':
      if (completed) return { met: true };
      if (dep.status === 'running') return { met: false, why: 'still running' };
      return { met: false, why: describe(dep, 'has not run yet') };
  }
}

function describe(dep: ManagedProcess, otherwise: string): string {
  const info = dep.info();
  switch (info.status) {
    case 'exited':
      return `exited with code ${info.exitCode ?? '?'}${dep.hasGivenUp ? ' and gave up restarting' : ' and will not restart'}${info.reason && !dep.hasGivenUp ? ` (${info.reason})` : ''}`;
    case 'failed':
      return `failed: ${info.reason ?? 'could not start'}`;
    case 'restarting':
      return `is restarting${info.reason ? ` (${info.reason})` : ''}`;
    case 'stopping':
      return 'is stopping';
    case 'stopped':
      return 'is stopped';
    case 'waiting':
      return `is waiting for ${(info.waitingFor ?? []).join(', ')}`;
    case 'starting':
      return 'is starting';
    default:
      return otherwise;
  }
}
