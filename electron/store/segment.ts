/**
 * A segment: one append-only file of one process's frames (a header, then lines and run frames),
 * and its sparse index of blocks (consecutive frames of about 64 KiB, with their line count and
 * first/last seq and time), which is what reads binary-search and decode.
 *
 * Why this and not a database: the store must load in Electron's main process and in plain Node
 * alike without a native module (rebuilding one for Electron downloads headers, which fails
 * here), and the access pattern is append, evict the oldest, read a time range, scan for a
 * search: exactly what append-only files with a small index do well. A segment is never
 * appended to after the store that wrote it closes (or crashed): the next session starts a new
 * one, so a torn tail can only be at the very end of a file that nobody writes again.
 *
 * When a segment is sealed (full, or at close) its index is written beside it as `NNNNNNNN.idx`
 * (one frame of JSON), so opening a big store reads a few KiB per segment instead of the data;
 * a segment without a valid index (the last one of a session that was killed) is scanned once,
 * frame by frame, which also finds a torn last write.
 */
import { closeSync, constants, fstatSync, readSync, renameSync, writeSync } from 'node:fs';
import { FrameType, jsonFrame, jsonPayload, scanFrames, type FrameDamage } from './frame';
import { readLinesSummary, type LinesSummary } from './line-batch';
import { openPrivateFile } from './state-dir';

/**
 * Blocks are closed once they reach this many bytes: the unit of reading and decoding. A busy
 * process's batches (up to 60,000 characters) make a block each; a quiet one's small batches
 * gather into one.
 */
export const BLOCK_BYTES = 32 * 1024;

/** Consecutive frames of a segment, indexed for reading. */
export interface Block {
  offset: number;
  length: number;
  count: number;
  firstSeq: number;
  lastSeq: number;
  firstTime: number;
  lastTime: number;
}

/** What a run frame records. */
export interface RunEvent {
  kind: 'begin' | 'end';
  run: number;
  /** ms since the epoch. */
  at: number;
  exitCode?: number;
  signal?: string;
}

/** The run a segment continues, as its header records it (so that a run whose begin was evicted keeps its start). */
export interface RunSnapshot {
  run: number;
  startedAt: number;
  endedAt?: number;
  exitCode?: number;
  signal?: string;
}

/** A segment's first frame. */
export interface SegmentHeader {
  v: 1;
  process: string;
  segment: number;
  createdAt: number;
  lastRun: number;
  run?: RunSnapshot;
}

/** A segment as the store knows it. */
export interface SegmentInfo {
  no: number;
  path: string;
  /** Bytes of the segment file that hold good frames, queued writes included (a torn tail is not counted). */
  size: number;
  /** Bytes known to be on disk: readers read no further (a write may still be queued). */
  written: number;
  /** Bytes on disk (the file, torn tail included, and its index file): what the caps count. */
  diskBytes: number;
  header?: SegmentHeader;
  blocks: Block[];
  runEvents: RunEvent[];
  /** Lines per run in this segment. */
  runLines: Map<number, number>;
  lines: number;
}

/** No seq reaches this (2^52): a larger one is damage. */
export const MAX_SEQ = 2 ** 52;

/** The file name of segment `no`. */
export function segmentFileName(no: number): string {
  return `${String(no).padStart(8, '0')}.seg`;
}
export function indexPath(segmentPath: string): string {
  return segmentPath.replace(/\.seg$/, '.idx');
}

/** A new, empty SegmentInfo. */
export function emptySegment(no: number, path: string): SegmentInfo {
  return { no, path, size: 0, written: 0, diskBytes: 0, blocks: [], runEvents: [], runLines: new Map(), lines: 0 };
}

/** Record a frame written (or found) at `offset` in the segment's index. */
export function indexFrame(info: SegmentInfo, offset: number, length: number, summary: LinesSummary | null): void {
  info.size = Math.max(info.size, offset + length);
  if (!summary) {
    // A run frame between lines frames belongs to the block it sits in (a reader skips it).
    const last = info.blocks[info.blocks.length - 1];
    if (last && last.offset + last.length === offset && last.length < BLOCK_BYTES) last.length += length;
    return;
  }
  info.lines += summary.count;
  info.runLines.set(summary.run, (info.runLines.get(summary.run) ?? 0) + summary.count);
  const last = info.blocks[info.blocks.length - 1];
  if (last && last.offset + last.length === offset && last.length < BLOCK_BYTES) {
    last.length += length;
    last.count += summary.count;
    last.lastSeq = summary.lastSeq;
    last.lastTime = summary.lastTime;
    return;
  }
  info.blocks.push({ offset, length, count: summary.count, firstSeq: summary.firstSeq, lastSeq: summary.lastSeq, firstTime: summary.firstTime, lastTime: summary.lastTime });
}

/** Read `length` bytes at `offset` of `fd` (short only at the end of the file). */
export function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/**
 * Load a segment: from its index file when that is whole and matches the file's size, else by
 * scanning every frame (damage is reported to `onDamage`).
 */
