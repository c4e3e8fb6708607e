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

/** An io in `cwd` whose records folder is private to the test (a fresh XDG_RUNTIME_DIR unless given). */
export function recordingIo(overrides: Partial<CliIo> = {}): RecordedIo {
  const runtime = mkdtempSync(join(tmpdir(), 'switchyard-cli-run-'));
  const io: RecordedIo = {
    stdout: '',
    stderr: '',
    out: (text) => void (io.stdout += text),
    err: (text) => void (io.stderr += text),
    env: { PATH: process.env.PATH, HOME: runtime, XDG_RUNTIME_DIR: runtime },
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
