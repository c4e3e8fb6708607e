/**
 * The "All processes" view: every held line of every process in time order, as references into
 * the processes' stores (16 bytes a line: a reference and its time in typed arrays), never a copy
 * of a line. Lines with equal times keep a stable order: by process id, then as they came. A
 * replay arrives one process at a time and history pages arrive late, so lines are inserted where
 * their time puts them: each batch is sorted and merged into the tail from the first place it
 * touches, and views are told to look again from there ({@link rewrittenSince}).
 */
import type { LineStore } from './line-store';

const ABS_BIAS = 2 ** 31;

/** Queued references and their times, in order. */
interface Batch {
  refs: number[];
  times: number[];
}
const STORE_SCALE = 2 ** 32;

/** A reference to a line: the store's number in the book and the line's absolute index. */
function ref(store: number, abs: number): number {
  return store * STORE_SCALE + abs + ABS_BIAS;
}

/** The time-ordered merge of several stores. */
export class MergedOrder {
  private refs = new Float64Array(1024);
  private times = new Float64Array(1024);
  private head = 512;
  private tail = 512;
  /** Absolute position of refs[head]; grows as the front is trimmed, shrinks when history is put in front. */
  private first = 0;
  private pendingRefs: number[] = [];
  private pendingTimes: number[] = [];
  private rewrites: Array<{ revision: number; from: number }> = [];
  private revisionCounter = 0;
  private forgottenRevision = 0;
  private replacedLog: number[] = [];
  private replacedBase = 0;
  /** References to lines their stores no longer hold (dropped), compacted away now and then. */
  private dangling = 0;
  private readonly stores: () => readonly LineStore[];
  private readonly ids: () => readonly string[];

  /** `stores` and `ids` are the book's stores and process ids, by store number. */
  constructor(stores: () => readonly LineStore[], ids: () => readonly string[]) {
    this.stores = stores;
    this.ids = ids;
  }

  get start(): number {
    return this.first;
  }

