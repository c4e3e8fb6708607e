/**
 * The server's copy of a process's terminal: an @xterm/headless terminal fed the very chunks that
 * went out as `terminal_output`, in channel order. A viewer that opens late or reconnects asks for
 * {@link TerminalScreen.snapshot}: the serialized screen (scrollback included) of every chunk
 * written before the call (the session adds the `seq` of the last one).
 *
 * What the serializer leaves out (the scroll region, a hidden cursor) is appended (screen-extras.ts).
 *
 * The headless terminal parses asynchronously; a resize and a snapshot are queued behind the
 * writes before them (a write callback runs right after its chunk is parsed, before the next
 * one), so each sees exactly the chunks published before it. Memory is bounded by the scrollback
 * (rows) and by `pendingBytes`, which the owner keeps low by pausing the producer.
 */
import type { IDisposable, Terminal } from '@xterm/headless';
import type { SerializeAddon } from '@xterm/addon-serialize';
import type { ScreenSnapshot } from '../../../shared/protocol';
import { LineLog, type LineLogOptions } from './line-log';
import { screenExtras } from './screen-extras';
import { MethodError } from '../../hub/methods';
import { xtermHeadless } from './terminal-modules';

function closedError(): MethodError {
  return new MethodError('conflict', 'the terminal is closed (its process was removed, or Switchyard is stopping)');
}

/** Default rows of scrollback kept (the headless terminal's and the dashboard's). */
export const DEFAULT_SCROLLBACK = 1000;

/** Options of {@link TerminalScreen}. */
export interface TerminalScreenOptions extends LineLogOptions {
  cols: number;
  rows: number;
  /** Rows of scrollback. Default {@link DEFAULT_SCROLLBACK}. */
  scrollback?: number;
  /** Receives the log lines taken from the screen (see line-log.ts). */
  onLine: (line: string) => void;
  /**
   * Receives the terminal's answers to the program's queries (cursor position, device
   * attributes, colours): the server answers them, once, whoever watches (viewers' pages do not).
   */
  onReply: (data: string) => void;
}

/** One process's headless terminal; see the file comment. */
export class TerminalScreen {
  private readonly term: Terminal;
  private readonly serializer: SerializeAddon;
  private readonly lines: LineLog;
  private readonly drainListeners: (() => void)[] = [];
  private pending = 0;
  private closed = false;
  /** Snapshots waiting for the parser; a close fails them rather than leaving them unanswered. */
  private readonly waiting = new Set<(err: Error) => void>();

  constructor(options: TerminalScreenOptions) {
    const { Terminal, SerializeAddon } = xtermHeadless();
    this.term = new Terminal({ cols: options.cols, rows: options.rows, scrollback: options.scrollback ?? DEFAULT_SCROLLBACK, allowProposedApi: true });
    this.serializer = new SerializeAddon();
    this.term.loadAddon(this.serializer as unknown as IDisposable & { activate(t: unknown): void });
    this.lines = new LineLog(this.term, options.onLine, options);
    this.term.onData(options.onReply);
  }

  /** Columns and rows now (after the queued resizes have been applied). */
  get size(): { cols: number; rows: number } {
    return { cols: this.term.cols, rows: this.term.rows };
  }

  /** Characters written and not parsed yet. */
  get pendingBytes(): number {
    return this.pending;
  }

  /** Feed a chunk (in the order it was published). */
  write(data: string): void {
    if (this.closed) return;
    this.pending += data.length;
    this.term.write(data, () => {
      this.pending -= data.length;
      if (this.drainListeners.length && this.pending === 0) for (const l of this.drainListeners.splice(0)) l();
    });
  }

  /** Resize once the chunks written so far are parsed (in order with them). */
  resize(cols: number, rows: number): void {
    this.after(() => this.term.resize(cols, rows));
  }

  /** The screen of every chunk written so far, once they are parsed (later ones are not in it). */
  snapshot(): Promise<Omit<ScreenSnapshot, 'seq'>> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(closedError());
      this.waiting.add(reject);
      this.after(() => {
        this.waiting.delete(reject);
        resolve({ data: this.serializer.serialize() + screenExtras(this.term), cols: this.term.cols, rows: this.term.rows });
      });
    });
  }

  /** Log the rows not logged yet, once the chunks written so far are parsed (a run ended); resolves after. */
  endOfRun(): Promise<void> {
    return new Promise((resolve) => this.after(() => (this.lines.flush(), resolve())));
  }

  /** Call `listener` once nothing is left to parse. */
  onDrained(listener: () => void): void {
    if (this.pending === 0) queueMicrotask(listener);
    else this.drainListeners.push(listener);
  }

  /** Release the terminal; twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lines.dispose();
    this.term.dispose();
    for (const l of this.drainListeners.splice(0)) l();
    for (const reject of this.waiting) reject(closedError());
    this.waiting.clear();
  }

  private after(fn: () => void): void {
    if (this.closed) return;
    this.term.write('', fn);
  }
}
