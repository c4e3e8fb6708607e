/**
 * One run of a supervised process: its spawned group (run-spawn.ts), its output cut into lines
 * (output-splitter.ts), its probes (process-probes.ts) and what is known about its end. The
 * process that owns it (managed-process.ts) decides what a run's end means (a status, a restart).
 *
 * - When the leader exits by itself and members of its group are left behind, they get the stop
 *   signal (then SIGKILL after the grace period), so a process is its whole group.
 * - Pipes held open by a process that left the group would keep 'close' from ever coming: they are
 *   cut `settleMs` after the leader's exit (unless output is paused for the hub's sake).
 */
import { constants as osConstants } from 'node:os';
import type { OutputStream } from '../../shared/protocol';
import { MethodError } from '../hub/methods';
import type { ManagedProcessSettings } from './managed-process-hooks';
import { OutputSplitter, type OutputSplitterOptions } from './output-splitter';
import { DEFAULT_STOP_GRACE_MS, stopSignalOf, type ProcessDefinition } from './process-definition';
import { groupAlive, terminateGroup, type TerminateResult } from './process-group';
import { ProcessProbes } from './process-probes';
import { runEnvironment, runKindOf, spawnRun, type RunIo, type RunSpec } from './run-spawn';
import type { TerminalSession } from './terminal/terminal-session';
import { spawnTtyRun } from './terminal/tty-run';

/** What a run tells its process. */
export interface ProcessRunHooks {
  /** A chunk of output arrived, `size` bytes (characters for a terminal), counted before it is split. */
  chunk(run: ProcessRun, stream: OutputStream, size: number): void;
  /** One output line (see output-splitter.ts for the `\r` rule). */
  line(run: ProcessRun, line: string, stream: OutputStream): void;
  /** Every output stream closed after the leader's exit: the run is over (a stop's end included). */
  closed(run: ProcessRun): void;
  /** The spawn failed after all; the run never started. */
  spawnError(run: ProcessRun, err: NodeJS.ErrnoException): void;
  /** The readiness probe's verdict changed. */
  healthChanged(run: ProcessRun): void;
  /** The liveness probe failed `failureThreshold` times in a row. */
  livenessFailed(run: ProcessRun, message: string): void;
}

/** Settings of a run. */
export interface ProcessRunOptions {
  def: ProcessDefinition;
  spec: RunSpec;
  splitter: OutputSplitterOptions;
  /** How soon after the start stderr is kept to explain an exit 127/126. */
  startupWindowMs: number;
  /** See the file comment. */
  settleMs: number;
  /** The marker of this process (what left the group goes with it when the run is killed). */
  marker: string;
  /** Whether output is paused right now (the settle timer waits for the hub to drain). */
  paused(): boolean;
  /** Run in this terminal (`tty: true`) instead of with pipes. */
  terminal?: TerminalSession;
}

/** The options of a run of `def` in `cwd` under a supervisor's settings; `marker` is its process's. */
export function runOptionsFor(
  def: ProcessDefinition,
  settings: ManagedProcessSettings,
  run: { cwd: string; marker: string; terminal: TerminalSession | null; paused: () => boolean },
): ProcessRunOptions {
  const spec = {
    shell: settings.shell,
    command: def.command,
    cwd: run.cwd,
    env: runEnvironment(settings.env, def.env, run.marker),
    stdin: def.stdin === true && !run.terminal,
  };
  return {
    def,
    spec,
    splitter: { maxLineBytes: settings.maxLineBytes, progressIntervalMs: settings.progressIntervalMs },
    startupWindowMs: settings.startupWindowMs,
    settleMs: settings.settleMs,
    marker: run.marker,
    paused: run.paused,
    terminal: run.terminal ?? undefined,
  };
}

/** One run; see the file comment. */
export class ProcessRun {
  /** The leader's pid = the group id; 0 while a failed spawn is being reported. */
  readonly pgid: number;
  readonly startedAtMs = Date.now();
  exitedAtMs = 0;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  /** The start of stderr, to explain an exit 127/126. */
  stderrHead = '';
  /** A stop was asked for (by a user, a restart, a file change). */
  stopRequested = false;
  stopPromise: Promise<void> | null = null;
  /** Why the run was ended by Switchyard although nobody stopped it (the liveness probe), if it was. */
  killReason: string | null = null;
  /** The termination of members left behind by the leader, when there were some. */
  cleanup: Promise<unknown> | null = null;
  readonly probes: ProcessProbes;
  /** Resolves once the run is over (`closed` was reported). */
  readonly ended: Promise<void>;
  private readonly io: RunIo | undefined;
  private readonly splitters: Record<OutputStream, OutputSplitter>;
  private settleTimer: NodeJS.Timeout | null = null;
  private done = false;
  private resolveEnded: () => void = () => {};

  /** Spawns the run; a synchronous spawn failure throws. */
  constructor(private readonly options: ProcessRunOptions, private readonly hooks: ProcessRunHooks) {
    this.ended = new Promise((r) => (this.resolveEnded = r));
    this.splitters = {
      stdout: new OutputSplitter((line) => this.line(line, 'stdout'), options.splitter),
      stderr: new OutputSplitter((line) => this.line(line, 'stderr'), options.splitter),
    };
    this.probes = new ProcessProbes(options.def, options.spec, {
      healthChanged: () => this.hooks.healthChanged(this),
      livenessFailed: (message) => this.hooks.livenessFailed(this, message),
    });
    const events = {
      exit: (code: number | null, signal: NodeJS.Signals | null) => this.exit(code, signal),
      close: () => this.close(),
      spawnError: (err: NodeJS.ErrnoException) => {
        this.done = true;
        this.resolveEnded();
        this.hooks.spawnError(this, err);
      },
    };
    const kind = runKindOf(options.def);
    if (kind === 'pty' && !options.terminal) throw new TypeError('a tty process runs with its terminal session');
    this.io =
      kind === 'pty' && options.terminal
        ? spawnTtyRun(options.spec, options.terminal, { ...events, output: (chars) => this.hooks.chunk(this, 'stdout', chars), line: (line) => this.line(line, 'stdout') })
        : spawnRun(kind, options.spec, { ...events, data: (stream, chunk) => this.data(stream, chunk) });
    this.pgid = this.io?.pid ?? 0;
    if (this.io) this.probes.start();
  }

