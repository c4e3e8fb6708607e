/**
 * One supervised process: its runs (process-run.ts), status, output, restart policy, file watch
 * and waiting for dependencies. The Supervisor owns these and connects them to the hub through
 * {@link ManagedProcessHooks}; which dependencies hold is the Supervisor's to judge (it calls
 * {@link ManagedProcess.wait} and {@link ManagedProcess.start}).
 *
 * Each run is `/bin/sh -c COMMAND` in its own process group (run-spawn.ts) with FORCE_COLOR=1,
 * PYTHONUNBUFFERED=1 and the marker variable; with `tty: true` in a pseudo-terminal whose session
 * (terminal/terminal-session.ts) outlives the runs and takes `process.input`, `process.resize`
 * and `process.screen`; with `stdin: true` its stdin is a pipe that takes `process.input`. Statuses, in order: (`waiting` {waitingFor, reason})
 * → `starting` → `running` {pid} → `exited` {exitCode, signal?} | `failed` {reason} |
 * `stopped` {signal, exitCode?}, then `restarting` {delayMs, restarts, reason?} when the policy
 * says so. `exitCode` is the shell's: a run killed by a signal reports 128 + the signal number and
 * `signal`; after a stop, the shell itself may die of the stop signal, so `exitCode` may be absent.
 * A process never started is reported as `stopped` without a signal. While a run with a readiness
 * probe is alive, status messages also carry `health`.
 *
 * - `failed`: the run could not start: a missing working directory, a spawn error, or the shell's
 *   exit code 127 ("not found") or 126 ("cannot execute") within `startupWindowMs`, with a
 *   matching message on stderr. A failed process is not restarted (it would fail again), except
 *   when the spawn failed for lack of resources (EMFILE, ENFILE, EAGAIN, ENOMEM): then it is
 *   `restarting` with the reason, and tried again with backoff (restart-backoff.ts) until it works.
 * - A liveness failure ends the run and counts as a failure under the restart policy; the
 *   restart's (or the exit's) reason is "liveness probe failed: …".
 * - A file change (with `watch`) restarts a process that runs or ended by itself, once per burst,
 *   with the reason "file changed: …"; a process stopped by a user stays stopped.
 * - Stopping also stops the processes that left the group but carry the marker (process-group.ts).
 * - Output is read chunk by chunk; when the hub reports congestion both pipes are paused until it
 *   drains, so the child blocks on write instead of our memory growing. A line the hub refuses
 *   (its publish throws) is counted in `skipped`.
 */
import { statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';
import type { OutputStream, ProcessInfo, ProcessState, ProcessStatusData, ScreenSnapshot, TerminalResizeEvent } from '../../shared/protocol';
import { replacesPrevious, visibleText } from '../../shared/logs/progress-rule';
import { MethodError } from '../hub/methods';
import { DEFAULT_STOP_GRACE_MS, restartPolicyOf, stopSignalOf, type ProcessDefinition } from './process-definition';
import { terminateGroup } from './process-group';
import { ProcessRun } from './process-run';
import { describeSpawnError, isTransientSpawnError, restartDelayMs, spawnRetryDelayMs } from './restart-backoff';
import type { ResourceFigures } from './resource-sampler';
import { runEnvironment } from './run-spawn';
import { TerminalSession } from './terminal/terminal-session';
import { WatchRestarts } from './watch-restarts';

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

/** One supervised process; see the file comment. */
export class ManagedProcess {
  /** Where it came from, for the list (`config` unless added at run time). */
  origin: 'config' | 'added' = 'config';
  private state: ProcessState = 'stopped';
  private run: ProcessRun | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private last: Partial<ProcessInfo> = {};
  private restarts = 0;
  /** Automatic restarts of every kind since this process was defined (a Prometheus counter). */
  private restartsEver = 0;
  /** Automatic restarts since the last run that lived `resetAfterMs`: drives the backoff and the cap. */
  private streak = 0;
  private spawnFailures = 0;
  private counters = { linesOut: 0, bytesOut: 0, skipped: 0, coalesced: 0, pauses: 0 };
  private paused = false;
  private lastStream: OutputStream | null = null;
  private lastEnd: RunExit | null = null;
  private gaveUp = false;
  private waitingSince: string | null = null;
  private readonly watch: WatchRestarts | null;
  private sweepOnStop = true;
  /** The terminal of a `tty: true` process, across its runs (terminal/terminal-session.ts). */
  private readonly terminal: TerminalSession | null;

  constructor(
    /** The definition this process runs. */
    readonly def: ProcessDefinition,
    private readonly settings: ManagedProcessSettings,
    private readonly hooks: ManagedProcessHooks,
  ) {
    this.watch = def.watch
      ? new WatchRestarts(def.watch, () => this.cwd(), {
          wantsRestart: () => !this.closed && ['running', 'starting', 'exited', 'failed', 'restarting'].includes(this.state),
          restart: (reason) => this.restartForChange(reason),
          warn: (message) => this.hooks.warn(`process "${this.id}": ${message}`),
        })
      : null;
    this.terminal = def.tty
      ? new TerminalSession(def.id, { output: (data) => hooks.terminalOutput(def.id, data), event: (data) => hooks.terminalEvent(def.id, data) })
      : null;
  }

  get id(): string {
    return this.def.id;
  }

  get status(): ProcessState {
    return this.state;
  }

  /** Whether a run is alive or a restart is pending. */
  get active(): boolean {
    return this.run !== null || this.restartTimer !== null;
  }

  /** The readiness verdict of the alive run (undefined without a readiness probe or a run). */
  get health(): ProcessInfo['health'] {
    return this.run?.spawned ? this.run.probes.health : undefined;
  }

  /** The last readiness failure's message of the alive run. */
  get probeFailure(): string | undefined {
    return this.run?.probes.lastFailure;
  }

  /** How the last run ended (null before any run ended, or after a new start). */
  get lastRunEnd(): RunExit | null {
    return this.lastEnd;
  }

  /** Whether the restart policy gave up. */
  get hasGivenUp(): boolean {
    return this.gaveUp;
  }

  /** The marker value of this process's runs. */
  get marker(): string {
    return `${this.settings.instance}:${this.id}`;
  }

  /** The process group of the alive run. */
  get pgid(): number | undefined {
    return this.run?.spawned ? this.run.pgid : undefined;
  }

  /** Automatic restarts of every kind since the process was defined (never reset: a counter). */
  get totalRestarts(): number {
    return this.restartsEver;
  }

  /** Resolves once the file watcher (if any) has scanned its folders. */
  whenWatching(): Promise<void> {
    return this.watch?.ready() ?? Promise.resolve();
  }

  /** A snapshot for `process.list`. */
  info(): ProcessInfo {
    const run = this.run;
    const info: ProcessInfo = {
      id: this.id,
      command: this.def.command,
      cwd: this.cwd(),
      status: this.state,
      restarts: this.restarts,
      autostart: this.def.autostart !== false,
      restartMode: restartPolicyOf(this.def).mode,
      origin: this.origin,
      ...this.counters,
      coalesced: this.counters.coalesced + (run?.coalesced ?? 0),
      paused: this.paused,
    };
    if (run?.spawned) info.pid = run.pgid;
    for (const key of ['exitCode', 'signal', 'reason', 'delayMs', 'startedAt', 'endedAt', 'waitingFor'] as const) {
      if (this.last[key] !== undefined) (info as Record<string, unknown>)[key] = this.last[key];
    }
    if (this.state === 'waiting' && this.waitingSince) info.waitingSince = this.waitingSince;
    if (this.gaveUp) info.gaveUp = true;
    if (run?.spawned) {
      if (run.probes.health) info.health = run.probes.health;
      if (run.probes.healthyAt) info.healthyAt = run.probes.healthyAt;
      const figures = this.hooks.figures(this.id);
      if (figures) Object.assign(info, figures);
    }
    if (this.def.tty) info.tty = true;
    if (this.def.stdin) info.stdin = true;
    return info;
  }

  /** Start a run (a user's start: the restart count begins again). No-op while one is alive. */
  start(): void {
    if (this.closed || this.run) return;
    this.cancelRestart();
    this.restarts = 0;
    this.streak = 0;
    this.spawnFailures = 0;
    this.gaveUp = false;
    if (!this.closed) this.watch?.start();
    this.spawnRun();
  }

  /**
   * Wait for dependencies: status `waiting` with the ids and the reason (published when either
   * changed). No-op while a run is alive or a restart is pending.
   */
  wait(waitingFor: string[], reason: string): void {
    if (this.closed || this.active) return;
    if (this.state === 'waiting' && sameList(this.last.waitingFor, waitingFor) && this.last.reason === reason) return;
    if (this.state !== 'waiting') this.waitingSince = new Date().toISOString();
    this.setStatus('waiting', { waitingFor, reason });
  }

  /**
   * Stop the run (the whole group, and what left it carrying the marker); resolves once every one
   * is gone. A waiting process becomes `stopped`; the file watcher is closed.
   */
  stop(): Promise<void> {
    void this.watch?.stop();
    if (this.run && !this.run.spawned) this.run = null; // a failed spawn being reported: no retry after it
    if (this.state === 'waiting' || this.state === 'starting') this.setStatus('stopped', {});
    if (this.restartTimer) {
      this.cancelRestart();
      this.setStatus('stopped', {});
    }
    return this.stopRun();
  }

  /**
   * Stop for good (no more starts or restarts). Calling it twice is harmless. With `sweepEscapees:
   * false`, what an ended run left outside its group is left to the caller (the supervisor's close
   * sweeps every process's at once).
   */
  async close(options: { sweepEscapees?: boolean } = {}): Promise<void> {
    this.closed = true;
    this.sweepOnStop = options.sweepEscapees !== false;
    await this.stop();
    this.terminal?.close();
  }

  /** Keystrokes to the terminal, or text to the stdin of a `stdin: true` process (`process.input`); returns the bytes written. */
  input(data: string): number {
    if (!this.terminal && !this.def.stdin) throw new MethodError('bad_params', `process "${this.id}" has no terminal and no stdin (set tty: true or stdin: true)`);
    if (!this.run?.spawned) throw new MethodError('conflict', `process "${this.id}" is not running`);
    return this.run.write(data);
  }

  /** The terminal's size, now and for later runs (`process.resize`). */
  resize(cols: number, rows: number): { cols: number; rows: number } {
    return this.terminalOf('process.resize').resize(cols, rows);
  }

  /** The terminal's current screen (`process.screen`). */
  screen(): Promise<ScreenSnapshot> {
    return this.terminalOf('process.screen').snapshot();
  }

  /** Last resort from an 'exit' handler: SIGKILL the group now, synchronously. */
  killSync(): void {
    if (!this.run?.spawned) return;
    try {
      process.kill(-this.run.pgid, 'SIGKILL');
    } catch {
      // ESRCH, or EPERM on a recycled pid: nothing of ours is left to kill.
    }
  }

  /** Lines the hub could not publish (reported after the fact: publishing is asynchronous). */
  addSkipped(count: number): void {
    this.counters.skipped += count;
    this.counters.linesOut = Math.max(0, this.counters.linesOut - count);
  }

  /** Resume output after the hub drained. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.run?.resume();
  }

  private cwd(): string {
    return resolve(this.settings.cwd, this.def.cwd ?? '.');
  }

  private terminalOf(method: string): TerminalSession {
    if (!this.terminal) throw new MethodError('bad_params', `${method}: process "${this.id}" has no terminal (set tty: true)`);
    return this.terminal;
  }

  private stopRun(): Promise<void> {
    const run = this.run;
    if (!run || !run.spawned) return this.stopEscapees();
    if (run.stopPromise) return run.stopPromise;
    run.stopRequested = true;
    run.stopPromise = (async () => {
      const { signal, graceMs } = run.stopSettings();
      const result = await terminateGroup(run.pgid, signal, { graceMs, marker: this.marker });
      // 'close' follows the group's end (the settle timer cuts pipes held elsewhere); the bound is
      // for a leader stuck in the kernel, so that stop() always resolves.
      await Promise.race([run.ended, delay(this.settings.settleMs + 5000)]);
      run.forceClose();
      this.hooks.groupGone(run.pgid);
      const extra: Partial<ProcessInfo> = { signal: result.signal };
      if (run.exitCode !== null) extra.exitCode = run.exitCode;
      if (!result.gone) extra.reason = 'some processes of the group survived SIGKILL';
      this.setStatus('stopped', extra);
    })();
    return run.stopPromise;
  }

  /** With no run alive: what an earlier run left outside its group (a daemon it started) still goes. */
  private async stopEscapees(): Promise<void> {
    if (!this.sweepOnStop) return; // the supervisor's close() sweeps every process's escapees at once
    await terminateGroup(0, stopSignalOf(this.def), { graceMs: this.def.stopGraceMs ?? DEFAULT_STOP_GRACE_MS, marker: this.marker });
  }

  private spawnRun(): void {
    this.last = {};
    this.waitingSince = null;
    this.setStatus('starting', {});
    const cwd = this.cwd();
    if (!isDirectory(cwd)) return this.fail(`working directory not found: ${cwd}`);
    const spec = {
      shell: this.settings.shell,
      command: this.def.command,
      cwd,
      env: runEnvironment(this.settings.env, this.def.env, this.marker),
      stdin: this.def.stdin === true && !this.terminal,
    };
    let run: ProcessRun;
    try {
      run = new ProcessRun(
        {
          def: this.def,
          spec,
          splitter: { maxLineBytes: this.settings.maxLineBytes, progressIntervalMs: this.settings.progressIntervalMs },
          startupWindowMs: this.settings.startupWindowMs,
          settleMs: this.settings.settleMs,
          marker: this.marker,
          paused: () => this.paused && this.run === run,
          terminal: this.terminal ?? undefined,
        },
        {
          chunk: (r, _stream, size) => this.onChunk(r, size),
          line: (_r, line, stream) => this.emitLine(line, stream),
          closed: (r) => this.onClose(r),
          spawnError: (r, err) => this.onSpawnError(r, err),
          healthChanged: (r) => this.onHealth(r),
          livenessFailed: (r, message) => r.kill(`liveness probe failed: ${message}`),
        },
      );
    } catch (err) {
      return this.onSpawnError(null, err as NodeJS.ErrnoException);
    }
    this.run = run;
    if (!run.spawned) return; // the spawn error follows
    this.spawnFailures = 0;
    this.lastEnd = null;
    const { signal, graceMs } = run.stopSettings();
    this.hooks.groupStarted(run.pgid, signal, graceMs);
    this.last.startedAt = new Date(run.startedAtMs).toISOString();
    this.setStatus('running', { pid: run.pgid });
  }

  private onSpawnError(run: ProcessRun | null, err: NodeJS.ErrnoException): void {
    if (run && this.run !== run) return;
    this.run = null;
    if (this.closed) return;
    if (!isTransientSpawnError(err.code)) return this.fail(`could not start: ${err.message}`);
    this.spawnFailures++;
    const delayMs = spawnRetryDelayMs(this.spawnFailures);
    this.setStatus('restarting', { delayMs, reason: `could not start: ${describeSpawnError(err.code)}; trying again in ${delayMs} ms` });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.closed) this.spawnRun();
    }, delayMs);
  }

  private onChunk(run: ProcessRun, size: number): void {
    this.counters.bytesOut += size;
    if (!this.paused && this.run === run && this.hooks.congested()) {
      this.paused = true;
      this.counters.pauses++;
      run.pause();
      this.hooks.waitDrain(this);
    }
  }

  private emitLine(line: string, stream: OutputStream): void {
    // A `\r` update replaces the previous line of the process. When the other stream wrote a line
    // in between, that previous line is not ours to replace: append the update instead, and later
    // updates replace it. So viewers can apply the rule per process, without tracking streams.
    if (replacesPrevious(line) && this.lastStream !== stream) line = visibleText(line);
    this.lastStream = stream;
    try {
      this.hooks.output(this.id, line, stream);
      this.counters.linesOut++;
    } catch {
      this.counters.skipped++;
    }
  }

  private onHealth(run: ProcessRun): void {
    if (this.run !== run || this.state !== 'running') return;
    const data: ProcessStatusData = { status: 'running', pid: run.pgid };
    if (run.probes.health) data.health = run.probes.health;
    if (run.probes.health === 'unhealthy' && run.probes.lastFailure) data.reason = `readiness probe failed: ${run.probes.lastFailure}`;
    this.hooks.status(this.id, data);
  }

  private onClose(run: ProcessRun): void {
    if (this.run !== run) return;
    this.counters.coalesced += run.coalesced;
    this.run = null;
    this.paused = false;
    this.last.endedAt = new Date().toISOString();
    if (run.stopRequested) return; // stopRun() reports `stopped` once the group is gone
    void (run.cleanup ?? Promise.resolve()).then(() => this.hooks.groupGone(run.pgid));
    const code = run.exitCode ?? 128 + (osConstants.signals[run.exitSignal ?? 'SIGKILL'] ?? 9);
    const failure = run.killReason ? null : run.startFailure(code);
    if (failure) {
      this.last.exitCode = code;
      return this.fail(failure);
    }
    this.lastEnd = { code, byItself: run.killReason === null };
    const extra: Partial<ProcessInfo> = { exitCode: code };
    if (run.exitSignal) extra.signal = run.exitSignal;
    if (run.killReason) extra.reason = run.killReason;
    const delayMs = this.restartDelay(code !== 0 || run.killReason !== null, run.exitedAtMs - run.startedAtMs);
    if (delayMs === 'limit') {
      this.gaveUp = true;
      extra.reason = `gave up after ${this.streak} restarts in a row${run.killReason ? ` (${run.killReason})` : ''}`;
    }
    this.setStatus('exited', extra);
    if (typeof delayMs === 'number') this.scheduleRestart(delayMs, run.killReason ?? undefined);
  }

  /** The delay before the next automatic restart, 'limit' when the cap is reached, null when none is due. */
  private restartDelay(failed: boolean, livedMs: number): number | 'limit' | null {
    const p = restartPolicyOf(this.def);
    if (this.closed || !(p.mode === 'always' || (p.mode === 'on-failure' && failed))) return null;
    if (livedMs >= p.resetAfterMs) this.streak = 0; // it ran fine for a while: a fresh crash, not a loop
    if (this.streak >= p.maxRestarts) return 'limit';
    return restartDelayMs(p, this.streak);
  }

  private scheduleRestart(delayMs: number, reason?: string): void {
    this.restarts++;
    this.restartsEver++;
    this.streak++;
    this.setStatus('restarting', reason ? { delayMs, reason } : { delayMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.closed) this.spawnRun();
    }, delayMs);
  }

  private cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  /** A burst of file changes settled (watch-restarts.ts): stop the run if any, and start again. */
  private async restartForChange(reason: string): Promise<void> {
    this.cancelRestart();
    await this.stopRun();
    if (this.closed || !this.watch?.open) return;
    this.restarts++;
    this.restartsEver++;
    this.setStatus('restarting', { delayMs: 0, reason });
    this.spawnRun();
  }

  private fail(reason: string): void {
    this.setStatus('failed', { reason });
  }

  private setStatus(status: ProcessState, extra: Partial<ProcessInfo>): void {
    this.state = status;
    const keep = { startedAt: this.last.startedAt, endedAt: this.last.endedAt, exitCode: this.last.exitCode };
    this.last = { ...keep, ...extra };
    if (status === 'starting' || status === 'running') delete this.last.exitCode;
    const data: ProcessStatusData = { status };
    for (const key of ['pid', 'exitCode', 'signal', 'reason', 'delayMs', 'waitingFor'] as const) {
      if (extra[key] !== undefined) (data as Record<string, unknown>)[key] = extra[key];
    }
    if (status === 'failed' && this.last.exitCode !== undefined) data.exitCode = this.last.exitCode;
    if (status === 'restarting') data.restarts = this.restarts;
    if (status === 'running' && this.run?.probes.health) data.health = this.run.probes.health;
    this.hooks.status(this.id, data);
  }
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
