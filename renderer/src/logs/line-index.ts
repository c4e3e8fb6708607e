/**
 * The sorted absolute indices of a ring's lines that pass a predicate, kept up to date
 * incrementally: each batch only tests the new and the `\r`-replaced lines, so a filter over
 * 100,000 lines costs nothing per frame once built.
 */
import type { LineRing } from './line-ring';

/** An incrementally maintained view of a ring through a predicate (null: every line). */
export class LineIndex<T> {
  private readonly ring: LineRing<T>;
  private readonly predicate: ((item: T) => boolean) | null;
  private indices: number[] = [];
  private head = 0;
  private scanned: number;
  private generation: number;
  private trimmedCount = 0;

  constructor(ring: LineRing<T>, predicate: ((item: T) => boolean) | null) {
    this.ring = ring;
    this.predicate = predicate;
    this.scanned = ring.start;
    this.generation = ring.replaceGeneration;
    this.update();
  }

  /** Catch up with the ring: drop what it dropped, test what is new or replaced. */
  update(): void {
    const ring = this.ring;
    const test = this.predicate;
    if (!test) return;
    const replaced = ring.replacedSince(this.generation);
    this.generation = ring.replaceGeneration;
    if (replaced === null) {
      // Too many replacements since the last look to follow one by one: rebuild.
      this.indices = [];
      this.head = 0;
      this.scanned = ring.start;
    } else {
      for (const abs of replaced) if (abs < this.scanned) this.retest(abs, test);
    }
    if (this.scanned < ring.start) this.scanned = ring.start;
    while (this.head < this.indices.length && (this.indices[this.head] as number) < ring.start) {
      this.head++;
      this.trimmedCount++;
    }
    for (let abs = this.scanned; abs < ring.end; abs++) {
      const item = ring.at(abs);
      if (item !== undefined && test(item)) this.indices.push(abs);
    }
    this.scanned = ring.end;
    // Compact now and then, so dropped indices do not pile up at the front.
    if (this.head > 4096 && this.head * 2 > this.indices.length) {
      this.indices = this.indices.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * How many lines have left the front of the view so far (a running count), so a paused view
   * can scroll up by as many rows and keep showing the same lines while old ones are dropped.
   */
  get trimmed(): number {
    return this.predicate ? this.trimmedCount : this.ring.start;
  }

  /** Number of lines in the view. */
  get length(): number {
    return this.predicate ? this.indices.length - this.head : this.ring.length;
  }

  /** The absolute ring index of the view's i-th line. */
  absAt(i: number): number {
    return this.predicate ? (this.indices[this.head + i] as number) : this.ring.start + i;
  }

  /** The view's i-th line. */
  at(i: number): T | undefined {
    return this.ring.at(this.absAt(i));
  }

  /** The view position of the first line at or after an absolute index (length when none). */
  positionOf(abs: number): number {
    if (!this.predicate) return Math.max(0, Math.min(abs - this.ring.start, this.ring.length));
    let lo = this.head;
    let hi = this.indices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.indices[mid] as number) < abs) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }

  private retest(abs: number, test: (item: T) => boolean): void {
    if (abs < this.ring.start) return;
    const item = this.ring.at(abs);
    const pos = this.positionOf(abs) + this.head;
    const present = this.indices[pos] === abs;
    const passes = item !== undefined && test(item);
    if (passes && !present) this.indices.splice(pos, 0, abs);
    else if (!passes && present) this.indices.splice(pos, 1);
  }
}
