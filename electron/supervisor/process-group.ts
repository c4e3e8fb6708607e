/**
 * Signalling and watching whole process groups (every supervised process is the leader of its own
 * group, so its grandchildren are reached too). A group counts as alive while one of its members
 * is not a zombie: where PID 1 does not reap orphans (some containers), `kill(-pgid, 0)` alone
 * would report a dead group alive forever, so on Linux /proc is read to skip zombies.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Send `signal` to every process of group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!(pgid > 1)) throw new RangeError(`not a process group id: ${pgid}`);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** The live (non-zombie) members of group `pgid`; on systems without /proc, `[pgid]` while it answers signal 0. */
export function groupMembers(pgid: number): number[] {
  if (!signalGroup(pgid, 0)) return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [pgid];
  }
  const members: number[] = [];
  for (const name of entries) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') members.push(Number(name));
  }
  return members;
}

/** Whether any non-zombie process of group `pgid` is left. */
export function groupAlive(pgid: number): boolean {
  return groupMembers(pgid).length > 0;
}

/** Outcome of {@link terminateGroup}. */
export interface TerminateResult {
  /** The last signal sent: the stop signal, or SIGKILL when the grace period ran out. */
  signal: NodeJS.Signals;
  /** Whether the group is gone (false only when even SIGKILL did not empty it in time). */
  gone: boolean;
}

/** Options of {@link terminateGroup}. */
export interface TerminateOptions {
  /** Time between `signal` and SIGKILL. */
  graceMs: number;
  /** How long to wait for the group to vanish after SIGKILL. Default 5000 ms. */
  killWaitMs?: number;
  /** Polling period. Default 25 ms. */
  pollMs?: number;
}

/**
 * Send `signal` to the group, wait up to `graceMs` for every member to be gone, then SIGKILL the
 * group and wait again. Resolves with the last signal sent; never rejects for a vanished group.
 */
export async function terminateGroup(pgid: number, signal: NodeJS.Signals, options: TerminateOptions): Promise<TerminateResult> {
  const poll = options.pollMs ?? 25;
  if (!signalGroup(pgid, signal)) return { signal, gone: true };
  if (await waitGone(pgid, options.graceMs, poll)) return { signal, gone: true };
  signalGroup(pgid, 'SIGKILL');
  return { signal: 'SIGKILL', gone: await waitGone(pgid, options.killWaitMs ?? 5000, poll) };
}

async function waitGone(pgid: number, timeoutMs: number, pollMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}
