/**
 * One supervised process: its runs, status, output and restart policy. The Supervisor owns these
 * and connects them to the hub through {@link ManagedProcessHooks}.
 *
 * Each run is `/bin/sh -c COMMAND`, detached (so it leads its own process group and every stop
 * reaches its grandchildren), stdin closed, stdout and stderr piped, with FORCE_COLOR=1 and
 * PYTHONUNBUFFERED=1 unless the process's env says otherwise. Statuses, in order:
 * `starting` → `running` {pid} → `exited` {exitCode, signal?} | `failed` {reason} |
 * `stopped` {signal, exitCode?}, then `restarting` {delayMs, restarts} when the policy says so.
 * `exitCode` is the shell's: a run killed by a signal reports 128 + the signal number and
 * `signal`; after a stop, the shell itself may die of the stop signal, so `exitCode` may be absent.
 * A process never started is reported as `stopped` without a signal.
 *
 * - `failed`: the run could not start: a missing working directory, a spawn error, or the shell's
 *   exit code 127 ("not found") or 126 ("cannot execute") within `startupWindowMs`, with a
 *   matching message on stderr. A failed process is not restarted (it would fail again).
 * - When the leader exits by itself and members of its group are left behind, they get the stop
 *   signal (then SIGKILL after the grace period), so a process is its whole group.
 * - Output is read chunk by chunk; when the hub reports congestion both pipes are paused until it
 *   drains, so the child blocks on write instead of our memory growing. A line the hub refuses
 *   (its publish throws) is counted in `skipped`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { resolve } from 'node:path';
import type { OutputStream, ProcessInfo, ProcessState, ProcessStatusData } from '../../shared/protocol';
import { OutputSplitter } from './output-splitter';
import { DEFAULT_STOP_GRACE_MS, restartPolicyOf, type ProcessDefinition } from './process-definition';
import { groupAlive, signalGroup, terminateGroup } from './process-group';

/** How a managed process reaches the hub and the watchdog. */
export interface ManagedProcessHooks {
  /** Send one line; a throw counts the line as skipped. */
  output(id: string, line: string, stream: OutputStream): void;
  /** A status change. */
  status(id: string, data: ProcessStatusData): void;
  /** Whether the hub wants producers to pause. */
  congested(): boolean;
  /** Call `process.resume()` once the hub drains. */
  waitDrain(process: ManagedProcess): void;
  /** A process group started (for the watchdog). */
  groupStarted(pgid: number, signal: NodeJS.Signals, graceMs: number): void;
  /** A process group is gone. */
  groupGone(pgid: number): void;
}

/** Run-time settings shared by all processes of a supervisor. */
export interface ManagedProcessSettings {
  /** Base for relative `cwd`. */
  cwd: string;
  /** Base environment. */
  env: NodeJS.ProcessEnv;
  /** The shell. */
  shell: string;
  /** See OutputSplitter. */
  maxLineBytes?: number;
  /** See OutputSplitter. */
  progressIntervalMs?: number;
  /** How soon after start an exit 127/126 counts as `failed`. */
  startupWindowMs: number;
  /** How long to wait for the pipes to close after the leader exits (held by escaped processes). */
  settleMs: number;
}

interface Run {
  child: ChildProcess;
  pgid: number;
  startedAtMs: number;
  exitedAtMs: number;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stderrHead: string;
  stopRequested: boolean;
  stopPromise: Promise<void> | null;
  cleanup: Promise<unknown> | null;
  settleTimer: NodeJS.Timeout | null;
  /** onClose ran. */
  done: boolean;
  ended: Promise<void>;
  resolveEnded: () => void;
  splitters: Record<OutputStream, OutputSplitter>;
}

/** One supervised process; see the file comment. */
export class ManagedProcess {
  private status: ProcessState = 'stopped';
  private run: Run | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private last: Partial<ProcessInfo> = {};
  private restarts = 0;
  /** Automatic restarts since the last run that lived `resetAfterMs`: drives the backoff and the cap. */
  private streak = 0;
  private counters = { linesOut: 0, bytesOut: 0, skipped: 0, coalesced: 0, pauses: 0 };
  private paused = false;
  private lastStream: OutputStream | null = null;

  constructor(
    /** The definition this process runs. */
    readonly def: ProcessDefinition,
    private readonly settings: ManagedProcessSettings,
    private readonly hooks: ManagedProcessHooks,
  ) {}

  /** The process id. */
  get id(): string {
    return this.def.id;
  }

  /** Whether a run is alive or a restart is pending. */
  get active(): boolean {
    return this.run !== null || this.restartTimer !== null;
  }

  /** A snapshot for `process.list`. */
  info(): ProcessInfo {
    const live = this.run ? this.run.splitters.stdout.coalesced + this.run.splitters.stderr.coalesced : 0;
    const info: ProcessInfo = {
      id: this.id,
      command: this.def.command,
      cwd: this.cwd(),
      status: this.status,
      restarts: this.restarts,
      autostart: this.def.autostart !== false,
      restartMode: restartPolicyOf(this.def).mode,
      ...this.counters,
      coalesced: this.counters.coalesced + live,
      paused: this.paused,
    };
    if (this.run) info.pid = this.run.pgid;
    for (const key of ['exitCode', 'signal', 'reason', 'delayMs', 'startedAt', 'endedAt'] as const) {
      if (this.last[key] !== undefined) (info as unknown as Record<string, unknown>)[key] = this.last[key];
    }
    return info;
  }