  get end(): number {
    return this.first + (this.tail - this.head);
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** Changes to positions: bumped whenever positions from some place on were rewritten. */
  get revision(): number {
    return this.revisionCounter;
  }

  /** The first position rewritten since a revision, or null when none was. */
  rewrittenSince(revision: number): number | null {
    // Older than the rewrites remembered: look again at everything.
    if (revision < this.forgottenRevision) return this.first;
    let from: number | null = null;
    for (const r of this.rewrites) if (r.revision > revision && (from === null || r.from < from)) from = r.from;
    return from;
  }

  /** Queue a line for the next {@link commit}. */
  add(store: number, abs: number, time: number): void {
    this.pendingRefs.push(ref(store, abs));
    this.pendingTimes.push(time);
  }

  /** Lines of a store were dropped: their references dangle until the next compaction. */
  noteDropped(n: number): void {
    this.dangling += n;
  }

  /** Lines queued and not yet in their places. */
  get queued(): number {
    return this.pendingRefs.length;
  }

  /** Put the queued lines in their places. */
  commit(): void {
    if (this.pendingRefs.length > 0) {
      const batch = this.sortedPending();
      const n = batch.refs.length;
      if (this.length === 0 || this.compareAt(this.tail - 1, batch.refs[0] as number, batch.times[0] as number) <= 0) this.appendAll(batch);
      else if (this.compareAt(this.head, batch.refs[n - 1] as number, batch.times[n - 1] as number) > 0) this.prependAll(batch);
      else this.mergeFrom(this.upperBound(batch.refs[0] as number, batch.times[0] as number), batch);
    }
    this.trimFront();
    if (this.dangling > Math.max(4096, this.length / 8)) this.compact();
  }

  /** Whether the line at a position is still held by its store. */
  has(pos: number): boolean {
    const r = this.refAt(pos);
    return r !== undefined && this.storeOfRef(r)?.has(absOf(r)) === true;
  }

  /** The store number of the line at a position (-1 outside). */
  storeAt(pos: number): number {
    const r = this.refAt(pos);
    return r === undefined ? -1 : Math.floor(r / STORE_SCALE);
  }

  /** The absolute index, in its store, of the line at a position. */
  absAt(pos: number): number {
    const r = this.refAt(pos);
    return r === undefined ? Number.NaN : absOf(r);
  }

  timeAt(pos: number): number {
    return pos >= this.first && pos < this.end ? (this.times[this.head + pos - this.first] as number) : Number.NaN;
  }

  /** The position of a line, or -1 when it is not in the view. */
  positionOf(store: number, abs: number, time: number): number {
    const r = ref(store, abs);
    const i = this.upperBound(r, time) - 1;
    return i >= this.head && this.refs[i] === r ? this.first + i - this.head : -1;
  }

  /** The first position whose time is at least `time`. */
  lowerBoundTime(time: number): number {
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] as number) < time) lo = mid + 1;
      else hi = mid;
    }
    return this.first + lo - this.head;
  }

  /** A store replaced a line's text in place (`\r`): views retest that one position. */
  noteReplaced(store: number, abs: number, time: number): void {
    const pos = this.positionOf(store, abs, time);
    if (pos < 0) return;
    this.replacedLog.push(pos);
    if (this.replacedLog.length > 512) {
      this.replacedLog.splice(0, 256);
      this.replacedBase += 256;
    }
  }

  get replaceGeneration(): number {
    return this.replacedBase + this.replacedLog.length;
  }

  replacedSince(generation: number): readonly number[] | null {
    if (generation < this.replacedBase) return null;
    return this.replacedLog.slice(generation - this.replacedBase);
  }

  /** Forget every reference (numbering goes on). */
  clear(): void {
    this.first = this.end;
    this.head = this.tail = this.refs.length >> 1;
    this.pendingRefs = [];
    this.pendingTimes = [];
    this.dangling = 0;
  }

  private refAt(pos: number): number | undefined {
    if (pos < this.first || pos >= this.end) return undefined;
    return this.refs[this.head + pos - this.first];
  }

  private storeOfRef(r: number): LineStore | undefined {
    return this.stores()[Math.floor(r / STORE_SCALE)];
  }

  /** Order by time, then process id, then arrival (absolute index) within a process. */
  private compare(ra: number, ta: number, rb: number, tb: number): number {
    if (ta !== tb) return ta < tb ? -1 : 1;
    const sa = Math.floor(ra / STORE_SCALE);
    const sb = Math.floor(rb / STORE_SCALE);
    if (sa !== sb) {
      const ids = this.ids();
      const ia = ids[sa] ?? '';
      const ib = ids[sb] ?? '';
      if (ia !== ib) return ia < ib ? -1 : 1;
    }
    return ra - rb;
  }

  private compareAt(i: number, r: number, t: number): number {
    return this.compare(this.refs[i] as number, this.times[i] as number, r, t);
  }

  /** The first buffer index whose line sorts after (r, t). */
  private upperBound(r: number, t: number): number {
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareAt(mid, r, t) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The queued lines in order. A batch is a few ordered runs (a history answer per process, a
   * frame's live lines of a few processes): the runs are merged pairwise, n·log(runs) compares
   * (a sort of 100,000 lines took a good part of the first draw), and one run is returned as is.
   */
  private sortedPending(): Batch {
    const refs = this.pendingRefs;
    const times = this.pendingTimes;
    this.pendingRefs = [];
    this.pendingTimes = [];
    const starts = [0];
    for (let i = 1; i < refs.length; i++) if (this.compare(refs[i - 1] as number, times[i - 1] as number, refs[i] as number, times[i] as number) > 0) starts.push(i);
    if (starts.length === 1) return { refs, times };
    let runs: Batch[] = starts.map((from, j) => {
      const to = starts[j + 1] ?? refs.length;
      return { refs: refs.slice(from, to), times: times.slice(from, to) };
    });
    while (runs.length > 1) {
      const merged: Batch[] = [];
      for (let j = 0; j < runs.length; j += 2) merged.push(j + 1 < runs.length ? this.mergeRuns(runs[j] as Batch, runs[j + 1] as Batch) : (runs[j] as Batch));
      runs = merged;
    }
    return runs[0] as Batch;
  }

  /** Two ordered runs as one. */
  private mergeRuns(a: Batch, b: Batch): Batch {
    const n = a.refs.length + b.refs.length;
    const refs = new Array<number>(n);
    const times = new Array<number>(n);
    let i = 0;
    let k = 0;
    for (let w = 0; w < n; w++) {
      const takeA = k >= b.refs.length || (i < a.refs.length && this.compare(a.refs[i] as number, a.times[i] as number, b.refs[k] as number, b.times[k] as number) <= 0);
      if (takeA) {
        refs[w] = a.refs[i] as number;
        times[w] = a.times[i++] as number;
      } else {
        refs[w] = b.refs[k] as number;
        times[w] = b.times[k++] as number;
      }
    }
    return { refs, times };
  }

  private appendAll(batch: Batch): void {
    const n = batch.refs.length;
    this.ensureRoom(0, n);
    for (let k = 0; k < n; k++) {
      this.refs[this.tail] = batch.refs[k] as number;
      this.times[this.tail++] = batch.times[k] as number;
    }
  }

  private prependAll(batch: Batch): void {
    const n = batch.refs.length;
    this.ensureRoom(n, 0);
    for (let k = n - 1; k >= 0; k--) {
      this.refs[--this.head] = batch.refs[k] as number;
      this.times[this.head] = batch.times[k] as number;
    }
    this.first -= n;
  }

  /** Merge a sorted batch into the buffer from index `at` on, dropping dangling references there. */
  private mergeFrom(at: number, batch: Batch): void {
    const oldRefs = this.refs.slice(at, this.tail);
    const oldTimes = this.times.slice(at, this.tail);
    const n = batch.refs.length;
    // Room first: growing moves the buffer, and `at` with it.
    const shift = this.head;
    this.ensureRoom(0, n);
    at += this.head - shift;
    const stores = this.stores();
    let w = at;
    let i = 0;
    let k = 0;
    while (i < oldRefs.length || k < n) {
      const takeOld = k >= n || (i < oldRefs.length && this.compare(oldRefs[i] as number, oldTimes[i] as number, batch.refs[k] as number, batch.times[k] as number) <= 0);
      if (takeOld) {
        const r = oldRefs[i] as number;
        const t = oldTimes[i++] as number;
        if (stores[Math.floor(r / STORE_SCALE)]?.has(absOf(r)) !== true) {
          this.dangling = Math.max(0, this.dangling - 1);
          continue;
        }
        this.refs[w] = r;
        this.times[w++] = t;
      } else {
        this.refs[w] = batch.refs[k] as number;
        this.times[w++] = batch.times[k++] as number;
      }
    }
    this.tail = w;
    this.noteRewrite(this.first + at - this.head);
  }

  private trimFront(): void {
    while (this.head < this.tail && !this.has(this.first)) {
      this.head++;
      this.first++;
      this.dangling = Math.max(0, this.dangling - 1);
    }
  }

  /** Drop dangling references (a process at its cap drops its oldest lines, which may sit anywhere here). */
  private compact(): void {
    const stores = this.stores();
    let w = this.head;
    let firstGap = -1;
    for (let i = this.head; i < this.tail; i++) {
      const r = this.refs[i] as number;
      if (stores[Math.floor(r / STORE_SCALE)]?.has(absOf(r)) === true) {
        this.refs[w] = r;
        this.times[w++] = this.times[i] as number;
      } else if (firstGap < 0) firstGap = i;
    }
    this.tail = w;
    this.dangling = 0;
    if (firstGap >= 0) this.noteRewrite(this.first + firstGap - this.head);
  }

  private noteRewrite(from: number): void {
    this.revisionCounter++;
    this.rewrites.push({ revision: this.revisionCounter, from });
    if (this.rewrites.length > 64) this.forgottenRevision = (this.rewrites.splice(0, 32).at(-1) as { revision: number }).revision;
  }

  /** Room for `before` more entries in front of head and `after` behind tail; grows by half. */
  private ensureRoom(before: number, after: number): void {
    if (this.head >= before && this.refs.length - this.tail >= after) return;
    const n = this.tail - this.head;
    const size = Math.max(1024, Math.ceil((n + before + after) * 1.5));
    const head = before + Math.floor((size - n - before - after) / 2);
    const refs = new Float64Array(size);
    const times = new Float64Array(size);
    refs.set(this.refs.subarray(this.head, this.tail), head);
    times.set(this.times.subarray(this.head, this.tail), head);
    this.refs = refs;
    this.times = times;
    this.head = head;
    this.tail = head + n;
  }
}

function absOf(r: number): number {
  return (r % STORE_SCALE) - ABS_BIAS;
}
