/** A channel's retained messages: a ring buffer bounded by count and by bytes. */
import type { Entry, RetentionLimits } from './engine';

const INITIAL_CAPACITY = 16;

/**
 * Consecutive entries (their `seq` grows by 1), oldest evicted first. The ring starts small and
 * doubles up to `maxMessages`, so that thousands of quiet channels cost little.
 */
export class History {
  private ring: (Entry | undefined)[] = [];
  private head = 0;
  private size = 0;
  private bytesHeld = 0;

  constructor(private readonly limits: RetentionLimits) {}

  /** Messages held. */
  get length(): number {
    return this.size;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.bytesHeld;
  }

  /** `seq` of the oldest retained message, or undefined when empty. */
  get firstSeq(): number | undefined {
    return this.size === 0 ? undefined : this.ring[this.head]?.seq;
  }

  /** Append the next entry, evicting the oldest ones past the limits. */
  push(entry: Entry): void {
    const { maxMessages, maxBytes } = this.limits;
    if (maxMessages <= 0 || entry.data.length > maxBytes) {
      this.clear(); // keeps the numbering consecutive: nothing older may stay behind a gap
      return;
    }
    while (this.size > 0 && (this.size >= maxMessages || this.bytesHeld + entry.data.length > maxBytes)) this.shift();
    if (this.size === this.ring.length) this.grow();
    this.ring[(this.head + this.size) % this.ring.length] = entry;
    this.size++;
    this.bytesHeld += entry.data.length;
  }

  /** Retained entries with `seq > since`, oldest first. */
  after(since: number): Entry[] {
    const first = this.firstSeq;
    if (first === undefined) return [];
    const skip = Math.max(0, since - first + 1);
    const out: Entry[] = [];
    for (let i = skip; i < this.size; i++) out.push(this.ring[(this.head + i) % this.ring.length] as Entry);
    return out;
  }

  /** Drop everything. */
  clear(): void {
    this.ring = [];
    this.head = 0;
    this.size = 0;
    this.bytesHeld = 0;
  }

  private shift(): void {
    const entry = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    this.bytesHeld -= entry?.data.length ?? 0;
  }

  private grow(): void {
    const capacity = Math.min(Math.max(INITIAL_CAPACITY, this.ring.length * 2), Math.max(1, this.limits.maxMessages));
    const next: (Entry | undefined)[] = new Array(capacity);
    for (let i = 0; i < this.size; i++) next[i] = this.ring[(this.head + i) % this.ring.length];
    this.ring = next;
    this.head = 0;
  }
}
