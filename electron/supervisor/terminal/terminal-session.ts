/**
 * The terminal of one `tty: true` process, across its runs: what its pty writes goes out as
 * `terminal_output` on `process:<id>` and into the headless {@link TerminalScreen}, which turns it
 * into log lines (line-log.ts) and answers `process.screen`; keystrokes and sizes go the other way.
 *
 * - Output is batched: the chunks read in one turn of the event loop go out as one message, cut
 *   at `maxChunkChars` (never inside a surrogate pair), so a flood makes few, bounded messages.
 * - The pty is paused while the headless terminal has more than `maxPendingChars` to parse, or
 *   while the owner holds it (the hub is congested): the program then blocks on its writes, and
 *   memory stays bounded.
 * - The size outlives a run: a resize while nothing runs is the next run's size. Every resize is
 *   published on the channel as `{"type":"event","data":{"kind":"terminal_resize","cols","rows"}}`,
 *   in order with the output, so every viewer's screen keeps the size the program draws for.
 * - The headless terminal answers the program's queries (cursor position, device attributes): the
 *   answer reaches the program once, whether anyone watches or not; the dashboard's views hold
 *   theirs back (renderer/src/terminal/terminal-replies.ts).
 * - A run after the first begins with {@link RUN_SEPARATOR} (leave the alternate screen, soft
 *   reset, mouse and bracketed paste off, new line): the previous run's scrollback stays, its
 *   modes do not.
 */
import { MethodError } from '../../hub/methods';
import type { ScreenSnapshot, TerminalResizeEvent } from '../../../shared/protocol';
import { DEFAULT_TERMINAL_SIZE, type PtyRun } from './pty-run';
import { TerminalScreen } from './terminal-screen';

/** Written between two runs; see the file comment. */
export const RUN_SEPARATOR = '\x1b[?1049l\x1b[!p\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[0m\r\n';
/** Default longest `terminal_output` data, in UTF-16 code units. */
export const DEFAULT_MAX_CHUNK_CHARS = 16 * 1024;
/** Default parse backlog past which the pty is paused. */
export const DEFAULT_MAX_PENDING_CHARS = 1024 * 1024;
/** Input the program has not read yet past which `process.input` is refused. */
export const MAX_UNREAD_INPUT_BYTES = 1024 * 1024;

/** How a session reaches the hub: both publish on the process's channel, numbered in call order. */
export interface TerminalSessionHooks {
  /** A chunk as `terminal_output`; resolves with its `seq`, rejects when it was refused. */
  output(data: string): Promise<number>;
  /** An `event` (the resize event). */
  event(data: TerminalResizeEvent): void;
}

/** Options of {@link TerminalSession}. */
export interface TerminalSessionOptions {
  /** Start size. Default {@link DEFAULT_TERMINAL_SIZE}. */
  cols?: number;
  rows?: number;
  /** Rows of scrollback of the headless terminal. Default 1000. */
  scrollback?: number;
  /** See {@link DEFAULT_MAX_CHUNK_CHARS}. */
  maxChunkChars?: number;
  /** See {@link DEFAULT_MAX_PENDING_CHARS}. */
  maxPendingChars?: number;
  /** Longest log line piece (see line-log.ts). */
  maxLineChars?: number;
}

/** One process's terminal; see the file comment. */
export class TerminalSession {
  /** Chunks the hub refused (its publish threw). */
  skipped = 0;
  private readonly screen: TerminalScreen;
  private run: PtyRun | null = null;
  /** Where the current (or last) run's log lines go. */
  private onLine: (line: string) => void = () => {};
  private runs = 0;
  private out = '';
  private flushScheduled: NodeJS.Immediate | null = null;
  /** The `seq` of the last `terminal_output` published (of the last one the hub took, when some were refused). */
  private lastSeq: Promise<number> = Promise.resolve(0);
  private readonly holds = new Set<string>();
  private closed = false;
  private cols: number;
  private rows: number;
  private readonly maxChunk: number;
  private readonly maxPending: number;

