/**
 * `logs.read`: stored lines, oldest first, merged across processes by seq (the order Switchyard
 * read them, which is time order; equal times keep that order). Each process contributes a
 * cursor that walks its blocks forward or backward from the requested position (found by binary
 * search over the block index, then within the decoded block); a heap merges the cursors, so a
 * page costs its own lines plus at most a block per process, however much is stored.
 */
import type { LogLine, LogsReadParams, LogsReadResult, RunInfo } from '../../shared/protocol';
import { lineData, flagsLevel, flagsStream, type DecodedLines } from './line-batch';
import { encodeCursor, isAfter, isBefore, parsePosition, type Position } from './position';
import type { BlockRef, ProcessLog } from './process-log';

/** A page stops growing past this many characters of data (10,000 lines of 1 MiB would be 10 GiB), with `more`. */
export const MAX_PAGE_CHARS = 4 * 1024 * 1024;

/** What reading needs from the store. */
export interface StoredLogs {
  /** The process logs named (all when undefined), unknown names ignored. */
  select(processes: readonly string[] | undefined): ProcessLog[];
  /** A block's lines, or null when the block is gone (evicted) or unreadable; `keep: false` leaves the cache of decoded blocks as it is (a scan). */
  decode(ref: BlockRef, keep?: boolean): DecodedLines | null;
  /** The highest seq given out so far. */
  lastSeq(): number;
  runInfo(process: string, run: number): RunInfo | undefined;
}

/** One process's lines, walked from a position. */
class LineCursor {
  private blockIndex: number;
  private lines: DecodedLines | null = null;
  private line = -1;

  private constructor(readonly log: ProcessLog, private readonly source: StoredLogs, private readonly refs: BlockRef[], private readonly step: 1 | -1, blockIndex: number) {
    this.blockIndex = blockIndex;
  }

  /** Lines strictly after `from` (from the oldest when undefined), walking forward. */
  static after(source: StoredLogs, log: ProcessLog, from: Position | undefined): LineCursor {
    const refs = log.blocks();
    // The first block whose last line lies after `from`.
    const index = from === undefined ? 0 : firstIndex(refs, (r) => isAfter(from, r.block.lastSeq, r.block.lastTime));
    const cursor = new LineCursor(log, source, refs, 1, index);
    cursor.load((d) => (from === undefined ? 0 : firstLine(d, (i) => isAfter(from, d.seq[i] as number, d.time[i] as number))));
    return cursor;
  }

  /** Lines strictly before `from`, walking backward. */
  static before(source: StoredLogs, log: ProcessLog, from: Position): LineCursor {
    const refs = log.blocks();
    // The last block whose first line lies before `from`.
    const index = firstIndex(refs, (r) => !isBefore(from, r.block.firstSeq, r.block.firstTime)) - 1;
    const cursor = new LineCursor(log, source, refs, -1, index);
    cursor.load((d) => firstLine(d, (i) => !isBefore(from, d.seq[i] as number, d.time[i] as number)) - 1);
    return cursor;
  }

  get done(): boolean {
    return this.lines === null;
  }
  get seq(): number {
    return (this.lines as DecodedLines).seq[this.line] as number;
  }
  get time(): number {
    return (this.lines as DecodedLines).time[this.line] as number;
  }

  /** The current line as the wire has it. */
  toLine(): LogLine {
    return toLogLine(this.log.id, this.lines as DecodedLines, this.line);
  }

  advance(): void {
    this.line += this.step;
    const d = this.lines as DecodedLines;
    if (this.line >= 0 && this.line < d.count) return;
    this.blockIndex += this.step;
    this.load((next) => (this.step === 1 ? 0 : next.count - 1));
  }

