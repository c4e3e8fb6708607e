/**
 * Starting one run of a process: the one place that knows how a run is spawned and how its output
 * and exit reach the process (ManagedProcess). Today's kind is `pipe`: `/bin/sh -c COMMAND`,
 * detached (so it leads its own process group and every stop reaches its grandchildren), stdin
 * closed, stdout and stderr piped. A second kind (a pseudo-terminal for `tty: true`) plugs in
 * beside {@link spawnPipeRun} with the same {@link RunIo} and {@link RunEvents}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { OutputStream } from '../../shared/protocol';
import { MARKER_VARIABLE } from './proc-reader';

/** What a run is started with. */
export interface RunSpec {
  shell: string;
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** What a run reports. Every callback comes asynchronously, after the spawn call returned. */
export interface RunEvents {
  /** A chunk of output. */
  data(stream: OutputStream, chunk: Buffer): void;
  /** The leader exited (output may still be coming). */
  exit(code: number | null, signal: NodeJS.Signals | null): void;
  /** Every output stream is closed: nothing more will come. */
  close(): void;
  /** The spawn failed after all (e.g. EMFILE: no descriptor for the pipes); no other event follows. */
  spawnError(err: NodeJS.ErrnoException): void;
}

/** A started run, as its process drives it. */
export interface RunIo {
  /** The leader's pid, which is also its process group id. */
  readonly pid: number;
  /** Stop reading output (back-pressure: the child blocks on write). */
  pause(): void;
  /** Read output again. */
  resume(): void;
  /** Close the output streams now (held open by a process that left the group after the leader exited). */
  cutOutput(): void;
}

/**
 * The environment of a run: the base, the output defaults (unless the process sets them), the
 * process's own variables, and last the marker (`SWITCHYARD_SUPERVISED=<marker>`) that lets
 * Switchyard find what leaves the process group (process-group.ts); it overrides any inherited one.
 */
export function runEnvironment(base: NodeJS.ProcessEnv, own: Record<string, string> | undefined, marker: string): NodeJS.ProcessEnv {
  return { ...base, FORCE_COLOR: '1', PYTHONUNBUFFERED: '1', ...own, [MARKER_VARIABLE]: marker };
}

/** The kinds of run: `pipe` today; `pty` (for `tty: true`) is the next. */
export type RunKind = 'pipe';

/** The run kind a definition asks for. `tty: true` still runs as `pipe` until the `pty` kind exists. */
export function runKindOf(_def: { tty?: boolean }): RunKind {
  return 'pipe';
}

/**
 * Spawn a run of `kind`: returns its RunIo, or undefined when the spawn failed in a way Node
 * reports later (then `events.spawnError` follows). Throws for a failure Node reports at once.
 */
export function spawnRun(kind: RunKind, spec: RunSpec, events: RunEvents): RunIo | undefined {
  switch (kind) {
    case 'pipe':
      return spawnPipeRun(spec, events);
  }
}

/**
 * Spawn a `pipe` run. Returns its RunIo, or undefined when the spawn failed in a way Node reports
 * later (then `events.spawnError` follows). Throws for a failure Node reports at once.
 */
export function spawnPipeRun(spec: RunSpec, events: RunEvents): RunIo | undefined {
  const child: ChildProcess = spawn(spec.shell, ['-c', spec.command], { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) {
    child.once('error', (err) => events.spawnError(err as NodeJS.ErrnoException));
    return undefined;
  }
  const pid = child.pid;
  child.on('error', () => {
    // Errors after a successful spawn (a failed kill) surface through exit and stop instead.
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.on('data', (chunk: Buffer) => events.data(stream, chunk));
    child[stream]?.on('error', () => {});
  }
  child.on('exit', (code, signal) => events.exit(code, signal));
  child.on('close', () => events.close());
  return {
    pid,
    pause() {
      child.stdout?.pause();
      child.stderr?.pause();
    },
    resume() {
      child.stdout?.resume();
      child.stderr?.resume();
    },
    cutOutput() {
      (child.stdout as Socket | null)?.destroy();
      (child.stderr as Socket | null)?.destroy();
    },
  };
}