export function loadSegment(no: number, path: string, onDamage: (kind: FrameDamage, offset: number) => void): SegmentInfo {
  const fd = openPrivateFile(path, constants.O_RDONLY);
  try {
    const fileSize = fstatSync(fd).size;
    const fromIndex = readIndexFile(no, path, fileSize);
    if (fromIndex) return fromIndex;
    const info = emptySegment(no, path);
    const buf = readAt(fd, 0, fileSize);
    let lastSeq = 0;
    info.size = scanFrames(buf, 0, buf.length, true, (type, start, end, offset) => {
      const length = end - offset;
      if (type === FrameType.lines) {
        const summary = readLinesSummary(buf, start, end);
        // Seqs only grow: a frame out of order is no frame of ours (after damage, the scan could
        // otherwise take a frame a process printed inside one of its own lines for a real one).
        if (summary && summary.firstSeq > lastSeq && summary.lastSeq >= summary.firstSeq && summary.lastSeq < MAX_SEQ) {
          lastSeq = summary.lastSeq;
          indexFrame(info, offset, length, summary);
        } else onDamage('corrupt', offset);
        return;
      }
      indexFrame(info, offset, length, null);
      const value = jsonPayload(buf, start, end);
      if (type === FrameType.header && isHeader(value)) info.header = value;
      else if (type === FrameType.run && isRunEvent(value)) info.runEvents.push(value);
    }, onDamage);
    info.diskBytes = fileSize;
    info.written = info.size;
    return info;
  } finally {
    closeSync(fd);
  }
}

/** Write a sealed segment's index beside it (a temporary file renamed over, so a reader never sees half of one). */
export function writeIndexFile(info: SegmentInfo): void {
  const frame = jsonFrame(FrameType.index, {
    v: 1,
    size: info.size,
    header: info.header,
    blocks: info.blocks.map((b) => [b.offset, b.length, b.count, b.firstSeq, b.lastSeq, b.firstTime, b.lastTime]),
    runEvents: info.runEvents,
    runLines: [...info.runLines],
    lines: info.lines,
  });
  const target = indexPath(info.path);
  const temp = `${target}.${process.pid}.tmp`;
  const fd = openPrivateFile(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
  try {
    writeSync(fd, frame);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target);
  info.diskBytes += frame.length;
}

function readIndexFile(no: number, path: string, fileSize: number): SegmentInfo | null {
  let buf: Buffer;
  try {
    const fd = openPrivateFile(indexPath(path), constants.O_RDONLY);
    try {
      buf = readAt(fd, 0, fstatSync(fd).size);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  let value: unknown;
  scanFrames(buf, 0, buf.length, true, (type, start, end) => {
    if (type === FrameType.index) value = jsonPayload(buf, start, end);
  }, () => {});
  const v = value as { v?: number; size?: number; header?: unknown; blocks?: unknown; runEvents?: unknown; runLines?: unknown; lines?: unknown } | undefined;
  // An index of another size describes another file (the segment was cut or grew): scan instead.
  if (!v || v.v !== 1 || v.size !== fileSize || !Array.isArray(v.blocks) || !Array.isArray(v.runEvents) || !Array.isArray(v.runLines)) return null;
  const info = emptySegment(no, path);
  info.size = info.written = fileSize;
  info.diskBytes = fileSize + buf.length;
  if (isHeader(v.header)) info.header = v.header;
  for (const b of v.blocks) {
    if (!Array.isArray(b) || b.length !== 7 || !b.every((x) => typeof x === 'number' && Number.isFinite(x))) return null;
    const [offset, length, count, firstSeq, lastSeq, firstTime, lastTime] = b as number[] as [number, number, number, number, number, number, number];
    if (offset < 0 || length <= 0 || offset + length > fileSize) return null;
    info.blocks.push({ offset, length, count, firstSeq, lastSeq, firstTime, lastTime });
  }
  info.runEvents = v.runEvents.filter(isRunEvent);
  for (const pair of v.runLines) if (Array.isArray(pair) && typeof pair[0] === 'number' && typeof pair[1] === 'number') info.runLines.set(pair[0], pair[1]);
  info.lines = typeof v.lines === 'number' ? v.lines : info.blocks.reduce((n, b) => n + b.count, 0);
  return info;
}

function isHeader(value: unknown): value is SegmentHeader {
  const h = value as SegmentHeader | undefined;
  return typeof h === 'object' && h !== null && h.v === 1 && typeof h.process === 'string' && typeof h.lastRun === 'number';
}

function isRunEvent(value: unknown): value is RunEvent {
  const e = value as RunEvent | undefined;
  return typeof e === 'object' && e !== null && (e.kind === 'begin' || e.kind === 'end') && Number.isInteger(e.run) && typeof e.at === 'number';
}

/** The header frame of a new segment. */
export function headerFrame(header: SegmentHeader): Buffer {
  return jsonFrame(FrameType.header, header);
}

/** The frame that records a run starting or ending, so a read can tell runs apart without the lines. */
export function runFrame(event: RunEvent): Buffer {
  return jsonFrame(FrameType.run, event);
}
