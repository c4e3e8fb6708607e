/**
 * The lines a process in a terminal contributes to the log view, search and storage, taken from
 * the headless terminal's screen rather than from the raw bytes, so that cursor movement and
 * redraws do not reach the log as garbage. The rule:
 *
 * 1. A row is logged when a line feed completes it: the row the cursor leaves, with the rows a
 *    long line wrapped onto joined into one line, as the screen finally shows it (a `\r` progress
 *    bar logs its last state; colours are kept as SGR escapes, cursor movement is not).
 * 2. Each row is logged once. Rows between the last logged one and the completed one (reached by
 *    moving the cursor) are logged with it; a line feed on a row above the last logged one is a
 *    redraw of what was logged, and logs nothing (a program that redraws in place by moving the
 *    cursor up logs its first frame only).
 * 3. Nothing drawn on the alternate screen is logged: a full-screen program (vim, htop, less, a
 *    TUI) logs nothing per redraw; what it leaves on the normal screen after it exits is logged.
 * 4. Clearing the screen (`ESC [ 2 J`, `ESC [ 3 J`, an erase from the top-left corner, `ESC c`)
 *    starts afresh: the rows drawn after it are new lines.
 * 5. At the end of a run the rows not yet logged (a prompt without a newline) are logged.
 *
 * A line longer than `maxLineChars` goes out in pieces cut at row boundaries.
 */
import type { IBufferCell, IDisposable, IMarker, Terminal } from '@xterm/headless';
import { rowToAnsi } from './row-ansi';

/** Default longest logged line piece, in UTF-16 code units (escapes included). */
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024;

/** How far below its marker the frontier may be before the marker moves (less than the scrollback, so the marker is never trimmed first). */
const MAX_ANCHOR_DRIFT = 64;

/** Options of {@link LineLog}. */
export interface LineLogOptions {
  /** Longest line piece. Default {@link DEFAULT_MAX_LINE_CHARS}. */
  maxLineChars?: number;
}

/** Turns a headless terminal's screen into log lines; see the file comment for the rule. */
export class LineLog {
  /**
   * The first row not logged yet is `anchor.line + offset`: a marker follows its row as the buffer
   * scrolls and trims. One marker serves many line feeds (registering one per line would cost
   * more than the rest of the rule); it moves when it would drift far behind.
   */
  private anchor: IMarker | null = null;
  private offset = 0;
  /** The row at the frontier was logged by {@link flush} (it had no newline yet). */
  private frontierLogged = false;
  /** The screen was cleared: the next line feed restarts at the top of the screen. */
  private cleared = false;
  private readonly cell: IBufferCell;
  private readonly maxChars: number;
  private readonly maxDrift: number;
  private readonly subscriptions: IDisposable[] = [];

  constructor(
    private readonly term: Terminal,
    private readonly emit: (line: string) => void,
    options: LineLogOptions = {},
  ) {
    this.maxChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
    this.maxDrift = Math.max(1, Math.min(MAX_ANCHOR_DRIFT, term.options.scrollback ?? 0));
    this.cell = term.buffer.normal.getNullCell();
    if (term.buffer.active.type === 'normal') this.anchor = term.registerMarker(0) ?? null;
    this.subscriptions.push(
      term.onLineFeed(() => this.onLineFeed()),
      term.parser.registerCsiHandler({ final: 'J' }, (params) => {
        const b = term.buffer.active;
        const mode = typeof params[0] === 'number' ? params[0] : 0;
        if (b.type === 'normal' && (mode === 2 || mode === 3 || (mode === 0 && b.cursorX === 0 && b.cursorY === 0))) this.cleared = true;
        return false; // the terminal's own handler erases
      }),
      term.parser.registerEscHandler({ final: 'c' }, () => {
        this.cleared = true;
        return false;
      }),
    );
  }

  /** Log the rows not logged yet, up to the cursor's (the end of a run). */
  flush(): void {
    // On the alternate screen (a full-screen program that died) the normal screen's rows were
    // logged at their line feeds; the cursor's row there is the program's, not ours to log.
    if (this.term.buffer.active.type !== 'normal') return;
    const b = this.term.buffer.normal;
    const cursor = b.baseY + b.cursorY;
    const from = this.start(cursor);
    const last = b.getLine(cursor);
    const cursorRowUsed = last !== undefined && last.translateToString(true) !== '';
    const to = cursorRowUsed ? cursor : cursor - 1;
    if (to >= from) this.logRows(from, to);
    this.setFrontier(0);
    this.frontierLogged = cursorRowUsed;
    this.cleared = false;
  }

  /** Stop listening; calling it twice is harmless. */
  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.anchor?.dispose();
    this.anchor = null;
  }

  private onLineFeed(): void {
    const b = this.term.buffer.active;
    if (b.type !== 'normal') return; // rule 3
    const completed = b.baseY + b.cursorY - 1;
    const from = this.start(completed);
    if (completed >= from) this.logRows(from, completed);
    // The frontier moves once the cursor passed it (a row flushed without its newline included).
    if (completed >= from - (this.frontierLogged ? 1 : 0) || this.cleared) {
      this.setFrontier(0);
      this.frontierLogged = false;
    }
    this.cleared = false;
  }

  /** The first row to log when rows up to `upTo` are complete. */
  private start(upTo: number): number {
    const b = this.term.buffer.normal;
    if (this.cleared) return b.baseY; // rule 4: the screen's rows are new; the scrollback was logged
    // A marker trimmed off the scrollback: every row still held is newer than the last logged one.
    if (!this.anchor || this.anchor.isDisposed || this.anchor.line < 0) return Math.min(upTo, 0);
    return this.anchor.line + this.offset + (this.frontierLogged ? 1 : 0);
  }

  private setFrontier(cursorOffset: number): void {
    const b = this.term.buffer.active;
    const row = b.baseY + b.cursorY + cursorOffset;
    const anchor = this.anchor;
    if (anchor && !anchor.isDisposed && anchor.line >= 0 && row >= anchor.line && row - anchor.line < this.maxDrift) {
      this.offset = row - anchor.line;
      return;
    }
    anchor?.dispose();
    this.anchor = this.term.registerMarker(cursorOffset) ?? null;
    this.offset = 0;
  }

  /** Log rows `from`..`to` (inclusive) as lines: wrapped rows join the row they continue. */
  private logRows(from: number, to: number): void {
    const b = this.term.buffer.normal;
    let line = '';
    let open = false;
    for (let y = from; y <= to; y++) {
      const row = b.getLine(y);
      if (!row) continue;
      if (open && !row.isWrapped) {
        this.emit(line);
        line = '';
      } else if (open && line.length >= this.maxChars) {
        this.emit(line); // an endless line: cut at a row boundary
        line = '';
      }
      // A row that wraps on keeps its trailing blanks: they are spaces inside the line.
      const wrapsOn = y < to && b.getLine(y + 1)?.isWrapped === true;
      line += rowToAnsi(row, this.cell, !wrapsOn, this.term.cols);
      open = true;
    }
    if (open) this.emit(line);
  }
}