  /** Start a run (a user's start: the restart count begins again). No-op while one is alive. */
  start(): void {
    if (this.closed || this.run) return;
    this.cancelRestart();
    this.restarts = 0;
    this.streak = 0;
    this.spawnRun();
  }

  /** Stop the run (the whole group); resolves once every member is gone. No-op when none is alive. */
  stop(): Promise<void> {
    if (this.restartTimer) {
      this.cancelRestart();
      this.setStatus('stopped', {});
      return Promise.resolve();
    }
    const run = this.run;
    if (!run) return Promise.resolve();
    if (run.stopPromise) return run.stopPromise;
    run.stopRequested = true;
    run.stopPromise = (async () => {
      const sig = this.def.stopSignal ?? 'SIGTERM';
      const result = await terminateGroup(run.pgid, sig, { graceMs: this.def.stopGraceMs ?? DEFAULT_STOP_GRACE_MS });
      // 'close' follows the group's end (the settle timer cuts pipes held elsewhere); the bound is
      // for a leader stuck in the kernel, so that close() always resolves.
      await Promise.race([run.ended, delay(this.settings.settleMs + 5000)]);
      if (this.run === run) this.onClose(run);
      this.hooks.groupGone(run.pgid);
      const extra: Partial<ProcessInfo> = { signal: result.signal };
      if (run.exitCode !== null) extra.exitCode = run.exitCode;
      if (!result.gone) extra.reason = 'some processes of the group survived SIGKILL';
      this.setStatus('stopped', extra);
    })();
    return run.stopPromise;
  }

  /** Stop, then start. */
  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  /** Stop for good (no more starts or restarts). Calling it twice is harmless. */
  close(): Promise<void> {
    this.closed = true;
    return this.stop();
  }

