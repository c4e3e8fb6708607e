/**
 * A batch of one process's lines as one frame payload, encoded at once (one `join`, one UTF-8
 * write, one CRC for up to thousands of lines) so that storing costs the ingest path little:
 *
 *     u8 type=2 | u8 flags (bit 0: the text is ASCII) | u16 0 | u32 run | u32 count | u32 metaBytes
 *     f64 firstSeq | f64 lastSeq | f64 firstTime | f64 lastTime                     (48 bytes)
 *     meta, per line: varint seq delta | varint zigzag time delta (ms) | u8 stream+level | varint length
 *     text: the lines' data back to back, UTF-8
 *
 * Lengths count UTF-16 code units, not bytes: the text is written and read back as one string
 * (UTF-8 keeps a string's length, a lone surrogate becoming U+FFFD), so neither side measures
 * lines one by one. A typical line costs 4 to 6 bytes besides its text.
 */
import { LEVELS, type Level, type OutputStream } from '../../shared/protocol';
import { FRAME_HEADER, FrameType, sealFrame } from './frame';

/** Bytes of the fixed part of a lines payload. */
export const LINES_HEADER = 48;
/** The most meta bytes one line can take (three varints of up to 8 bytes and a byte). */
const MAX_META = 25;
/** Lines whose text is written with one call. */
const TEXT_GROUP = 256;

/** A line's stream and level packed in one byte: bit 0 stderr, bits 1..3 the level (1 error … 5 trace, 0 none). */
export function lineFlags(stream: OutputStream, level: Level | undefined): number {
  return (stream === 'stderr' ? 1 : 0) | (level ? (LEVELS.indexOf(level) + 1) << 1 : 0);
}
export function flagsStream(flags: number): OutputStream {
  return (flags & 1) === 1 ? 'stderr' : 'stdout';
}
export function flagsLevel(flags: number): Level | undefined {
  return LEVELS[((flags >> 1) & 7) - 1];
}

/**
 * Lines waiting to be written, in parallel arrays that are reused from batch to batch (no object
 * per line and no array growth on the hot path; they grow once to the largest batch).
 */
export class PendingLines {
  count = 0;
  chars = 0;
  data: string[] = new Array<string>(64).fill('');
  time = new Float64Array(64);
  seq = new Float64Array(64);
  flags = new Uint8Array(64);

  push(data: string, time: number, seq: number, flags: number): void {
    if (this.count === this.time.length) this.grow();
    const i = this.count++;
    this.data[i] = data;
    this.time[i] = time;
    this.seq[i] = seq;
    this.flags[i] = flags;
    this.chars += data.length;
  }

  clear(): void {
    // Let go of the strings; keep the arrays.
    for (let i = 0; i < this.count; i++) this.data[i] = '';
    this.count = 0;
    this.chars = 0;
  }

  private grow(): void {
    const size = this.time.length * 2;
    this.data.length = size;
    this.data.fill('', this.count);
    const time = new Float64Array(size);
    time.set(this.time);
    this.time = time;
    const seq = new Float64Array(size);
    seq.set(this.seq);
    this.seq = seq;
    const flags = new Uint8Array(size);
    flags.set(this.flags);
    this.flags = flags;
  }
}

/** What a lines frame says about itself (the block index keeps these). */
export interface LinesSummary {
  run: number;
  count: number;
  firstSeq: number;
  lastSeq: number;
  firstTime: number;
  lastTime: number;
}

/**
 * Buffers for frames, given back once written: a batch is encoded into one and handed to the
 * writer, and no batch costs an allocation (or the page faults of fresh memory) in the steady state.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  /** A buffer of at least `size` bytes. */
  take(size: number): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const buf = this.free[i] as Buffer;
      if (buf.length >= size) {
        this.free.splice(i, 1);
        return buf;
      }
    }
    return Buffer.allocUnsafeSlow(Math.max(size, 64 * 1024));
  }

  /** Give a buffer from {@link take} back. */
  give(buf: Buffer): void {
    if (this.free.length < 8) this.free.push(buf);
  }
}