  /** Whether the process is running (its spawn did not fail). */
  get spawned(): boolean {
    return this.io !== undefined;
  }

  /** The exit code as a shell reports it: 128 + the signal number for a death by signal. */
  get exitStatus(): number {
    return this.exitCode ?? 128 + (osConstants.signals[this.exitSignal ?? 'SIGKILL'] ?? 9);
  }

  /** `\r` progress states overwritten before they were sent. */
  get coalesced(): number {
    return this.splitters.stdout.coalesced + this.splitters.stderr.coalesced;
  }

  /** Pause reading output (the hub is congested). */
  pause(): void {
    this.io?.pause();
  }

  /** Read output again. */
  resume(): void {
    this.io?.resume();
  }

  /** Input for the run (`process.input`); returns the bytes written. Throws MethodError when it takes none. */
  write(data: string): number {
    if (!this.io?.write || this.done) throw new MethodError('conflict', 'the run takes no input now');
    return this.io.write(data);
  }

  /** The stop signal and the grace period of this process. */
  stopSettings(): { signal: NodeJS.Signals; graceMs: number } {
    return { signal: stopSignalOf(this.options.def), graceMs: this.options.def.stopGraceMs ?? DEFAULT_STOP_GRACE_MS };
  }

  /** End the run now (the close that follows has no `stopRequested`): the liveness probe gave up. */
  kill(reason: string): void {
    if (this.done || this.stopRequested || this.killReason) return;
    this.killReason = reason;
    this.probes.stop();
    const { signal, graceMs } = this.stopSettings();
    this.cleanup = terminateGroup(this.pgid, signal, { graceMs, marker: this.options.marker });
  }

  /** Why the command cannot run, when it exited 127 or 126 soon after the start with a matching stderr line; else null. */
  startFailure(code: number): string | null {
    if (code !== 127 && code !== 126) return null;
    if (this.exitedAtMs - this.startedAtMs > this.options.startupWindowMs) return null;
    const re = code === 127 ? /not found|no such file/i : /permission denied|cannot execute|is a directory/i;
    const line = this.stderrHead.split('\n').find((l) => re.test(l));
    if (!line) return null;
    const what = code === 127 ? 'command not found' : 'command cannot be executed';
    return `${what}: ${line.trim().slice(0, 300)}`;
  }

  /**
   * Stop the run: the group, and what left it carrying the marker, gets the stop signal, then
   * SIGKILL after the grace period. Resolves with how that went once the run is over, or once it
   * should be (a leader stuck in the kernel: then {@link forceClose}).
   */
  async terminate(): Promise<TerminateResult> {
    this.stopRequested = true;
    const { signal, graceMs } = this.stopSettings();
    const result = await terminateGroup(this.pgid, signal, { graceMs, marker: this.options.marker });
    // 'close' follows the group's end (the settle timer cuts pipes held elsewhere); the bound is
    // for a leader stuck in the kernel, so that a stop always resolves.
    await Promise.race([this.ended, delay(this.options.settleMs + 5000)]);
    return result;
  }

  /** Report the end now, if the pipes did not close by themselves (a leader stuck in the kernel). */
  forceClose(): void {
    this.close();
  }

  /** SIGKILL the group now, synchronously: the last resort of an 'exit' handler. */
  killSync(): void {
    if (!this.spawned) return;
    try {
      process.kill(-this.pgid, 'SIGKILL');
    } catch {
      // ESRCH, or EPERM on a recycled pid: nothing of ours is left to kill.
    }
  }

  private data(stream: OutputStream, chunk: Buffer): void {
    if (stream === 'stderr' && this.stderrHead.length < 4096 && Date.now() - this.startedAtMs < this.options.startupWindowMs) {
      this.stderrHead += chunk.subarray(0, 4096).toString('utf8');
    }
    this.hooks.chunk(this, stream, chunk.length);
    this.splitters[stream].push(chunk);
  }

  private line(line: string, stream: OutputStream): void {
    this.probes.line(line);
    this.hooks.line(this, line, stream);
  }

  private exit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exitCode = code;
    this.exitSignal = signal;
    this.exitedAtMs = Date.now();
    this.probes.stop();
    if (!this.stopRequested && !this.cleanup && groupAlive(this.pgid)) {
      const { signal: stopSignal, graceMs } = this.stopSettings();
      this.cleanup = terminateGroup(this.pgid, stopSignal, { graceMs });
    }
    this.armSettle();
  }

  private armSettle(): void {
    this.settleTimer = setTimeout(() => {
      if (this.options.paused()) return this.armSettle(); // still draining to the hub
      this.io?.cutOutput();
    }, this.options.settleMs);
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.probes.stop();
    this.splitters.stdout.end();
    this.splitters.stderr.end();
    if (this.exitedAtMs === 0) this.exitedAtMs = Date.now();
    this.hooks.closed(this);
    this.resolveEnded();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