  constructor(
    readonly id: string,
    private readonly hooks: TerminalSessionHooks,
    options: TerminalSessionOptions = {},
  ) {
    this.cols = options.cols ?? DEFAULT_TERMINAL_SIZE.cols;
    this.rows = options.rows ?? DEFAULT_TERMINAL_SIZE.rows;
    this.maxChunk = Math.max(2, options.maxChunkChars ?? DEFAULT_MAX_CHUNK_CHARS);
    this.maxPending = options.maxPendingChars ?? DEFAULT_MAX_PENDING_CHARS;
    this.screen = new TerminalScreen({
      cols: this.cols,
      rows: this.rows,
      scrollback: options.scrollback,
      maxLineChars: options.maxLineChars,
      onLine: (line) => this.onLine(line),
      onReply: (data) => this.run?.write(data),
    });
  }

  /** The size the next (or current) run has. */
  get size(): { cols: number; rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  /** Whether a run is attached. */
  get running(): boolean {
    return this.run !== null;
  }

  /** Take the output of a new run (spawned at {@link size}); its log lines go to `onLine`. */
  attach(run: PtyRun, onLine: (line: string) => void): void {
    if (this.closed) return;
    this.run = run;
    this.onLine = onLine;
    if (this.runs++ > 0) this.output(RUN_SEPARATOR);
    run.onData((data) => {
      if (this.run === run) this.output(data);
    });
    if (this.holds.size) run.pause();
  }

  /** The run ended: send what is batched, then log the rows not logged yet (to the run's `onLine`). Resolves once done. */
  detach(): Promise<void> {
    this.run = null;
    this.flush();
    return this.closed ? Promise.resolve() : this.screen.endOfRun();
  }

  /** Pause the pty for a reason (e.g. `hub`) until {@link release} of the same reason. */
  hold(reason: string): void {
    if (this.holds.size === 0) this.run?.pause();
    this.holds.add(reason);
  }

  /** Undo {@link hold}. */
  release(reason: string): void {
    if (!this.holds.delete(reason) || this.holds.size) return;
    this.run?.resume();
  }

  /** Keystrokes to the running program; returns the bytes written. */
  input(data: string): number {
    const run = this.run;
    if (!run) throw new MethodError('conflict', `process "${this.id}" is not running`);
    if (run.pendingInputBytes > MAX_UNREAD_INPUT_BYTES) {
      throw new MethodError('rate_limited', `process "${this.id}" is not reading its input (over ${MAX_UNREAD_INPUT_BYTES} bytes unread)`);
    }
    run.write(data);
    return Buffer.byteLength(data);
  }

  /** Resize the terminal (the running program's and the headless one), in order with the output. */
  resize(cols: number, rows: number): { cols: number; rows: number } {
    if (cols === this.cols && rows === this.rows) return this.size;
    this.flush();
    this.cols = cols;
    this.rows = rows;
    this.hooks.event({ kind: 'terminal_resize', cols, rows });
    this.screen.resize(cols, rows);
    this.run?.resize(cols, rows);
    return this.size;
  }

  /**
   * The current screen and the `seq` of the last `terminal_output` it includes: the screen holds
   * every chunk published before this call, and none after (a later chunk has a greater `seq`).
   * A resize event published since that chunk is in the screen too; a viewer that applies it
   * again resizes to the size it already has.
   */
  async snapshot(): Promise<ScreenSnapshot> {
    this.flush();
    const seq = this.lastSeq;
    const screen = await this.screen.snapshot();
    return { ...screen, seq: await seq };
  }

  /** Release the headless terminal; twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.run = null;
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.screen.close();
  }

  private output(data: string): void {
    this.out += data;
    if (this.out.length >= this.maxChunk) this.flush();
    else this.flushScheduled ??= setImmediate(() => this.flush());
  }

  /** Publish what is batched, in pieces of at most `maxChunk`, and feed the headless terminal. */
  private flush(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = null;
    while (this.out.length > 0 && !this.closed) {
      let cut = Math.min(this.out.length, this.maxChunk);
      const last = this.out.charCodeAt(cut - 1);
      if (cut < this.out.length && last >= 0xd800 && last <= 0xdbff) cut--; // keep a surrogate pair whole
      const piece = this.out.slice(0, cut);
      this.out = this.out.slice(cut);
      this.publish(piece);
      this.screen.write(piece);
    }
    if (this.screen.pendingBytes > this.maxPending && !this.holds.has('parse')) {
      this.hold('parse');
      this.screen.onDrained(() => this.release('parse'));
    }
  }

  /** Publish; a refused message keeps the last seq (the headless screen still takes it). */
  private publish(data: string): void {
    const previous = this.lastSeq;
    this.lastSeq = this.hooks.output(data).catch(() => {
      this.skipped++;
      return previous;
    });
  }
}
