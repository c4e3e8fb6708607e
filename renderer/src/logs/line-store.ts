/**
 * One process's held lines, compactly: texts in chunks of {@link CHUNK_LINES} lines, each chunk
 * joined into one string once full (V8 keeps a Latin-1 string at one byte a character, as UTF-8
 * would, and searching it needs no decoding), with the time, stream, kind, level and run of each
 * line in typed arrays. A million 100-byte lines cost about 120 bytes each instead of an object,
 * two strings and their headers per line (about 300 bytes). Lines are addressed by absolute
 * index: n is the n-th line ever added, older history loaded later gets negative ones, so views
 * keep their indices across drops without renumbering.
 */
import type { Level } from '../../../shared/protocol/payloads/logs';
import { hasEscape, kindOf, LEVEL_CODES, levelOf, packFlags, packLevel, streamOf, type LineKind, type LineStream } from './line-meta';
import { stripAnsi } from './log-line';

/** Lines per chunk: large enough that a million lines are 245 chunks, small enough that the open one stays cheap. */
export const CHUNK_LINES = 4096;

/** What a line is, besides its text. */
export interface LineFields {
  stream: LineStream;
  kind: LineKind;
  /** Milliseconds since the epoch. */
  time: number;
  level?: Level;
  /** The process's run the line belongs to (0: unknown). */
  run?: number;
}

class Chunk {
  /** Absolute index of the chunk's first line. */
  first: number;
  count = 0;
  /** The lines' texts while the chunk fills; null once joined. */
  parts: string[] | null = [];
  /** The joined texts (`\n` between them) and where each starts, once sealed. */
  text = '';
  /** Whether some line holds an escape (so the joined text is not the plain text). */
  escapes = false;
  starts: Uint32Array | null = null;
  readonly times: Float64Array;
  readonly flags: Uint8Array;
  readonly levels: Uint8Array;
  readonly runs: Uint32Array;

  constructor(first: number, capacity: number) {
    this.first = first;
    this.times = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.levels = new Uint8Array(capacity);
    this.runs = new Uint32Array(capacity);
  }

  get capacity(): number {
    return this.times.length;
  }

  textAt(i: number): string {
    if (this.parts) return this.parts[i] as string;
    const starts = this.starts as Uint32Array;
    return this.text.slice(starts[i], (starts[i + 1] as number) - 1);
  }

  /** Join the texts into one string: one header instead of one per line. */
  seal(): void {
    const parts = this.parts;
    if (!parts) return;
    const starts = new Uint32Array(this.count + 1);
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      starts[i] = at;
      at += (parts[i] as string).length + 1;
    }
    starts[this.count] = at;
    // A trailing '' part gives the final '\n' without a second string (a concatenation would
    // leave a rope that the first search has to flatten, copying the chunk).
    parts.push('');
    this.text = parts.join('\n');
    this.starts = starts;
    this.parts = null;
    for (let i = 0; i < this.count && !this.escapes; i++) if (hasEscape(this.flags[i] as number)) this.escapes = true;
  }
}

/** A bounded store of one process's lines with absolute indices. */
export class LineStore {
  /** Most lines kept; adding past it drops the oldest. */
  readonly capacity: number;
  /** Lines dropped because the store was full, since the last clear. */
  dropped = 0;
  /** Lines held per level code (see `line-meta.ts`), for the level chips. */
  readonly levelCounts = new Float64Array(LEVEL_CODES);
  private chunks: Chunk[] = [];
  private first = 0;
  private next = 0;
  private lastHit = 0;
  private replacedLog: number[] = [];
  private replacedBase = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Absolute index of the oldest held line. */
  get start(): number {
    return this.first;
  }

  /** Absolute index the next added line gets. */
  get end(): number {
    return this.next;
  }

  get length(): number {
    return this.next - this.first;
  }

