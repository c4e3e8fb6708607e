/**
 * What users type into a process and see of it beyond its lines: keystrokes for its terminal
 * (`tty: true`; the session outlives the runs, terminal/terminal-session.ts) or text for its stdin
 * (`stdin: true`), and the terminal's size and screen. A refusal is a MethodError, which the hub
 * answers with.
 */
import type { ScreenSnapshot } from '../../shared/protocol';
import { MethodError } from '../hub/methods';
import type { ManagedProcessHooks } from './managed-process-hooks';
import type { ProcessDefinition } from './process-definition';
import type { ProcessRun } from './process-run';
import { TerminalSession } from './terminal/terminal-session';

/** The input side of one process, across its runs. */
export class ProcessConsole {
  /** The terminal of a `tty: true` process, across its runs; null for the others. */
  readonly terminal: TerminalSession | null;

  constructor(
    private readonly def: ProcessDefinition,
    hooks: Pick<ManagedProcessHooks, 'terminalOutput' | 'terminalEvent'>,
  ) {
    this.terminal = def.tty
      ? new TerminalSession(def.id, { output: (data) => hooks.terminalOutput(def.id, data), event: (data) => hooks.terminalEvent(def.id, data) })
      : null;
  }

  /** Keystrokes to the terminal, or text to the stdin, of the alive run (`process.input`); returns the bytes written. */
  input(run: ProcessRun | null, data: string): number {
    if (!this.terminal && !this.def.stdin) throw new MethodError('bad_params', `process "${this.def.id}" has no terminal and no stdin (set tty: true or stdin: true)`);
    if (!run?.spawned) throw new MethodError('conflict', `process "${this.def.id}" is not running`);
    return run.write(data);
  }

  /** The terminal's size, now and for later runs (`process.resize`). */
  resize(cols: number, rows: number): { cols: number; rows: number } {
    return this.terminalOf('process.resize').resize(cols, rows);
  }

  /** The terminal's current screen (`process.screen`). */
  screen(): Promise<ScreenSnapshot> {
    return this.terminalOf('process.screen').snapshot();
  }

  /** Close the terminal (the process is closed for good). */
  close(): void {
    this.terminal?.close();
  }

  private terminalOf(method: string): TerminalSession {
    if (!this.terminal) throw new MethodError('bad_params', `${method}: process "${this.def.id}" has no terminal (set tty: true)`);
    return this.terminal;
  }
}