  /** Last resort from an 'exit' handler: SIGKILL the group now, synchronously. */
  killSync(): void {
    if (!this.run) return;
    try {
      signalGroup(this.run.pgid, 'SIGKILL');
    } catch {
      // EPERM on a recycled pid: nothing of ours is left to kill.
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
    this.run?.child.stdout?.resume();
    this.run?.child.stderr?.resume();
  }

  private cwd(): string {
    return resolve(this.settings.cwd, this.def.cwd ?? '.');
  }

  private spawnRun(): void {
    this.last = {};
    this.setStatus('starting', {});
    const cwd = this.cwd();
    if (!isDirectory(cwd)) return this.fail(`working directory not found: ${cwd}`);
    const env = { ...this.settings.env, FORCE_COLOR: '1', PYTHONUNBUFFERED: '1', ...this.def.env };
    let child: ChildProcess;
    try {
      child = spawn(this.settings.shell, ['-c', this.def.command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      return this.fail(`could not start: ${(err as Error).message}`);
    }
    if (child.pid === undefined) {
      child.once('error', (err) => this.fail(`could not start: ${err.message}`));
      return;
    }
    child.on('error', () => {
      // Errors after a successful spawn (a failed kill) surface through exit and stop instead.
    });
    let resolveEnded = (): void => {};
    const ended = new Promise<void>((r) => (resolveEnded = r));
    const splitterOptions = { maxLineBytes: this.settings.maxLineBytes, progressIntervalMs: this.settings.progressIntervalMs };
    const run: Run = {
      child,
      pgid: child.pid,
      startedAtMs: Date.now(),
      exitedAtMs: 0,
      exitCode: null,
      exitSignal: null,
      stderrHead: '',
      stopRequested: false,
      stopPromise: null,
      cleanup: null,
      settleTimer: null,
      done: false,
      ended,
      resolveEnded,
      splitters: {
        stdout: new OutputSplitter((line) => this.emitLine(line, 'stdout'), splitterOptions),
        stderr: new OutputSplitter((line) => this.emitLine(line, 'stderr'), splitterOptions),
      },
    };
    this.run = run;
    const grace = this.def.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    this.hooks.groupStarted(run.pgid, this.def.stopSignal ?? 'SIGTERM', grace);
    this.last.startedAt = new Date(run.startedAtMs).toISOString();
    this.setStatus('running', { pid: run.pgid });

    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.on('data', (chunk: Buffer) => this.onData(run, stream, chunk));
      child[stream]?.on('error', () => {});
    }
    child.on('exit', (code, signal) => {
      run.exitCode = code;
      run.exitSignal = signal;
      run.exitedAtMs = Date.now();
      if (!run.stopRequested && groupAlive(run.pgid)) {
        run.cleanup = terminateGroup(run.pgid, this.def.stopSignal ?? 'SIGTERM', { graceMs: grace });
      }
      this.armSettle(run);
    });
    child.on('close', () => this.onClose(run));
  }

  private onData(run: Run, stream: OutputStream, chunk: Buffer): void {
    this.counters.bytesOut += chunk.length;
    if (stream === 'stderr' && run.stderrHead.length < 4096 && Date.now() - run.startedAtMs < this.settings.startupWindowMs) {
      run.stderrHead += chunk.subarray(0, 4096).toString('utf8');
    }
    run.splitters[stream].push(chunk);
    if (!this.paused && this.run === run && this.hooks.congested()) {
      this.paused = true;
      this.counters.pauses++;
      run.child.stdout?.pause();
      run.child.stderr?.pause();
      this.hooks.waitDrain(this);
    }
  }

  private emitLine(line: string, stream: OutputStream): void {
    // A `\r` update replaces the previous line of the process. When the other stream wrote a line
    // in between, that previous line is not ours to replace: append the update instead, and later
    // updates replace it. So viewers can apply the rule per process, without tracking streams.
    if (line.charCodeAt(0) === 13 && this.lastStream !== stream) line = line.slice(1);
    this.lastStream = stream;
    try {
      this.hooks.output(this.id, line, stream);
      this.counters.linesOut++;
    } catch {
      this.counters.skipped++;
    }
  }

  /** Pipes held open by a process that left the group would block 'close' forever: cut them. */
  private armSettle(run: Run): void {
    run.settleTimer = setTimeout(() => {
      if (this.paused && this.run === run) return this.armSettle(run); // still draining to the hub
      run.child.stdout?.destroy();
      run.child.stderr?.destroy();
    }, this.settings.settleMs);
  }

  private onClose(run: Run): void {
    if (run.done) return;
    run.done = true;
    if (run.settleTimer) clearTimeout(run.settleTimer);
    run.splitters.stdout.end();
    run.splitters.stderr.end();
    this.counters.coalesced += run.splitters.stdout.coalesced + run.splitters.stderr.coalesced;
    this.run = null;
    this.paused = false;
    this.last.endedAt = new Date().toISOString();
    if (run.stopRequested) {
      run.resolveEnded(); // stop() reports `stopped` once the group is gone
      return;
    }
    void (run.cleanup ?? Promise.resolve()).then(() => this.hooks.groupGone(run.pgid));
    const code = run.exitCode ?? 128 + (osConstants.signals[run.exitSignal ?? 'SIGKILL'] ?? 9);
    const failure = this.startFailure(run, code);
    if (failure) {
      this.last.exitCode = code;
      this.fail(failure);
    } else {
      const extra: Partial<ProcessInfo> = { exitCode: code };
      if (run.exitSignal) extra.signal = run.exitSignal;
      const delay = this.restartDelay(code !== 0, run.exitedAtMs - run.startedAtMs);
      if (delay === 'limit') extra.reason = `gave up after ${this.streak} restarts in a row`;
      this.setStatus('exited', extra);
      if (typeof delay === 'number') this.scheduleRestart(delay);
    }
    run.resolveEnded();
  }

  private startFailure(run: Run, code: number): string | null {
    if (code !== 127 && code !== 126) return null;
    if (run.exitedAtMs - run.startedAtMs > this.settings.startupWindowMs) return null;
    const re = code === 127 ? /not found|no such file/i : /permission denied|cannot execute|is a directory/i;
    const line = run.stderrHead.split('\n').find((l) => re.test(l));
    if (!line) return null;
    const what = code === 127 ? 'command not found' : 'command cannot be executed';
    return `${what}: ${line.trim().slice(0, 300)}`;
  }

  /** The delay before the next automatic restart, 'limit' when the cap is reached, null when none is due. */
  private restartDelay(failed: boolean, livedMs: number): number | 'limit' | null {
    const p = restartPolicyOf(this.def);
    if (this.closed || !(p.mode === 'always' || (p.mode === 'on-failure' && failed))) return null;
    if (livedMs >= p.resetAfterMs) this.streak = 0; // it ran fine for a while: a fresh crash, not a loop
    if (this.streak >= p.maxRestarts) return 'limit';
    return Math.min(p.initialDelayMs * p.multiplier ** this.streak, p.maxDelayMs);
  }

  private scheduleRestart(delayMs: number): void {
    this.restarts++;
    this.streak++;
    this.setStatus('restarting', { delayMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.closed) this.spawnRun();
    }, delayMs);
  }

  private cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private fail(reason: string): void {
    this.setStatus('failed', { reason });
  }

  private setStatus(status: ProcessState, extra: Partial<ProcessInfo>): void {
    this.status = status;
    const keep = { startedAt: this.last.startedAt, endedAt: this.last.endedAt, exitCode: this.last.exitCode };
    this.last = { ...keep, ...extra };
    if (status === 'starting' || status === 'running') delete this.last.exitCode;
    const data: ProcessStatusData = { status };
    for (const key of ['pid', 'exitCode', 'signal', 'reason', 'delayMs'] as const) {
      if (extra[key] !== undefined) (data as Record<string, unknown>)[key] = extra[key];
    }
    if (status === 'failed' && this.last.exitCode !== undefined) data.exitCode = this.last.exitCode;
    if (status === 'restarting') data.restarts = this.restarts;
    this.hooks.status(this.id, data);
  }
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
