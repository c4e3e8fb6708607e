/**
 * The waits before a process runs again: the restart policy's exponential backoff with a floor,
 * and the retry of a spawn that failed for lack of resources. One place for both formulas.
 */
import { baseDelay } from '../../shared/client/backoff';
import type { RestartPolicy } from './process-definition';

/**
 * The least wait before an automatic restart, whatever the policy says: with no floor, `restart:
 * always`, no delay and a command that exits at once restarts hundreds of times a second, each
 * run a fork, an exec and a status on the wire. 100 ms keeps such a loop at 10 runs a second.
 */
export const MIN_RESTART_DELAY_MS = 100;

/** The wait before automatic restart number `streak + 1` in a row: `initialDelayMs * multiplier^streak`, capped, floored. */
export function restartDelayMs(policy: RestartPolicy, streak: number): number {
  // The client's reconnect curve (shared/client/backoff.ts), without jitter.
  return Math.max(MIN_RESTART_DELAY_MS, baseDelay(streak + 1, { ...policy, jitter: 0 }));
}

/** Backoff of a spawn retried after a resource shortage: 500 ms, doubling, at most 30 s. */
export const SPAWN_RETRY = Object.freeze({ initialDelayMs: 500, multiplier: 2, maxDelayMs: 30_000 });

/** The wait before spawn attempt `attempt + 1` (attempt counts the failures so far, from 1). */
export function spawnRetryDelayMs(attempt: number): number {
  return baseDelay(Math.max(1, attempt), { ...SPAWN_RETRY, jitter: 0 });
}

/**
 * Whether a spawn error is a shortage that passes (no descriptor for the pipes, the process table
 * full, no memory for the fork), so that trying again later can work, unlike a missing shell.
 */
export function isTransientSpawnError(code: string | undefined): boolean {
  return code === 'EMFILE' || code === 'ENFILE' || code === 'EAGAIN' || code === 'ENOMEM';
}

/** What a shortage means, for the status's reason. */
export function describeSpawnError(code: string | undefined): string {
  switch (code) {
    case 'EMFILE':
      return 'this process is out of file descriptors (EMFILE)';
    case 'ENFILE':
      return 'the system is out of file descriptors (ENFILE)';
    case 'EAGAIN':
      return 'too many processes (EAGAIN)';
    case 'ENOMEM':
      return 'out of memory (ENOMEM)';
    default:
      return code ?? 'unknown error';
  }
}