/** Encode `lines` (all of one run) as one frame in a buffer of `pool` (`buffer`: give it back once the frame is written). */
export function encodeLines(lines: PendingLines, run: number, pool: BufferPool): { frame: Buffer; buffer: Buffer; summary: LinesSummary } {
  const n = lines.count;
  const data = lines.data;
  const buf = pool.take(FRAME_HEADER + LINES_HEADER + n * MAX_META + lines.chars * 3);
  const firstSeq = lines.seq[0] as number;
  const firstTime = Math.round(lines.time[0] as number);
  let prevSeq = firstSeq;
  let prevTime = firstTime;
  let pos = FRAME_HEADER + LINES_HEADER;
  for (let i = 0; i < n; i++) {
    const seq = lines.seq[i] as number;
    const time = Math.round(lines.time[i] as number);
    const dt = time - prevTime;
    pos = writeVarint(buf, pos, seq - prevSeq);
    pos = writeVarint(buf, pos, dt >= 0 ? dt * 2 : -dt * 2 - 1);
    buf[pos++] = lines.flags[i] as number;
    pos = writeVarint(buf, pos, (data[i] as string).length);
    prevSeq = seq;
    prevTime = time;
  }
  const metaBytes = pos - FRAME_HEADER - LINES_HEADER;
  // The text in groups of lines: one native write per group, and no string of a whole batch
  // (hundreds of KiB a time would land in V8's large-object space and cost major GCs).
  let ascii = true;
  for (let g = 0; g < n; g += TEXT_GROUP) {
    const end = Math.min(n, g + TEXT_GROUP);
    let text = '';
    for (let i = g; i < end; i++) text += data[i] as string;
    const written = buf.write(text, pos, 'utf8');
    if (written !== text.length) ascii = false;
    pos += written;
  }
  const h = FRAME_HEADER;
  buf[h] = FrameType.lines;
  buf[h + 1] = ascii ? 1 : 0;
  buf.writeUInt16LE(0, h + 2);
  buf.writeUInt32LE(run, h + 4);
  buf.writeUInt32LE(n, h + 8);
  buf.writeUInt32LE(metaBytes, h + 12);
  buf.writeDoubleLE(firstSeq, h + 16);
  buf.writeDoubleLE(prevSeq, h + 24);
  buf.writeDoubleLE(firstTime, h + 32);
  buf.writeDoubleLE(prevTime, h + 40);
  const frame = sealFrame(buf, pos - FRAME_HEADER);
  return { frame, buffer: buf, summary: { run, count: n, firstSeq, lastSeq: prevSeq, firstTime, lastTime: prevTime } };
}

/** The summary of the lines payload at `buf[start, end)`, or null when its fixed part does not hold together. */
export function readLinesSummary(buf: Buffer, start: number, end: number): LinesSummary | null {
  if (end - start < LINES_HEADER || buf[start] !== FrameType.lines) return null;
  const count = buf.readUInt32LE(start + 8);
  const metaBytes = buf.readUInt32LE(start + 12);
  if (count === 0 || start + LINES_HEADER + metaBytes > end || metaBytes < count * 4) return null;
  return {
    run: buf.readUInt32LE(start + 4),
    count,
    firstSeq: buf.readDoubleLE(start + 16),
    lastSeq: buf.readDoubleLE(start + 24),
    firstTime: buf.readDoubleLE(start + 32),
    lastTime: buf.readDoubleLE(start + 40),
  };
}

/** A lines payload of a block, its meta not decoded yet. */
interface Payload {
  start: number;
  end: number;
  summary: LinesSummary;
  /** Its index among the block's payloads (for damage reports). */
  index: number;
  bytes: Buffer;
  ascii: boolean;
}

/**
 * Lines decoded from a block: parallel arrays, and every line's data back to back. Both are
 * decoded on first use: a search for a word no line of the block has looks at the text only (one
 * `indexOf`), never at the per-line meta; and the text stays bytes until a string is asked for
 * (the regex worker decodes it itself). ASCII text (flagged per frame, the common case) becomes a
 * string with a latin1 copy.
 */
export class DecodedLines {
  /** Lines (of the frames whose headers hold together; fewer once the meta shows a frame bad). */
  count: number;
  /** The text's bytes; line `i` spans `starts[i]…starts[i + 1]` of it when `ascii`. */
  bytes: Buffer;
  /** Whether the text is ASCII (then byte offsets are character offsets, and case folding keeps them). */
  ascii: boolean;
  private decoded: string | null = null;
  private pending: Payload[] | null;
  private arrays: MetaArrays | null = null;

  constructor(private readonly buf: Buffer, payloads: Payload[], private readonly onBad: (index: number) => void) {
    this.pending = payloads;
    this.count = payloads.reduce((n, p) => n + p.summary.count, 0);
    this.ascii = payloads.every((p) => p.ascii);
    this.bytes = payloads.length === 1 ? (payloads[0] as Payload).bytes : Buffer.concat(payloads.map((p) => p.bytes));
  }

  get seq(): Float64Array {
    return this.meta().seq;
  }
  get time(): Float64Array {
    return this.meta().time;
  }
  get flags(): Uint8Array {
    return this.meta().flags;
  }
  get run(): Uint32Array {
    return this.meta().run;
  }
  /** Line `i` is `text.slice(starts[i], starts[i + 1])`. */
  get starts(): Uint32Array {
    return this.meta().starts;
  }

  /** Every line's data back to back (decoded on first use). */
  get text(): string {
    if (this.decoded === null) this.decoded = this.bytes.toString(this.ascii ? 'latin1' : 'utf8');
    return this.decoded;
  }

