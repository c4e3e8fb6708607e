/**
 * Starting one run of a process: the one place that knows how a run is spawned and how its output
 * and exit reach the process (ManagedProcess). The `pipe` kind: `/bin/sh -c COMMAND`, detached (so
 * it leads its own process group and every stop reaches its grandchildren), stdin closed (a pipe
 * with `stdin: true`), stdout and stderr piped. The `pty` kind (`tty: true`) is
 * terminal/tty-run.ts: it runs in the process's terminal session, so it is spawned with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { OutputStream } from '../../shared/protocol';
import { MethodError } from '../hub/methods';
import { MARKER_VARIABLE } from './proc-reader';

/** Input a process has not read yet past which `process.input` is refused (its pipe is full). */
const MAX_UNREAD_STDIN_BYTES = 1024 * 1024;

/** What a run is started with. */
export interface RunSpec {
  shell: string;
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Keep the run's stdin open as a pipe for {@link RunIo.write} (`stdin: true`). Default: closed. */
  stdin?: boolean;
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
  /** Input for the run (its stdin, or its terminal); returns the bytes written. Absent: it takes none. Throws MethodError. */
  write?(data: string): number;
}

/**
 * The environment of a run: the base, the output defaults (unless the process sets them), the
 * process's own variables, and last the marker (`SWITCHYARD_SUPERVISED=<marker>`) that lets
 * Switchyard find what leaves the process group (process-group.ts); it overrides any inherited one.
 */
export function runEnvironment(base: NodeJS.ProcessEnv, own: Record<string, string> | undefined, marker: string): NodeJS.ProcessEnv {
  return { ...base, FORCE_COLOR: '1', PYTHONUNBUFFERED: '1', ...own, [MARKER_VARIABLE]: marker };
}

/** The kinds of run: `pipe`, and `pty` for `tty: true` (terminal/tty-run.ts). */
export type RunKind = 'pipe' | 'pty';

/** The run kind a definition asks for. */
export function runKindOf(def: { tty?: boolean }): RunKind {
  return def.tty ? 'pty' : 'pipe';
}

/**
 * Spawn a run of `kind`: returns its RunIo, or undefined when the spawn failed in a way Node
 * reports later (then `events.spawnError` follows). Throws for a failure Node reports at once.
 */
export function spawnRun(kind: RunKind, spec: RunSpec, events: RunEvents): RunIo | undefined {
  switch (kind) {
    case 'pipe':
      return spawnPipeRun(spec, events);
    case 'pty':
      throw new TypeError('a pty run is spawned with its terminal session (terminal/tty-run.ts)');
  }
}

/**
 * Spawn a `pipe` run. Returns its RunIo, or undefined when the spawn failed in a way Node reports
 * later (then `events.spawnError` follows). Throws for a failure Node reports at once.
 */
export function spawnPipeRun(spec: RunSpec, events: RunEvents): RunIo | undefined {
  const child: ChildProcess = spawn(spec.shell, ['-c', spec.command], { cwd: spec.cwd, env: spec.env, detached: true, stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
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
  child.stdin?.on('error', () => {}); // EPIPE once the process closed its stdin or exited
  child.on('exit', (code, signal) => events.exit(code, signal));
  child.on('close', () => events.close());
  const stdin = child.stdin;
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
    write: stdin
      ? (data) => {
          if (stdin.destroyed || !stdin.writable) throw new MethodError('conflict', 'the process closed its stdin');
          if (stdin.writableLength > MAX_UNREAD_STDIN_BYTES) throw new MethodError('rate_limited', `the process is not reading its stdin (over ${MAX_UNREAD_STDIN_BYTES} bytes unread)`);
          stdin.write(data);
          return Buffer.byteLength(data);
        }
      : undefined,
  };
}
