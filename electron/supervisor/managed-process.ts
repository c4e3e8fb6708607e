/**
 * One supervised process: its runs (process-run.ts), status, output, restart policy, file watch
 * and waiting for dependencies. The Supervisor owns these and connects them to the hub through
 * {@link ManagedProcessHooks}; which dependencies hold is the Supervisor's to judge (it calls
 * {@link ManagedProcess.wait} and {@link ManagedProcess.start}).
 *
 * Each run is `/bin/sh -c COMMAND` in its own process group (run-spawn.ts) with FORCE_COLOR=1,
 * PYTHONUNBUFFERED=1 and the marker variable; with `tty: true` in a pseudo-terminal whose session
 * (terminal/terminal-session.ts) outlives the runs and takes `process.input`, `process.resize`
 * and `process.screen`; with `stdin: true` its stdin is a pipe that takes `process.input`. The
 * statuses and their fields: status-record.ts.
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
 * - Output is paused while the hub is congested, and counted (output-flow.ts); restarts are
 *   counted and timed by restart-tracker.ts.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProcessInfo, ProcessState, ScreenSnapshot } from '../../shared/protocol';
import type { ManagedProcessHooks, ManagedProcessSettings, RunExit } from './managed-process-hooks';
import { OutputFlow } from './output-flow';
import { ProcessConsole } from './process-console';
import { DEFAULT_STOP_GRACE_MS, restartPolicyOf, stopSignalOf, type ProcessDefinition } from './process-definition';
import { terminateGroup } from './process-group';
import { ProcessRun, runOptionsFor } from './process-run';
import { describeSpawnError, isTransientSpawnError } from './restart-backoff';
import { RestartTracker } from './restart-tracker';
import { healthMessage, listHealth, StatusRecord } from './status-record';
import { WatchRestarts } from './watch-restarts';

export type { ManagedProcessHooks, ManagedProcessSettings, RunExit } from './managed-process-hooks';

/** One supervised process; see the file comment. */
export class ManagedProcess {
  /** Where it came from, for the list (`config` unless added at run time). */
  origin: 'config' | 'added' = 'config';
  private readonly record = new StatusRecord();
  private run: ProcessRun | null = null;
  private closed = false;
  private readonly restart: RestartTracker;
  private readonly output: OutputFlow;
  private lastEnd: RunExit | null = null;
  private readonly watch: WatchRestarts | null;
  private sweepOnStop = true;
  private readonly console: ProcessConsole;

  constructor(
    /** The definition this process runs. */
    readonly def: ProcessDefinition,
    private readonly settings: ManagedProcessSettings,
    private readonly hooks: ManagedProcessHooks,
  ) {
    this.restart = new RestartTracker(def);
    this.output = new OutputFlow(def.id, hooks);
    this.watch = def.watch
      ? new WatchRestarts(def.watch, () => this.cwd(), {
          wantsRestart: () => !this.closed && ['running', 'starting', 'exited', 'failed', 'restarting'].includes(this.record.state),
          restart: (reason) => this.restartForChange(reason),
          warn: (message) => this.hooks.warn(`process "${this.id}": ${message}`),
        })
      : null;
    this.console = new ProcessConsole(def, hooks);
  }

  get id(): string {
    return this.def.id;
  }

  get status(): ProcessState {
    return this.record.state;
  }

  /** Whether a run is alive or a restart is pending. */
  get active(): boolean {
    return this.run !== null || this.restart.pending;
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
    return this.restart.gaveUp;
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
    return this.restart.total;
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
      status: this.record.state,
      restarts: this.restart.count,
      autostart: this.def.autostart !== false,
      restartMode: restartPolicyOf(this.def).mode,
      origin: this.origin,
      ...this.output.counters,
      coalesced: this.output.counters.coalesced + (run?.coalesced ?? 0),
      paused: this.output.paused,
    };
    if (run?.spawned) info.pid = run.pgid;
    this.record.describe(info);
    if (this.restart.gaveUp) info.gaveUp = true;
    const health = listHealth(this.def.readiness !== undefined, info.status, run?.spawned ? run.probes.health : undefined);
    if (health) info.health = health;
    if (run?.spawned) {
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
    this.restart.reset();
    if (!this.closed) this.watch?.start();
    this.spawnRun();
  }

  /**
   * Wait for dependencies: status `waiting` with the ids and the reason (published when either
   * changed). No-op while a run is alive or a restart is pending.
   */
  wait(waitingFor: string[], reason: string): void {
    if (this.closed || this.active) return;
    if (this.record.waitsFor(waitingFor, reason)) return;
    this.setStatus('waiting', { waitingFor, reason });
  }

