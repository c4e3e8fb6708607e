/**
 * A bounded ring of items addressed by absolute index: index n is the n-th item ever pushed, so
 * views can keep indices across drops without renumbering, and dropping the oldest is O(1).
 */

/** How many replacements the ring remembers for incremental views; older ones force a rescan. */
const REPLACEMENT_MEMORY = 512;

/** A bounded, append-mostly ring buffer with absolute indices and in-place replacement. */
export class LineRing<T> {
  /** Most items kept; pushing past it drops the oldest. */
  readonly capacity: number;
  /** How many items were dropped because the ring was full, since the last clear. */
  dropped = 0;
  private items: (T | undefined)[] = [];
  private head = 0;
  private count = 0;
  private first = 0;
  private replaced: number[] = [];
  private replacedBase = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Absolute index of the oldest kept item. */
  get start(): number {
    return this.first;
  }

  /** Absolute index the next pushed item gets. */
  get end(): number {
    return this.first + this.count;
  }

  /** Number of kept items. */
  get length(): number {
    return this.count;
  }

  /** Generation counter of replacements; see {@link replacedSince}. */
  get replaceGeneration(): number {
    return this.replacedBase + this.replaced.length;
  }

  /** Append an item, dropping the oldest when full; returns its absolute index. */
  push(item: T): number {
    const abs = this.end;
    if (this.count < this.capacity) {
      this.items[(this.head + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
      this.first++;
      this.dropped++;
    }
    return abs;
  }

  /** The item at an absolute index, or undefined when it was dropped or never pushed. */
  at(abs: number): T | undefined {
    if (abs < this.first || abs >= this.end) return undefined;
    return this.items[(this.head + abs - this.first) % this.capacity];
  }

  /** The newest item. */
  last(): T | undefined {
    return this.at(this.end - 1);
  }

  /** Replace the item at an absolute index; false when it is no longer kept. */
  replace(abs: number, item: T): boolean {
    if (abs < this.first || abs >= this.end) return false;
    this.items[(this.head + abs - this.first) % this.capacity] = item;
    this.replaced.push(abs);
    if (this.replaced.length > REPLACEMENT_MEMORY) {
      const cut = REPLACEMENT_MEMORY / 2;
      this.replaced.splice(0, cut);
      this.replacedBase += cut;
    }
    return true;
  }

  /** Absolute indices replaced since a generation, or null when that is too long ago to tell. */
  replacedSince(generation: number): readonly number[] | null {
    if (generation < this.replacedBase) return null;
    return this.replaced.slice(generation - this.replacedBase);
  }

  /** Forget every item (numbering continues, so views see the start move past their indices). */
  clear(): void {
    this.first = this.end;
    this.items = [];
    this.head = 0;
    this.count = 0;
    this.dropped = 0;
  }

  /** Kept items from oldest to newest. */
  toArray(): T[] {
    const out: T[] = [];
    for (let abs = this.first; abs < this.end; abs++) out.push(this.at(abs) as T);
    return out;
  }
}
