/** What a managed process is given (its hooks to the hub and the supervisor, the shared settings) and what it tells of a run's end. */
import type { OutputStream, ProcessStatusData, TerminalResizeEvent } from '../../shared/protocol';
import type { ManagedProcess } from './managed-process';
import type { ResourceFigures } from './resource-sampler';

/** How a managed process reaches the hub, the watchdog and the resource sampler. */
export interface ManagedProcessHooks {
  /** Send one line; a throw counts the line as skipped. */
  output(id: string, line: string, stream: OutputStream): void;
  /** A status change (health changes included). */
  status(id: string, data: ProcessStatusData): void;
  /** Whether the hub wants producers to pause. */
  congested(): boolean;
  /** Call `process.resume()` once the hub drains. */
  waitDrain(process: ManagedProcess): void;
  /** A process group started (for the watchdog). */
  groupStarted(pgid: number, signal: NodeJS.Signals, graceMs: number): void;
  /** A process group is gone. */
  groupGone(pgid: number): void;
  /** The latest resource figures of a process, while someone looks. */
  figures(id: string): ResourceFigures | undefined;
  /** Something went wrong that is not a status (a watcher's failure). */
  warn(message: string): void;
  /** Publish a chunk of a terminal's output (`terminal_output`) on `process:<id>`; resolves with its `seq`. */
  terminalOutput(id: string, data: string): Promise<number>;
  /** Publish a terminal's event (a resize) on `process:<id>`, in order with its output. */
  terminalEvent(id: string, data: TerminalResizeEvent): void;
}

/** Run-time settings shared by all processes of a supervisor. */
export interface ManagedProcessSettings {
  /** Base for relative `cwd`. */
  cwd: string;
  /** Base environment. */
  env: NodeJS.ProcessEnv;
  shell: string;
  /** See OutputSplitter. */
  maxLineBytes?: number;
  /** See OutputSplitter. */
  progressIntervalMs?: number;
  /** How soon after start an exit 127/126 counts as `failed`. */
  startupWindowMs: number;
  /** How long to wait for the pipes to close after the leader exits (held by escaped processes). */
  settleMs: number;
  /** This supervisor's instance id: markers are `<instance>:<process id>`. */
  instance: string;
}

/** How the last run ended, for the dependency conditions. */
export interface RunExit {
  /** The exit code (128 + signal for a death by signal). */
  code: number;
  /** Ended by itself (not stopped by Switchyard or a user). */
  byItself: boolean;
}