  /**
   * Stop the run (the whole group, and what left it carrying the marker); resolves once every one
   * is gone. A waiting process becomes `stopped`; the file watcher is closed.
   */
  stop(): Promise<void> {
    void this.watch?.stop();
    if (this.run && !this.run.spawned) this.run = null; // a failed spawn being reported: no retry after it
    if (this.record.state === 'waiting' || this.record.state === 'starting') this.setStatus('stopped', {});
    if (this.restart.pending) {
      this.restart.cancel();
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
    this.console.close();
  }

  /** Keystrokes to the terminal, or text to the stdin of a `stdin: true` process (`process.input`); returns the bytes written. */
  input(data: string): number {
    return this.console.input(this.run, data);
  }

  /** The terminal's size, now and for later runs (`process.resize`). */
  resize(cols: number, rows: number): { cols: number; rows: number } {
    return this.console.resize(cols, rows);
  }

  /** The terminal's current screen (`process.screen`). */
  screen(): Promise<ScreenSnapshot> {
    return this.console.screen();
  }

  /** Last resort from an 'exit' handler: SIGKILL the group now, synchronously. */
  killSync(): void {
    this.run?.killSync();
  }

  /** Lines the hub could not publish (reported after the fact: publishing is asynchronous). */
  addSkipped(count: number): void {
    this.output.addSkipped(count);
  }

  /** Resume output after the hub drained. */
  resume(): void {
    if (this.output.resume()) this.run?.resume();
  }

  private cwd(): string {
    return resolve(this.settings.cwd, this.def.cwd ?? '.');
  }

  private stopRun(): Promise<void> {
    const run = this.run;
    if (!run || !run.spawned) return this.stopEscapees();
    if (run.stopPromise) return run.stopPromise;
    run.stopPromise = (async () => {
      const result = await run.terminate();
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
    this.record.newRun();
    this.setStatus('starting', {});
    const cwd = this.cwd();
    if (!isDirectory(cwd)) return this.fail(`working directory not found: ${cwd}`);
    let run: ProcessRun;
    try {
      run = new ProcessRun(
        runOptionsFor(this.def, this.settings, { cwd, marker: this.marker, terminal: this.console.terminal, paused: () => this.output.paused && this.run === run }),
        {
          chunk: (r, _stream, size) => this.onChunk(r, size),
          line: (_r, line, stream) => this.output.line(line, stream),
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
    this.restart.spawned();
    this.lastEnd = null;
    const { signal, graceMs } = run.stopSettings();
    this.hooks.groupStarted(run.pgid, signal, graceMs);
    this.record.last.startedAt = new Date(run.startedAtMs).toISOString();
    this.setStatus('running', { pid: run.pgid });
  }

  private onSpawnError(run: ProcessRun | null, err: NodeJS.ErrnoException): void {
    if (run && this.run !== run) return;
    this.run = null;
    if (this.closed) return;
    if (!isTransientSpawnError(err.code)) return this.fail(`could not start: ${err.message}`);
    const delayMs = this.restart.nextSpawnRetry();
    this.setStatus('restarting', { delayMs, reason: `could not start: ${describeSpawnError(err.code)}; trying again in ${delayMs} ms` });
    this.restart.schedule(delayMs, () => {
      if (!this.closed) this.spawnRun();
    });
  }

  private onChunk(run: ProcessRun, size: number): void {
    if (!this.output.chunk(size, this.run === run)) return;
    run.pause();
    this.hooks.waitDrain(this);
  }

  private onHealth(run: ProcessRun): void {
    if (this.run !== run || this.record.state !== 'running') return;
    this.hooks.status(this.id, healthMessage(run.pgid, run.probes.health, run.probes.lastFailure));
  }

  private onClose(run: ProcessRun): void {
    if (this.run !== run) return;
    this.output.runEnded(run.coalesced);
    this.run = null;
    this.record.last.endedAt = new Date().toISOString();
    if (run.stopRequested) return; // stopRun() reports `stopped` once the group is gone
    void (run.cleanup ?? Promise.resolve()).then(() => this.hooks.groupGone(run.pgid));
    const code = run.exitStatus;
    const failure = run.killReason ? null : run.startFailure(code);
    if (failure) {
      this.record.last.exitCode = code;
      return this.fail(failure);
    }
    this.lastEnd = { code, byItself: run.killReason === null };
    const extra: Partial<ProcessInfo> = { exitCode: code };
    if (run.exitSignal) extra.signal = run.exitSignal;
    if (run.killReason) extra.reason = run.killReason;
    const delayMs = this.closed ? null : this.restart.afterExit(code !== 0 || run.killReason !== null, run.exitedAtMs - run.startedAtMs);
    if (delayMs === 'limit') {
      extra.reason = `gave up after ${this.restart.streak} restarts in a row${run.killReason ? ` (${run.killReason})` : ''}`;
    }
    this.setStatus('exited', extra);
    if (typeof delayMs === 'number') this.scheduleRestart(delayMs, run.killReason ?? undefined);
  }

  private scheduleRestart(delayMs: number, reason?: string): void {
    this.restart.counted(true);
    this.setStatus('restarting', reason ? { delayMs, reason } : { delayMs });
    this.restart.schedule(delayMs, () => {
      if (!this.closed) this.spawnRun();
    });
  }

  /** A burst of file changes settled (watch-restarts.ts): stop the run if any, and start again. */
  private async restartForChange(reason: string): Promise<void> {
    this.restart.cancel();
    await this.stopRun();
    if (this.closed || !this.watch?.open) return;
    this.restart.counted(false);
    this.setStatus('restarting', { delayMs: 0, reason });
    this.spawnRun();
  }

  private fail(reason: string): void {
    this.setStatus('failed', { reason });
  }

  private setStatus(status: ProcessState, extra: Partial<ProcessInfo>): void {
    this.hooks.status(this.id, this.record.change(status, extra, this.restart.count, this.run?.probes.health));
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