  /** Append a line; returns its absolute index. Drops the oldest past the capacity. */
  append(text: string, fields: LineFields): number {
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.count >= chunk.capacity || !chunk.parts) {
      chunk?.seal();
      chunk = new Chunk(this.next, CHUNK_LINES);
      this.chunks.push(chunk);
    }
    const i = chunk.count++;
    (chunk.parts as string[]).push(text);
    write(chunk, i, text, fields);
    this.levelCounts[chunk.levels[i] as number]!++;
    const abs = this.next++;
    if (this.length > this.capacity) this.dropOldest(this.length - this.capacity, true);
    return abs;
  }

  /**
   * Add older lines in front of the held ones (a page read from the stored history), oldest
   * first. Only as many as the capacity leaves room for are taken: the newest of them. Returns
   * how many were added.
   */
  prepend(lines: ReadonlyArray<{ text: string; fields: LineFields }>): number {
    const room = Math.max(0, this.capacity - this.length);
    const take = lines.slice(Math.max(0, lines.length - room));
    if (take.length === 0) return 0;
    const chunk = new Chunk(this.first - take.length, take.length);
    chunk.count = take.length;
    take.forEach((l, i) => {
      (chunk.parts as string[]).push(l.text);
      write(chunk, i, l.text, l.fields);
      this.levelCounts[chunk.levels[i] as number]!++;
    });
    chunk.seal();
    if (this.length === 0) {
      // Nothing held: the page becomes the whole store, at the current numbering.
      chunk.first = this.first;
      this.chunks = [chunk];
      this.next = this.first + take.length;
      return take.length;
    }
    this.chunks.unshift(chunk);
    this.lastHit++;
    this.first -= take.length;
    return take.length;
  }

  /** Replace the newest line's text (a `\r` progress update); its time stays, so its place in time does. */
  replaceLast(text: string, fields: Pick<LineFields, 'stream' | 'level'>): boolean {
    if (this.length === 0) return false;
    const abs = this.next - 1;
    const chunk = this.chunks[this.chunks.length - 1] as Chunk;
    const i = abs - chunk.first;
    if (!chunk.parts) return false;
    this.levelCounts[chunk.levels[i] as number]!--;
    chunk.parts[i] = text;
    write(chunk, i, text, { ...fields, kind: kindOf(chunk.flags[i] as number), time: chunk.times[i] as number, run: chunk.runs[i] });
    this.levelCounts[chunk.levels[i] as number]!++;
    this.replacedLog.push(abs);
    if (this.replacedLog.length > 512) {
      this.replacedLog.splice(0, 256);
      this.replacedBase += 256;
    }
    return true;
  }

  /** Generation of replacements; see {@link replacedSince}. */
  get replaceGeneration(): number {
    return this.replacedBase + this.replacedLog.length;
  }

  /** Absolute indices replaced since a generation, or null when that is too long ago to tell. */
  replacedSince(generation: number): readonly number[] | null {
    if (generation < this.replacedBase) return null;
    return this.replacedLog.slice(generation - this.replacedBase);
  }

  /** Whether a line is held. */
  has(abs: number): boolean {
    return abs >= this.first && abs < this.next;
  }

  /** The text as received (escapes kept); '' when not held. */
  text(abs: number): string {
    const c = this.chunkOf(abs);
    return c ? c.textAt(abs - c.first) : '';
  }

  /** The text without escapes, for filters, search, copy and download. */
  plain(abs: number): string {
    const c = this.chunkOf(abs);
    if (!c) return '';
    const i = abs - c.first;
    const text = c.textAt(i);
    return hasEscape(c.flags[i] as number) ? stripAnsi(text) : text;
  }

  time(abs: number): number {
    const c = this.chunkOf(abs);
    return c ? (c.times[abs - c.first] as number) : Number.NaN;
  }

  stream(abs: number): LineStream {
    const c = this.chunkOf(abs);
    return c ? streamOf(c.flags[abs - c.first] as number) : 'system';
  }

  kind(abs: number): LineKind {
    const c = this.chunkOf(abs);
    return c ? kindOf(c.flags[abs - c.first] as number) : 'out';
  }

  /** The level code (0 none, 1 error ... 5 trace). */
  levelCode(abs: number): number {
    const c = this.chunkOf(abs);
    return c ? (c.levels[abs - c.first] as number) : 0;
  }

  level(abs: number): Level | undefined {
    return levelOf(this.levelCode(abs));
  }

  run(abs: number): number {
    const c = this.chunkOf(abs);
    return c ? (c.runs[abs - c.first] as number) : 0;
  }

  /** The first held index whose time is at least `time` (times are in order within a store). */
  lowerBoundTime(time: number): number {
    let lo = this.first;
    let hi = this.next;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.time(mid) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Skip the lines a literal pattern cannot match: when the sealed chunk holding `abs` has no
   * escapes and one search of its joined text finds nothing, its end; else `abs`. Also returns
   * where that chunk ends, so a scan asks once per chunk (a million lines are 245 searches of
   * 400 KB each, not a million small ones).
   */
  skipUnmatched(abs: number, literal: RegExp): { next: number; chunkEnd: number } {
    const c = this.chunkOf(abs);
    if (!c) return { next: abs, chunkEnd: abs + 1 };
    const chunkEnd = c.first + c.count;
    if (c.parts || c.escapes) return { next: abs, chunkEnd };
    literal.lastIndex = 0;
    const starts = c.starts as Uint32Array;
    const from = starts[abs - c.first] as number;
    const found = from === 0 ? literal.test(c.text) : literal.test(c.text.slice(from));
    return { next: found ? abs : chunkEnd, chunkEnd };
  }

  /** Forget every line (numbering goes on, so views see the start move past their indices). */
  clear(): void {
    this.chunks = [];
    this.first = this.next;
    this.dropped = 0;
    this.levelCounts.fill(0);
    this.lastHit = 0;
  }

  /** Drop the oldest `n` lines (the capacity, or a budget over all processes). */
  dropOldest(n: number, count = true): void {
    const stop = Math.min(this.next, this.first + n);
    for (let abs = this.first; abs < stop; abs++) this.levelCounts[this.levelCode(abs)]!--;
    if (count) this.dropped += stop - this.first;
    this.first = stop;
    let gone = 0;
    while (gone < this.chunks.length && (this.chunks[gone] as Chunk).first + (this.chunks[gone] as Chunk).count <= this.first) gone++;
    if (gone > 0) {
      this.chunks.splice(0, gone);
      this.lastHit = 0;
    }
  }

  /** Bytes the held texts take, roughly (one a character), for the memory figures. */
  textBytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c.parts ? c.parts.reduce((s, p) => s + p.length + 1, 0) : c.text.length;
    return n;
  }

  private chunkOf(abs: number): Chunk | undefined {
    if (abs < this.first || abs >= this.next) return undefined;
    const chunks = this.chunks;
    const hit = chunks[this.lastHit];
    if (hit && abs >= hit.first && abs < hit.first + hit.count) return hit;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((chunks[mid] as Chunk).first <= abs) lo = mid;
      else hi = mid - 1;
    }
    this.lastHit = lo;
    return chunks[lo];
  }
}

function write(chunk: Chunk, i: number, text: string, fields: LineFields): void {
  chunk.times[i] = fields.time;
  chunk.flags[i] = packFlags(fields.stream, fields.kind, text.includes('\x1b'));
  chunk.levels[i] = packLevel(fields.level);
  chunk.runs[i] = fields.run ?? 0;
}
