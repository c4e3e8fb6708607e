/**
 * How a process's state reads, in the sidebar and in the log's status notes. One place, so the
 * row, the tooltip and the log never tell different stories: a process that gave up says so, a
 * stop in its grace period says when SIGKILL follows, a clean exit is not a crash.
 */
import { hasGivenUp, type ProcessInfo, type ProcessState } from '../../../shared/protocol';
import { msOf } from './clock';

/** What a status note or a row needs of a process (a list item, or a status payload). */
export type StatusFacts = Partial<ProcessInfo> & { status: ProcessState };

/** The colour family of a state: the dot and the status text follow it (CSS `tone-*`). */
export type StatusTone = 'ok' | 'busy' | 'clean' | 'bad' | 'idle';

/** "gave up after 5 restarts", "stopping… (SIGKILL in 3 s)", "exited (code 0)", "failed: not found". */
export function statusDetail(p: StatusFacts, now = Date.now()): string {
  switch (p.status) {
    case 'exited':
      if (hasGivenUp(p)) return `gave up after ${givenUpAfter(p)} ${givenUpAfter(p) === 1 ? 'restart' : 'restarts'}${p.exitCode !== undefined ? ` (code ${p.exitCode})` : ''}`;
      if (p.signal) return `killed by ${p.signal}`;
      return p.exitCode !== undefined ? `exited (code ${p.exitCode})` : 'exited';
    case 'stopping': {
      const killAt = msOf(p.killAt);
      return killAt === undefined ? 'stopping…' : `stopping… (SIGKILL in ${Math.max(0, Math.ceil((killAt - now) / 1000))} s)`;
    }
    case 'stopped':
      return p.signal ? `stopped (${p.signal})` : 'stopped';
    case 'failed':
      return p.reason ? `failed: ${p.reason}` : 'failed';
    case 'restarting':
      return p.delayMs !== undefined ? `restarting in ${Math.ceil(p.delayMs / 1000)} s` : 'restarting';
    case 'waiting':
      return p.waitingFor?.length ? `waiting for ${p.waitingFor.join(', ')}` : 'waiting';
    case 'unreachable':
      return 'unreachable (its node is gone)';
    default:
      return p.status;
  }
}

/** The restarts a process gave up after: the number in its reason, else its restart count. */
function givenUpAfter(p: StatusFacts): number {
  const m = /after (\d+) restart/.exec(p.reason ?? '');
  return m ? Number(m[1]) : (p.restarts ?? 0);
}

/** The tone of a state: a clean exit (code 0) is `clean`, not `bad`. */
export function statusTone(p: StatusFacts): StatusTone {
  switch (p.status) {
    case 'running':
      return p.health === 'unhealthy' ? 'bad' : 'ok';
    case 'starting':
    case 'restarting':
    case 'waiting':
    case 'stopping':
      return 'busy';
    case 'exited':
      return !hasGivenUp(p) && p.exitCode === 0 && !p.signal ? 'clean' : 'bad';
    case 'failed':
    case 'unreachable':
      return 'bad';
    default:
      return 'idle';
  }
}

/** The note a status change leaves in the log. */
export function statusNote(id: string, p: StatusFacts): string {
  const pid = p.status === 'running' && p.pid !== undefined ? ` (pid ${p.pid})` : '';
  return `${id} ${statusDetail(p)}${pid}`;
}

/** Whether a process is up or on its way (so Stop makes sense rather than Start). */
export function isActive(status: ProcessState): boolean {
  return status === 'running' || status === 'starting' || status === 'restarting' || status === 'stopping' || status === 'waiting';
}
