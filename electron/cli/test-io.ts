/** Test helper: a {@link CliIo} that records what a command prints, for running the CLI in-process. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../serve/serve-process';
import type { CliIo } from './cli-io';
import { runCli } from './program';

/** A recording io and what it recorded. */
export interface RecordedIo extends CliIo {
  stdout: string;
  stderr: string;
}

/** An io whose records folder is private to the test (a fresh XDG_RUNTIME_DIR and HOME, also its default cwd); `extraEnv` is added to that environment. */
export function recordingIo(overrides: Partial<CliIo> = {}, extraEnv: Record<string, string> = {}): RecordedIo {
  const runtime = mkdtempSync(join(tmpdir(), 'switchyard-cli-run-'));
  const io: RecordedIo = {
    stdout: '',
    stderr: '',
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
    env: { PATH: process.env.PATH, HOME: runtime, XDG_RUNTIME_DIR: runtime, ...extraEnv },
    cwd: runtime,
    stdoutIsTTY: false,
    readStdin: () => '',
    appRoot: REPO_ROOT,
    onSignal: () => () => {},
    ...overrides,
  };
  return io;
}

/** Run the CLI with argv in an io; resolves with the exit status and the io. */
export async function cli(argv: string[], overrides: Partial<CliIo> = {}): Promise<{ code: number; io: RecordedIo }> {
  const io = recordingIo(overrides);
  const code = await runCli(argv, io);
  return { code, io };
}

/** A `switchyard up` running in-process (its shell is a real child), and how to stop it. */
export interface RunningUp {
  io: RecordedIo;
  /** The exit status, once it ended. */
  exited: Promise<number>;
  /** Wait until stdout (and stderr) matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Send a signal as a terminal would (up passes it on to its shell), and wait for the end. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Start `switchyard up …` in-process. */
export function startUp(argv: string[], overrides: Partial<CliIo> = {}, extraEnv: Record<string, string> = {}): RunningUp {
  const listeners = new Set<(signal: NodeJS.Signals) => void>();
  const io = recordingIo(
    {
      ...overrides,
      onSignal: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    extraEnv,
  );
  const exited = runCli(argv, io);
  let done = false;
  void exited.then(() => (done = true));
  return {
    io,
    exited,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(`${io.stdout}${io.stderr}`);
        if (match) return match;
        if (done || Date.now() > deadline) throw new Error(`no ${pattern} in:\n${io.stdout}${io.stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      for (const listener of listeners) listener(signal);
      return exited;
    },
  };
}
