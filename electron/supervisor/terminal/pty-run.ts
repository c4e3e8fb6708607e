/**
 * One run of a process in a pseudo-terminal: `SHELL -c COMMAND` forked by node-pty, which makes
 * the child the leader of a new session and process group (so its pid is the group and session
 * id the supervisor signals) with the pty as its controlling terminal.
 *
 * Output is UTF-8 text decoded across chunk boundaries. On Linux the master side of a pty fails
 * with EIO as soon as the last process holding the other side exits, and what the program wrote
 * last (up to a kernel buffer, some KiB) is lost unread. So the run holds the terminal's slave
 * side open itself until the end: node-pty then reports the exit 200 ms after the leader's
 * (it destroys the master then), and the last output is read within that time.
 */
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { IPty } from '@lydell/node-pty';
import { nodePty } from './terminal-modules';

/** The size a terminal starts with when no one has resized it. */
export const DEFAULT_TERMINAL_SIZE = Object.freeze({ cols: 120, rows: 30 });
/** `TERM` of every process in a terminal (what xterm.js, on both ends, understands). */
export const TERMINAL_TYPE = 'xterm-256color';

/** Options of {@link PtyRun.spawn}. */
export interface PtySpawnOptions {
  shell: string;
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  cols: number;
  rows: number;
}

/** A live run in a pty; see the file comment. */
export class PtyRun {
  private exited = false;
  private readonly pty: IPty;
  /** Our own descriptor of the slave side; see the file comment. */
  private slave: number | null = null;

  private constructor(pty: IPty) {
    this.pty = pty;
    const name = (pty as unknown as { ptsName?: unknown }).ptsName;
    if (typeof name === 'string' && name.startsWith('/dev/')) {
      try {
        this.slave = openSync(name, fsConstants.O_RDWR | fsConstants.O_NOCTTY);
      } catch {
        // Without it only the last KiB of a program that exits while writing can be lost.
      }
    }
    pty.onExit(() => {
      this.exited = true;
      if (this.slave !== null) closeSync(this.slave);
      this.slave = null;
    });
  }

  /** Fork the run; throws with a message a user can act on (no pty support, a bad cwd). */
  static spawn(options: PtySpawnOptions): PtyRun {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
    env.TERM = TERMINAL_TYPE;
    env.COLORTERM ??= 'truecolor';
    const pty = nodePty().spawn(options.shell, ['-c', options.command], {
      name: TERMINAL_TYPE,
      cols: options.cols,
      rows: options.rows,
      cwd: options.cwd,
      env,
    });
    return new PtyRun(pty);
  }

  /** The leader's pid: also the id of its process group and session. */
  get pid(): number {
    return this.pty.pid;
  }

  /** Text the run wrote to its terminal. */
  onData(listener: (data: string) => void): void {
    this.pty.onData(listener);
  }

  /** The run ended and its terminal was read to the end: the exit code, or the signal that killed it. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.pty.onExit(({ exitCode, signal }) => {
      const name = signal ? signalName(signal) : null;
      listener(name ? null : exitCode, name);
    });
  }

  /** Keystrokes (or any bytes) to the terminal, as a user would type them. */
  write(data: string): void {
    if (!this.exited) this.pty.write(data);
  }

  /**
   * Bytes written to the terminal that it has not taken yet (a program that does not read its
   * input); 0 when node-pty does not say.
   */
  get pendingInputBytes(): number {
    const socket = (this.pty as unknown as { _socket?: { writableLength?: number } })._socket;
    return typeof socket?.writableLength === 'number' ? socket.writableLength : 0;
  }

  /** Set the terminal size (the foreground program gets SIGWINCH). */
  resize(cols: number, rows: number): void {
    if (!this.exited) this.pty.resize(cols, rows);
  }

  /** Stop reading output (the program blocks once the terminal's buffer is full). */
  pause(): void {
    if (!this.exited) this.pty.pause();
  }

  /** Read output again. */
  resume(): void {
    if (!this.exited) this.pty.resume();
  }
}

function signalName(n: number): NodeJS.Signals | null {
  for (const [name, value] of Object.entries(osConstants.signals)) if (value === n) return name as NodeJS.Signals;
  return null;
}
