/**
 * Signalling and watching whole process groups (every supervised process is the leader of its own
 * group, so its grandchildren are reached too), and the processes that left the group.
 *
 * A group counts as alive while one of its members is not a zombie (see proc-reader.ts). A process
 * that calls `setsid` (or `setpgid`) leaves the group, and a group kill no longer reaches it: such
 * escapees are found by the marker variable that every process Switchyard starts carries in its
 * environment (`SWITCHYARD_SUPERVISED=<instance>:<process id>`, inherited by everything they
 * start), and signalled with the group.
 */
import * as fs from 'node:fs';
import { MARKER_VARIABLE, findByEnvironment, groupMemberPids, pidAlive, procAvailable, readStat } from './proc-reader';

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
  const members = groupMemberPids(pgid);
  return members.length > 0 || procAvailable() ? members : [pgid];
}

/** Whether any non-zombie process of group `pgid` is left. */
export function groupAlive(pgid: number): boolean {
  return groupMembers(pgid).length > 0;
}

/** A process found outside its group: its pid and start time (so that a reused pid is never signalled). */
export interface Escapee {
  pid: number;
  startTicks: number;
}

/**
 * Live processes of this user whose marker is `marker` (or starts with it, unless `exact`), outside
 * group `exceptGroup`. This process itself is never among them.
 */
export function findEscapees(marker: string, options: { exact: boolean; exceptGroup?: number }): Escapee[] {
  const uid = process.getuid?.();
  if (uid === undefined) return [];
  const out: Escapee[] = [];
  for (const { pid } of findByEnvironment(fs, MARKER_VARIABLE, marker, uid, options.exact, [process.pid])) {
    const stat = readStat(pid);
    if (stat && stat.pgid !== options.exceptGroup) out.push({ pid, startTicks: stat.startTicks });
  }
  return out;
}

/** Send `signal` to each escapee that is still the same process; returns those signalled. */
export function signalEscapees(escapees: readonly Escapee[], signal: NodeJS.Signals): Escapee[] {
  const hit: Escapee[] = [];
  for (const e of escapees) {
    if (!pidAlive(e.pid, e.startTicks)) continue;
    try {
      process.kill(e.pid, signal);
      hit.push(e);
    } catch {
      // gone, or no longer ours (EPERM): nothing to do
    }
  }
  return hit;
}

/** Outcome of {@link terminateGroup}. */
export interface TerminateResult {
  /** The last signal sent: the stop signal, or SIGKILL when the grace period ran out. */
  signal: NodeJS.Signals;
  /** Whether the group (and every escapee) is gone (false only when even SIGKILL did not empty it in time). */
  gone: boolean;
  /** Escapees found and signalled. */
  escapees: number;
}

/** Options of {@link terminateGroup}. */
export interface TerminateOptions {
  /** Time between `signal` and SIGKILL. */
  graceMs: number;
  /** How long to wait for the group to vanish after SIGKILL. Default 5000 ms. */
  killWaitMs?: number;
  /** Polling period. Default 25 ms. */
  pollMs?: number;
  /** The marker of processes that belong with the group even outside it (see the file comment). Default none. */
  marker?: string;
  /** Whether `marker` is a prefix (every process of a supervisor) rather than one process's value. Default false. */
  markerIsPrefix?: boolean;
}

/**
 * Send `signal` to the group (and to its escapees), wait up to `graceMs` for every one to be gone,
 * then SIGKILL them and wait again. Resolves with the last signal sent; never rejects for a vanished
 * group. `pgid` 0 means no group is left: only the escapees are looked for.
 */
export async function terminateGroup(pgid: number, signal: NodeJS.Signals, options: TerminateOptions): Promise<TerminateResult> {
  const poll = options.pollMs ?? 25;
  const search = (): Escapee[] => (options.marker ? findEscapees(options.marker, { exact: !options.markerIsPrefix, exceptGroup: pgid }) : []);
  const groupExisted = pgid !== 0 && signalGroup(pgid, signal);
  let escapees = signalEscapees(search(), signal);
  const found = new Set(escapees.map((e) => e.pid));
  const gone = (): boolean => (pgid === 0 || !groupAlive(pgid)) && escapees.every((e) => !pidAlive(e.pid, e.startTicks));
  if (!groupExisted && escapees.length === 0) return { signal, gone: true, escapees: 0 };
  if (await waitFor(gone, options.graceMs, poll)) return { signal, gone: true, escapees: found.size };
  if (pgid !== 0) signalGroup(pgid, 'SIGKILL');
  // Search again: an escapee may have forked a new one during the grace period.
  escapees = signalEscapees([...escapees, ...search()], 'SIGKILL');
  for (const e of escapees) found.add(e.pid);
  return { signal: 'SIGKILL', gone: await waitFor(gone, options.killWaitMs ?? 5000, poll), escapees: found.size };
}

/** SIGKILL every escapee with this marker prefix now (the last resort of an exit handler, and of close()). */
export function killEscapeesSync(markerPrefix: string): number {
  return signalEscapees(findEscapees(markerPrefix, { exact: false }), 'SIGKILL').length;
}

async function waitFor(cond: () => boolean, timeoutMs: number, pollMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}
