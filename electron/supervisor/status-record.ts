/**
 * A process's status as the hub publishes it and the list shows it. Statuses, in order:
 * (`waiting` {waitingFor, reason}) → `starting` → `running` {pid} → `exited` {exitCode, signal?} |
 * `failed` {reason} | `stopped` {signal, exitCode?}, then `restarting` {delayMs, restarts,
 * reason?} when the policy says so. `exitCode` is the shell's: a run killed by a signal reports
 * 128 + the signal number and `signal`; after a stop, the shell itself may die of the stop
 * signal, so `exitCode` may be absent. A process never started is reported as `stopped` without
 * a signal. While a run with a readiness probe is alive, status messages also carry `health`; the
 * list item of a process with a readiness probe always has it ({@link listHealth}).
 */
import type { Health, ProcessInfo, ProcessState, ProcessStatusData } from '../../shared/protocol';

/** The current status of one process and the fields that went with it. */
export class StatusRecord {
  state: ProcessState = 'stopped';
  /** The fields of the current status, and the times (and a failure's exit code) of the last run. */
  last: Partial<ProcessInfo> = {};
  private waitingSince: string | null = null;

  /** A run begins: nothing of the last one is kept. */
  newRun(): void {
    this.last = {};
    this.waitingSince = null;
  }

  /** Whether it is waiting already, for these processes and this reason. */
  waitsFor(waitingFor: readonly string[], reason: string): boolean {
    return this.state === 'waiting' && sameList(this.last.waitingFor, waitingFor) && this.last.reason === reason;
  }

  /**
   * Move to `status` with its fields (`extra`); returns the status message to publish. `restarts`
   * goes into a `restarting` message, `health` into a `running` one.
   */
  change(status: ProcessState, extra: Partial<ProcessInfo>, restarts: number, health: Health | undefined): ProcessStatusData {
    if (status === 'waiting' && this.state !== 'waiting') this.waitingSince = new Date().toISOString();
    this.state = status;
    const keep = { startedAt: this.last.startedAt, endedAt: this.last.endedAt, exitCode: this.last.exitCode };
    this.last = { ...keep, ...extra };
    if (status === 'starting' || status === 'running') delete this.last.exitCode;
    const data: ProcessStatusData = { status };
    for (const key of ['pid', 'exitCode', 'signal', 'reason', 'delayMs', 'waitingFor'] as const) {
      if (extra[key] !== undefined) (data as Record<string, unknown>)[key] = extra[key];
    }
    if (status === 'failed' && this.last.exitCode !== undefined) data.exitCode = this.last.exitCode;
    if (status === 'restarting') data.restarts = restarts;
    if (status === 'running' && health) data.health = health;
    return data;
  }

  /** Copy the status's fields into a `process.list` entry. */
  describe(info: ProcessInfo): void {
    for (const key of ['exitCode', 'signal', 'reason', 'delayMs', 'startedAt', 'endedAt', 'waitingFor'] as const) {
      if (this.last[key] !== undefined) (info as Record<string, unknown>)[key] = this.last[key];
    }
    if (this.state === 'waiting' && this.waitingSince) info.waitingSince = this.waitingSince;
  }
}

/** The `running` message of a new readiness verdict (the status itself stays). */
export function healthMessage(pid: number, health: Health | undefined, lastFailure: string | undefined): ProcessStatusData {
  const data: ProcessStatusData = { status: 'running', pid };
  if (health) data.health = health;
  if (health === 'unhealthy' && lastFailure) data.reason = `readiness probe failed: ${lastFailure}`;
  return data;
}

/** A run is on its way in these states: its probe will be checked. */
const ON_ITS_WAY: ReadonlySet<ProcessState> = new Set(['waiting', 'starting', 'restarting']);

/**
 * `health` as the list shows it. CONTRACT.md: every process with a readiness probe has `health`
 * (`checking`, `healthy` or `unhealthy`), not only while it runs. The alive run's verdict; without
 * one, `checking` while a run is on its way, else `unhealthy`: nothing runs that could pass the
 * probe. Status messages keep carrying only a run's verdicts, so that an `unhealthy` alert fires
 * for a probe that fails, never for a stop or an exit.
 */
export function listHealth(hasReadiness: boolean, state: ProcessState, runHealth: Health | undefined): Health | undefined {
  if (!hasReadiness) return undefined;
  if (runHealth) return runHealth;
  return ON_ITS_WAY.has(state) ? 'checking' : 'unhealthy';
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}