  /** Decode the block at `blockIndex` and stand on line `pick(block)`; move on past blocks without such a line. */
  private load(pick: (d: DecodedLines) => number): void {
    for (let first = true; this.blockIndex >= 0 && this.blockIndex < this.refs.length; first = false) {
      const d = this.source.decode(this.refs[this.blockIndex] as BlockRef);
      if (d && d.count > 0) {
        const line = first ? pick(d) : this.step === 1 ? 0 : d.count - 1;
        if (line >= 0 && line < d.count) {
          this.lines = d;
          this.line = line;
          return;
        }
      }
      this.blockIndex += this.step;
    }
    this.lines = null;
  }
}

/** `logs.read` over `source`. Throws LogQueryError `bad_params` for a bad position. */
export function readLines(source: StoredLogs, params: LogsReadParams): LogsReadResult {
  const before = params.before !== undefined ? parsePosition(params.before, 'before') : undefined;
  const after = params.after !== undefined ? parsePosition(params.after, 'after') : undefined;
  const backward = before !== undefined;
  const heap = new CursorHeap(backward);
  for (const log of source.select(params.processes)) {
    const cursor = backward ? LineCursor.before(source, log, before) : LineCursor.after(source, log, after);
    if (!cursor.done) heap.push(cursor);
  }
  // Walking backward, `after` is the floor: a cursor that crosses it is finished.
  const inRange = (c: LineCursor): boolean => !backward || after === undefined || isAfter(after, c.seq, c.time);
  const lines: LogLine[] = [];
  let chars = 0;
  while (lines.length < params.limit && chars < MAX_PAGE_CHARS) {
    const cursor = heap.pop();
    if (!cursor) break;
    if (!inRange(cursor)) continue;
    const line = cursor.toLine();
    lines.push(line);
    chars += line.data.length;
    cursor.advance();
    if (!cursor.done) heap.push(cursor);
  }
  let more = false;
  for (let c = heap.pop(); c; c = heap.pop()) {
    if (inRange(c)) {
      more = true;
      break;
    }
  }
  if (backward) lines.reverse();
  return { lines, more, runs: runsOf(source, lines) };
}

/** Line `i` of a decoded block of process `process`, as the wire has it. */
export function toLogLine(process: string, d: DecodedLines, i: number): LogLine {
  const flags = d.flags[i] as number;
  const line: LogLine = {
    process,
    run: d.run[i] as number,
    time: new Date(d.time[i] as number).toISOString(),
    stream: flagsStream(flags),
    data: lineData(d, i),
    cursor: encodeCursor(d.seq[i] as number),
  };
  const level = flagsLevel(flags);
  if (level) line.level = level;
  return line;
}

/** The runs the lines belong to, each once. */
export function runsOf(source: StoredLogs, lines: readonly LogLine[]): RunInfo[] {
  const seen = new Set<string>();
  const runs: RunInfo[] = [];
  for (const line of lines) {
    const key = `${line.run}\u0000${line.process}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const info = source.runInfo(line.process, line.run);
    if (info) runs.push(info);
  }
  return runs;
}

/** The first index whose element satisfies `test` (monotone: false…false true…true), or the length. */
function firstIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(items[mid] as T)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The first line of `d` that satisfies `test` (monotone), or `d.count`. */
export function firstLine(d: DecodedLines, test: (i: number) => boolean): number {
  let lo = 0;
  let hi = d.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A binary heap of cursors by their line's seq: smallest first, or largest first when `descending`. */
class CursorHeap {
  private readonly items: LineCursor[] = [];
  constructor(private readonly descending: boolean) {}

  push(c: LineCursor): void {
    const a = this.items;
    a.push(c);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(a[i] as LineCursor, a[parent] as LineCursor)) break;
      [a[i], a[parent]] = [a[parent] as LineCursor, a[i] as LineCursor];
      i = parent;
    }
  }

  pop(): LineCursor | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l] as LineCursor, a[m] as LineCursor)) m = l;
        if (r < a.length && this.less(a[r] as LineCursor, a[m] as LineCursor)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as LineCursor, a[i] as LineCursor];
        i = m;
      }
    }
    return top;
  }

  private less(x: LineCursor, y: LineCursor): boolean {
    return this.descending ? x.seq > y.seq : x.seq < y.seq;
  }
}
