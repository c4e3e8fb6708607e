/**
 * Reading stored blocks back: a block's frames are read from its segment file and decoded, with a
 * small cache of decoded blocks (paging back and forth reads the same ones again), a bounded set
 * of open read descriptors, and a memory of the blocks whose CRCs were found good, so that a block
 * read again is not checked again.
 */
import { closeSync, constants } from 'node:fs';
import { FrameType, scanFrames, type FrameDamage } from './frame';
import { decodeLines, type DecodedLines } from './line-batch';
import type { BlockRef } from './process-log';
import { readAt } from './segment';
import { openPrivateFile } from './state-dir';

/** Decoded blocks kept for paging back and forth. */
const CACHE_BLOCKS = 64;
/** Segment files kept open for reading. */
const READ_FDS = 32;

/** Reads and decodes the blocks of a store's segments. */
export class BlockReader {
  private readonly cache = new Map<string, { length: number; lines: DecodedLines }>();
  private readonly readFds = new Map<string, number>();
  /** Blocks (offset and length, per segment) whose CRCs this session checked and found good: read again, they are not checked again. */
  private readonly verified = new Map<string, Set<string>>();
  private closed = false;

  /** `damaged` hears of each damaged or torn frame found (the store counts and reports each once). */
  constructor(private readonly damaged: (path: string, kind: FrameDamage, offset: number) => void) {}

  /** The lines of a block; null when it is gone, not written yet, or the reader is closed. `keep: false` leaves the cache as it is (a scan). */
  decode(ref: BlockRef, keep = true): DecodedLines | null {
    if (this.closed) return null;
    const key = `${ref.seg.path}#${ref.block.offset}`;
    const hit = this.cache.get(key);
    if (hit && hit.length === ref.block.length) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.lines;
    }
    // Only what is known to be written: the block may also hold frames still queued.
    const length = Math.min(ref.block.length, ref.seg.written - ref.block.offset);
    if (length <= 0) return null;
    let buf: Buffer;
    try {
      buf = readAt(this.readFd(ref.seg.path), ref.block.offset, length);
    } catch {
      return null; // evicted meanwhile
    }
    const payloads: Array<[number, number]> = [];
    const at = (offset: number): number => ref.block.offset + offset;
    const checked = this.verified.get(ref.seg.path) ?? new Set<string>();
    const span = `${ref.block.offset}+${length}`;
    let damage = false;
    scanFrames(buf, 0, buf.length, buf.length < length, (type, start, end) => {
      if (type === FrameType.lines) payloads.push([start, end]);
    }, (kind, offset) => {
      damage = true;
      this.damaged(ref.seg.path, kind, at(offset));
    }, !checked.has(span));
    if (!damage && buf.length === length) {
      checked.add(span);
      this.verified.set(ref.seg.path, checked);
    }
    const lines = decodeLines(buf, payloads, (index) => this.damaged(ref.seg.path, 'corrupt', at((payloads[index] as [number, number])[0])), ref.block);
    if (!keep) return lines;
    this.cache.set(key, { length, lines });
    if (this.cache.size > CACHE_BLOCKS) this.cache.delete(this.cache.keys().next().value as string);
    return lines;
  }

  /** A segment file went away: close its descriptor and drop what is cached of it. */
  forget(path: string): void {
    const fd = this.readFds.get(path);
    if (fd !== undefined) {
      closeSync(fd);
      this.readFds.delete(path);
    }
    for (const key of [...this.cache.keys()]) if (key.startsWith(`${path}#`)) this.cache.delete(key);
    this.verified.delete(path);
  }

  /** Close every descriptor; later reads answer null. */
  close(): void {
    this.closed = true;
    for (const fd of this.readFds.values()) closeSync(fd);
    this.readFds.clear();
    this.cache.clear();
  }

  private readFd(path: string): number {
    let fd = this.readFds.get(path);
    if (fd !== undefined) return fd;
    fd = openPrivateFile(path, constants.O_RDONLY);
    this.readFds.set(path, fd);
    if (this.readFds.size > READ_FDS) {
      const [oldPath, oldFd] = this.readFds.entries().next().value as [string, number];
      this.readFds.delete(oldPath);
      closeSync(oldFd);
    }
    return fd;
  }
}
