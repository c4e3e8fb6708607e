/**
 * The shape of one process in `process.list` results and in the `processes` channel's
 * `{"kind":"list","processes":[...]}` events. Optional fields are left out when unknown.
 */
import type { ProcessState } from '../../shared/protocol';
import type { RestartMode } from './process-definition';

/** A process as `process.list` and the `processes` channel show it. */
export interface ProcessInfo {
  id: string;
  command: string;
  /** The resolved working directory. */
  cwd: string;
  status: ProcessState;
  /** While a run is alive. */
  pid?: number;
  exitCode?: number;
  signal?: string;
  reason?: string;
  /** While `restarting`: the wait before the next run. */
  delayMs?: number;
  /** Automatic restarts since the last start by a user (the cap counts only those in a row, see resetAfterMs). */
  restarts: number;
  /** ISO time the current or last run started. */
  startedAt?: string;
  /** ISO time the last run ended. */
  endedAt?: string;
  autostart: boolean;
  restartMode: RestartMode;
  /** Lines sent to the hub (progress updates included). */
  linesOut: number;
  /** Bytes read from the process's stdout and stderr. */
  bytesOut: number;
  /** Lines the hub refused. */
  skipped: number;
  /** `\r` progress states overwritten before they were sent (throttling, not loss of a line). */
  coalesced: number;
  /** Times output was paused because the hub was congested. */
  pauses: number;
  /** Whether output is paused right now. */
  paused: boolean;
  /** Where it came from: the config or Procfile, or `process.add` at run time (removable from the dashboard). */
  origin?: 'config' | 'added';
}
