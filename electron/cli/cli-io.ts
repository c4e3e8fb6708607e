/** What the commands touch of the outside world, passed in so that tests run them in-process. */
import { readFileSync } from 'node:fs';

/** The command line's surroundings. */
export interface CliIo {
  /** Write to stdout (text as is: the caller adds newlines). */
  out(text: string): void;
  /** Write to stderr. */
  err(text: string): void;
  /** The environment the command runs in (`process.env`, or a test's): SWITCHYARD_TOKEN, PATH, DISPLAY, and what a launched shell inherits. */
  env: Record<string, string | undefined>;
  /** The folder the command was run in. */
  cwd: string;
  /** Whether stdout is a terminal (colours, alignment to its width). */
  stdoutIsTTY: boolean;
  /** Everything on stdin, read to its end (`--token-stdin`). */
  readStdin(): string;
  /** The installed package's root (holds out/, resources/, package.json). */
  appRoot: string;
  /**
   * Hear SIGINT, SIGTERM and SIGHUP (Ctrl-C, `kill`, a closed terminal). While a listener is on,
   * those signals no longer end the process by themselves. Returns a function removing it.
   */
  onSignal(listener: (signal: NodeJS.Signals) => void): () => void;
}

/** The real process's io. */
export function processIo(appRoot: string): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    readStdin: () => readFileSync(0, 'utf8'),
    appRoot,
    onSignal(listener) {
      const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      for (const signal of signals) process.on(signal, listener);
      return () => {
        for (const signal of signals) process.off(signal, listener);
      };
    },
  };
}
