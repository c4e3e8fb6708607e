/**
 * The sorted positions of a source's lines that pass a predicate, kept up to date incrementally
 * and in slices of work: each update tests only the new, the `\r`-replaced and the rewritten
 * lines, and stops at a deadline, so a filter or a search over a million lines never holds the
 * main thread (a search reports its first match as soon as it is found; `complete` says whether
 * the whole source was tested).
 */
import type { LineStore } from './line-store';
import type { LogSource } from './log-source';

/**
 * Whether a held line passes. `literal`, when set, is a pattern every passing line's plain text
 * contains (a plain search or filter): a scan over one store tests whole chunks with it first.
 */
export type LinePredicate = ((store: LineStore, abs: number) => boolean) & { literal?: RegExp };

/** An incrementally maintained view of a source through a predicate (null: every position). */
export class LineIndex {
  readonly source: LogSource;
  private readonly predicate: LinePredicate | null;
  private positions = new Float64Array(256);
  private head = 0;
  private tail = 0;
  /** Positions [from, scanned) of the source have been tested. */
  private from: number;
  private scanned: number;
  private generation: number;
  private revision: number;

  constructor(source: LogSource, predicate: LinePredicate | null) {
    this.source = source;
    this.predicate = predicate;
    this.from = this.scanned = source.start;
    this.generation = source.replaceGeneration;
    this.revision = source.revision;
  }

  /** Whether every held line has been tested. */
  get complete(): boolean {
    return this.predicate === null || (this.from <= this.source.start && this.scanned >= this.source.end);
  }

  /** How far the scan has got, 0 to 1. */
  get progress(): number {
    const total = this.source.end - this.source.start;
    return total <= 0 || this.complete ? 1 : Math.min(1, (this.scanned - Math.max(this.from, this.source.start)) / total);
  }

  /** Catch up with the source, working until `deadline` (a `performance.now()` time) at most; true when complete. */
  update(deadline = Number.POSITIVE_INFINITY): boolean {
    const test = this.predicate;
    if (!test) return true;
    const src = this.source;
    const rewritten = src.rewrittenSince(this.revision);
    this.revision = src.revision;
    if (rewritten !== null && rewritten < this.scanned) {
      this.tail = this.head + this.positionOf(rewritten);
      this.scanned = Math.max(rewritten, this.from);
    }
    const replaced = src.replacedSince(this.generation);
    this.generation = src.replaceGeneration;
    if (replaced === null) this.reset();
    else for (const pos of replaced) if (pos >= this.from && pos < this.scanned) this.retest(pos, test);
    if (src.start < this.from) this.scanBefore(src.start, test);
    if (this.scanned < src.start) {
      this.from = this.scanned = src.start;
      this.head = this.tail = 0;
    }
    while (this.head < this.tail && (this.positions[this.head] as number) < src.start) this.head++;
    if (this.from < src.start) this.from = src.start;
    const end = src.end;
    let pos = this.scanned;
    // One store addressed by position: whole chunks can be ruled out at once.
    const literal = src.contiguous ? test.literal : undefined;
    let checkAt = pos;
    while (pos < end) {
      const stop = Math.min(end, pos + 2048);
      for (; pos < stop; pos++) {
        const store = src.storeAt(pos);
        if (!store) continue;
        if (literal && pos >= checkAt) {
          const skip = store.skipUnmatched(pos, literal);
          checkAt = skip.chunkEnd;
          if (skip.next > pos) {
            pos = skip.next - 1;
            continue;
          }
        }
        if (test(store, src.absAt(pos))) this.push(pos);
      }
      if (performance.now() >= deadline) break;
    }
    pos = Math.min(pos, end);
    this.scanned = pos;
    return this.complete;
  }

  /** Number of positions in the view (so far, while incomplete). */
  get length(): number {
    return this.predicate ? this.tail - this.head : this.source.length;
  }

  /** The source position of the view's i-th line. */
  positionAt(i: number): number {
    return this.predicate ? (this.positions[this.head + i] as number) : this.source.start + i;
  }

  /** The view index of the first line at or after a source position (length when none). */
  positionOf(pos: number): number {
    if (!this.predicate) return Math.max(0, Math.min(pos - this.source.start, this.source.length));
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.positions[mid] as number) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }

  /** Whether a source position is in the view. */
  contains(pos: number): boolean {
    if (!this.predicate) return pos >= this.source.start && pos < this.source.end;
    const i = this.positionOf(pos);
    return i < this.length && this.positionAt(i) === pos;
  }

  private reset(): void {
    this.head = this.tail = 0;
    this.from = this.scanned = this.source.start;
  }

  private push(pos: number): void {
    if (this.tail >= this.positions.length) {
      const n = this.tail - this.head;
      const next = new Float64Array(Math.max(256, n * 2));
      next.set(this.positions.subarray(this.head, this.tail));
      this.positions = next;
      this.head = 0;
      this.tail = n;
    }
    this.positions[this.tail++] = pos;
  }

  /** Older history was put in front: test it at once (a page of lines) and put its matches first. */
  private scanBefore(start: number, test: LinePredicate): void {
    const src = this.source;
    const found: number[] = [];
    for (let pos = start; pos < this.from; pos++) {
      const store = src.storeAt(pos);
      if (store && test(store, src.absAt(pos))) found.push(pos);
    }
    const n = this.tail - this.head;
    const next = new Float64Array(Math.max(256, (n + found.length) * 2));
    next.set(found);
    next.set(this.positions.subarray(this.head, this.tail), found.length);
    this.positions = next;
    this.head = 0;
    this.tail = n + found.length;
    this.from = start;
  }

  private retest(pos: number, test: LinePredicate): void {
    const store = this.source.storeAt(pos);
    const passes = store !== undefined && test(store, this.source.absAt(pos));
    const i = this.head + this.positionOf(pos);
    const present = i < this.tail && this.positions[i] === pos;
    if (passes === present) return;
    const n = this.tail - this.head;
    const next = new Float64Array(Math.max(256, (n + 1) * 2));
    const k = i - this.head;
    next.set(this.positions.subarray(this.head, i));
    if (passes) {
      next[k] = pos;
      next.set(this.positions.subarray(i, this.tail), k + 1);
    } else next.set(this.positions.subarray(i + 1, this.tail), k);
    this.positions = next;
    this.head = 0;
    this.tail = n + (passes ? 1 : -1);
  }
}