  private meta(): MetaArrays {
    if (this.arrays) return this.arrays;
    const payloads = this.pending ?? [];
    this.pending = null;
    const total = this.count;
    // One allocation for the five arrays (each its own ArrayBuffer would be five for the GC to track).
    const memory = new ArrayBuffer(total * 16 + (total * 2 + 1) * 4 + total);
    const out = {
      seq: new Float64Array(memory, 0, total),
      time: new Float64Array(memory, total * 8, total),
      run: new Uint32Array(memory, total * 16, total),
      starts: new Uint32Array(memory, total * 20, total + 1),
      flags: new Uint8Array(memory, total * 24 + 4, total),
    };
    const good: Payload[] = [];
    let at = 0;
    let chars = 0;
    for (const p of payloads) {
      const ok = decodeMeta(this.buf, p.start, p.end, p.summary, out, at, chars);
      const length = ok ? (out.starts[at + p.summary.count] as number) - chars : -1;
      // ASCII: a byte per character. Otherwise the decoded length must match.
      if (!ok || (p.ascii ? p.bytes.length : p.bytes.toString('utf8').length) !== length) {
        this.onBad(p.index);
        continue;
      }
      good.push(p);
      at += p.summary.count;
      chars += length;
    }
    if (good.length < payloads.length) {
      // A bad frame's text goes too, so that the offsets of the good ones hold.
      this.count = at;
      this.ascii = good.every((p) => p.ascii);
      this.bytes = Buffer.concat(good.map((p) => p.bytes));
      this.decoded = null;
      this.arrays = {
        seq: out.seq.subarray(0, at),
        time: out.time.subarray(0, at),
        run: out.run.subarray(0, at),
        starts: out.starts.subarray(0, at + 1),
        flags: out.flags.subarray(0, at),
      };
    } else this.arrays = out;
    return this.arrays;
  }
}

/** The data of line `i`. */
export function lineData(d: DecodedLines, i: number): string {
  const starts = d.starts;
  return d.text.slice(starts[i], starts[i + 1]);
}

/**
 * The lines payloads `payloads` (`[start, end]` pairs in `buf`) as one {@link DecodedLines}. A
 * payload whose header does not hold together, or whose seqs fall out of order or outside `range`
 * (the block's, from the index), is left out and reported to `onBad` with its index (and so,
 * once the meta is decoded, is one whose meta or text does not add up).
 */
export function decodeLines(
  buf: Buffer,
  payloads: Array<[number, number]>,
  onBad: (index: number) => void,
  range: { firstSeq: number; lastSeq: number } = { firstSeq: 0, lastSeq: Number.MAX_SAFE_INTEGER },
): DecodedLines {
  const accepted: Payload[] = [];
  let lastSeq = range.firstSeq - 1;
  payloads.forEach(([start, end], index) => {
    const summary = readLinesSummary(buf, start, end);
    // Seqs grow and stay within the block's range: anything else is no frame of ours (see loadSegment).
    if (!summary || summary.firstSeq <= lastSeq || summary.lastSeq < summary.firstSeq || summary.lastSeq > range.lastSeq) {
      onBad(index);
      return;
    }
    lastSeq = summary.lastSeq;
    const bytes = buf.subarray(start + LINES_HEADER + buf.readUInt32LE(start + 12), end);
    accepted.push({ start, end, summary, index, bytes, ascii: ((buf[start + 1] as number) & 1) === 1 });
  });
  return new DecodedLines(buf, accepted, onBad);
}

interface MetaArrays {
  seq: Float64Array;
  time: Float64Array;
  flags: Uint8Array;
  run: Uint32Array;
  starts: Uint32Array;
}

/** Decode one payload's meta into `out` from index `at` (text offsets from `chars`); false when it runs short. */
function decodeMeta(buf: Buffer, start: number, end: number, s: LinesSummary, out: MetaArrays, at: number, chars: number): boolean {
  let pos = start + LINES_HEADER;
  const metaEnd = pos + buf.readUInt32LE(start + 12);
  if (metaEnd > end) return false;
  let seq = s.firstSeq;
  let time = s.firstTime;
  let offset = chars;
  out.starts[at] = offset;
  for (let i = 0; i < s.count; i++) {
    if (pos >= metaEnd) return false;
    seq += readVarint(buf, pos, metaEnd);
    const z = readVarint(buf, varint.end, metaEnd);
    time += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    const flags = buf[varint.end] as number;
    const v = readVarint(buf, varint.end + 1, metaEnd);
    pos = varint.end;
    if (pos > metaEnd) return false;
    offset += v;
    out.seq[at + i] = seq;
    out.time[at + i] = time;
    out.flags[at + i] = flags;
    out.run[at + i] = s.run;
    out.starts[at + i + 1] = offset;
  }
  return true;
}

/**
 * Where the last {@link readVarint} ended: a field of one object, so that the hot loop allocates
 * nothing (a mutated module `let` would be stored through V8's slow path on every varint).
 */
const varint = { end: 0 };

/** The unsigned LEB128 at `pos` (read no further than `end`); sets `varint.end`. */
function readVarint(buf: Buffer, pos: number, end: number): number {
  let v = 0;
  let mul = 1;
  let b: number;
  do {
    b = buf[pos++] as number;
    v += (b & 127) * mul;
    mul *= 128;
  } while (b & 128 && pos < end);
  varint.end = pos;
  return v;
}

/** Unsigned LEB128 of a safe integer. */
function writeVarint(buf: Buffer, pos: number, v: number): number {
  while (v >= 128) {
    buf[pos++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}
