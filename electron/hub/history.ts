/** A channel's retained messages: bounded by count and by bytes, kept as bytes rather than objects. */
import type { Publication, RetentionLimits } from './engine';

const INITIAL_SLOTS = 16;
const INITIAL_BYTES = 4096;

/**
 * Consecutive entries (their `seq` grows by 1), oldest evicted first. The bytes of every retained
 * message are copied into one buffer, with their offsets and lengths in typed arrays, so that a
 * busy channel's history holds a few large objects instead of two small ones per message: each
 * retained message used to survive young-generation collections, get promoted, and die in the old
 * generation, and that churn showed in the benchmark's steady p99 (about 1 ms at 10,000 msg/s)
 * and in its ingest profile. Both stores start small and grow, so that quiet channels cost
 * little. {@link History.after} returns copies: the buffer is compacted in place later.
 * The limits may change between pushes (retention travels with each publish).
 */
export class History {
  private data: Buffer = Buffer.allocUnsafe(0);
  /** Bytes in use start here (everything before is dead, reclaimed by compaction). */
  private byteHead = 0;
  /** Next free byte. */
  private byteTail = 0;
  private starts = new Uint32Array(0);
  private lengths = new Uint32Array(0);
  /** Slot of the oldest message in the `starts`/`lengths` rings. */
  private head = 0;
  private size = 0;
  private bytesHeld = 0;
  private first = 0;

  constructor(public limits: RetentionLimits) {}

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
    return this.size === 0 ? undefined : this.first;
  }

  /** Append the message numbered `seq` (the one after the newest), evicting the oldest ones past the limits. */
  push(seq: number, data: Buffer): void {
    const { maxMessages, maxBytes } = this.limits;
    const length = data.length;
    if (maxMessages <= 0 || length > maxBytes) {
      this.clear(); // keeps the numbering consecutive: nothing older may stay behind a gap
      return;
    }
    while (this.size > 0 && (this.size >= maxMessages || this.bytesHeld + length > maxBytes)) this.shift();
    if (this.size === 0) {
      this.first = seq;
      this.byteHead = this.byteTail = 0;
    }
    if (this.size === this.starts.length) this.growSlots();
    if (this.byteTail + length > this.data.length) this.makeRoom(length);
    this.data.set(data, this.byteTail); // set: Buffer#copy's wrapper costs more than a line's bytes
    const slot = (this.head + this.size) % this.starts.length;
    this.starts[slot] = this.byteTail;
    this.lengths[slot] = length;
    this.byteTail += length;
    this.size++;
    this.bytesHeld += length;
  }

  /**
   * Retained messages with `seq > since`, oldest first (copies): at most `limit`, and no more
   * than `maxBytes` of them unless the first alone is larger.
   */
  after(since: number, limit = Infinity, maxBytes = Infinity): Publication[] {
    if (this.size === 0) return [];
    const skip = Math.max(0, since - this.first + 1);
    const out: Publication[] = [];
    let bytes = 0;
    for (let i = skip; i < this.size && out.length < limit; i++) {
      const slot = (this.head + i) % this.starts.length;
      const start = this.starts[slot] as number;
      const length = this.lengths[slot] as number;
      if (out.length > 0 && bytes + length > maxBytes) break;
      bytes += length;
      out.push({ seq: this.first + i, data: Buffer.from(this.data.subarray(start, start + length)) });
    }
    return out;
  }

  /** Drop the oldest message (the global retention budget); returns its size. */
  dropOldest(): number {
    if (this.size === 0) return 0;
    const length = this.lengths[this.head] as number;
    this.shift();
    return length;
  }

  /** Drop everything. */
  clear(): void {
    this.data = Buffer.allocUnsafe(0);
    this.starts = new Uint32Array(0);
    this.lengths = new Uint32Array(0);
    this.byteHead = this.byteTail = 0;
    this.head = 0;
    this.size = 0;
    this.bytesHeld = 0;
  }

  private shift(): void {
    const length = this.lengths[this.head] as number;
    this.head = (this.head + 1) % this.starts.length;
    this.size--;
    this.first++;
    this.bytesHeld -= length;
    this.byteHead = this.size === 0 ? this.byteTail : (this.starts[this.head] as number);
  }

  private growSlots(): void {
    const capacity = Math.min(Math.max(INITIAL_SLOTS, this.starts.length * 2), Math.max(1, this.limits.maxMessages));
    const starts = new Uint32Array(capacity);
    const lengths = new Uint32Array(capacity);
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head + i) % this.starts.length;
      starts[i] = this.starts[slot] as number;
      lengths[i] = this.lengths[slot] as number;
    }
    this.starts = starts;
    this.lengths = lengths;
    this.head = 0;
  }

  // The live bytes are one contiguous run [byteHead, byteTail): move it to the front when at
  // least half the buffer is then free (so each byte moves about once per buffer length
  // appended), else into a new buffer of twice what is needed, which also shrinks one that a
  // burst left far too large. So the buffer holds at most about twice the retained bytes.
  private makeRoom(length: number): void {
    const live = this.byteTail - this.byteHead;
    const needed = live + length;
    let target = this.data;
    if (needed * 2 > this.data.length || needed * 8 < this.data.length) target = Buffer.allocUnsafe(Math.max(INITIAL_BYTES, needed * 2));
    this.data.copy(target, 0, this.byteHead, this.byteTail);
    const delta = this.byteHead;
    for (let i = 0; i < this.size; i++) {
      const slot = (this.head + i) % this.starts.length;
      this.starts[slot] = (this.starts[slot] as number) - delta;
    }
    this.data = target;
    this.byteHead = 0;
    this.byteTail = live;
  }
}
