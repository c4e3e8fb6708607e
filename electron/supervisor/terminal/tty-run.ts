/**
 * The `tty` kind of run (run-spawn.ts has the `pipe` kind): `SHELL -c COMMAND` in a pseudo-terminal
 * (pty-run.ts) at the size of the process's {@link TerminalSession}, which publishes its output
 * and turns it into log lines. The run reports like a pipe run, except that output comes as lines
 * taken from the terminal's screen (line-log.ts) and a count of characters, not as raw chunks, and
 * that `close` follows `exit` once the last lines were taken from the screen.
 */
import type { RunEvents, RunIo, RunSpec } from '../run-spawn';
import { PtyRun } from './pty-run';
import type { TerminalSession } from './terminal-session';

/** What a tty run reports. */
export interface TtyRunEvents extends Omit<RunEvents, 'data'> {
  /** Characters of output arrived (already on their way as `terminal_output`). */
  output(chars: number): void;
  /** A log line taken from the screen. */
  line(line: string): void;
}

/** Spawn a `tty` run of `spec` into `session`; throws when it cannot start (no pty support, fork failed). */
export function spawnTtyRun(spec: RunSpec, session: TerminalSession, events: TtyRunEvents): RunIo {
  const run = PtyRun.spawn({ ...spec, ...session.size });
  run.onData((data) => events.output(data.length));
  run.onExit((code, signal) => {
    events.exit(code, signal);
    void session.detach().then(() => events.close());
  });
  session.attach(run, events.line);
  return {
    pid: run.pid,
    pause: () => session.hold('hub'),
    resume: () => session.release('hub'),
    cutOutput: () => {
      // node-pty ends the run 200 ms after the leader's exit whoever holds the terminal.
    },
    write: (data) => session.input(data),
  };
}
