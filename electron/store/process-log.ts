/**
 * One process's stored output: its chain of segments (oldest first, the last one being written),
 * its runs, the lines waiting for the next write, and the eviction of its own oldest segments.
 * A process only ever removes its own segments to meet its own cap, so a chatty process at its
 * cap never touches a quiet one's lines (the global cap is the store's business, see log-store.ts).
 */
import { closeSync, constants, fsyncSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameDamage } from './frame';
import { encodeLines, PendingLines, type BufferPool, type LinesSummary } from './line-batch';
import {
  emptySegment,
  headerFrame,
  indexFrame,
  indexPath,
  loadSegment,
  runFrame,
  segmentFileName,
  writeIndexFile,
  type Block,
  type RunEvent,
  type RunSnapshot,
  type SegmentInfo,
} from './segment';
import { SegmentWriter } from './segment-writer';
import { ensureStoreDir, openPrivateFile } from './state-dir';

/** What a process log needs from its store. */
export interface ProcessLogContext {
  pool: BufferPool;
  /** Segment size of this process (a new segment is begun when the next frame would pass it). */
  segmentBytes: number;
  /** A write failed: count it, say it (rate-limited by the store). */
  writeFailed(log: ProcessLog, lines: number, err: unknown): void;
  /** A frame on disk is damaged. */
  damaged(log: ProcessLog, path: string, kind: FrameDamage, offset: number): void;
  /** Bytes on disk changed by `delta` (the store keeps the global total). */
  bytesChanged(delta: number): void;
  /** A segment went away (the store drops what it cached of it). */
  segmentRemoved(info: SegmentInfo): void;
  /** Bytes waiting to be written changed by `delta`. */
  queued(delta: number): void;
  /** Whether so much waits to be written that a new batch must be dropped (the disk does not keep up). */
  overloaded(): boolean;
}

/** A run as the store keeps it. */
export interface RunState extends RunSnapshot {
  lines: number;
}

/** A block and the segment it is in. */
export interface BlockRef {
  seg: SegmentInfo;
  block: Block;
}

export class ProcessLog {
  /** Segments, oldest first; while writing, the last one is open. */
  readonly segments: SegmentInfo[] = [];
  readonly pending = new PendingLines();
  readonly runs = new Map<number, RunState>();
  lastRun = 0;
  /** The run new lines belong to (0 before the first `beginRun` of this session). */
  currentRun = 0;
  enabled = true;
  maxBytes: number;
  diskBytes = 0;
  /** Bumped whenever the block list changes shape (a block, a segment added or removed). */
  version = 0;
  private writer: { fd: number; info: SegmentInfo; out: SegmentWriter } | null = null;
  /** Writers whose files are not closed yet (the open one and those closing after their queue). */
  private readonly writers = new Set<SegmentWriter>();
  private nextSegment = 1;
  private dirReady = false;
  private flatBlocks: { version: number; refs: BlockRef[] } | null = null;

  /**
   * `id`: the process id; for a folder read at start, its name until {@link load} reads the id
   * from the segments (the folder name is a readable part and a hash of the id, not the id).
   */
  constructor(public id: string, readonly dir: string, maxBytes: number, private readonly ctx: ProcessLogContext) {
    this.maxBytes = maxBytes;
  }

  /** Read this process's segments from its folder (at the store's start); false when none names its process. */
  load(): boolean {
    this.dirReady = true;
    const numbers = readdirSync(this.dir, { withFileTypes: true })
      .filter((e) => e.isFile() && /^\d{8}\.seg$/.test(e.name))
      .map((e) => Number(e.name.slice(0, 8)))
      .sort((a, b) => a - b);
    for (const no of numbers) {
      const path = join(this.dir, segmentFileName(no));
      try {
        const info = loadSegment(no, path, (kind, offset) => this.ctx.damaged(this, path, kind, offset));
        this.segments.push(info);
        this.diskBytes += info.diskBytes;
      } catch {
        // Unreadable (a link planted in its place, a permission): what it held is lost, and said so.
        this.ctx.damaged(this, path, 'corrupt', 0);
      }
      this.nextSegment = no + 1;
    }
    this.rebuildRuns();
    this.version++;
    const named = this.segments.find((seg) => seg.header)?.header;
    if (named) this.id = named.process;
    return named !== undefined;
  }

  /** Hand the waiting lines to the writer as one frame. */
  flush(): void {
    const lines = this.pending;
    const count = lines.count;
    if (count === 0) return;
    if (this.ctx.overloaded()) {
      this.ctx.writeFailed(this, count, new Error('the disk does not keep up (more than 64 MiB wait to be written)'));
    } else {
      try {
        const { frame, buffer, summary } = encodeLines(lines, this.currentRun, this.ctx.pool);
        this.writeFrame(frame, summary, count, () => this.ctx.pool.give(buffer));
      } catch (err) {
        this.ctx.writeFailed(this, count, err);
        this.closeWriter(false);
      }
    }
    lines.clear();
  }

  /** Resolves once every write handed to the writers so far is on disk (or failed). */
  async idle(): Promise<void> {
    while (this.writers.size > 0) {
      const waiting = [...this.writers];
      await Promise.all(waiting.map((w) => w.idle()));
      if (waiting.every((w) => !this.writers.has(w) || this.writer?.out === w)) return;
    }
  }

  /** Begin a run: its number (one more than the last, across sessions). */
  beginRun(startedAt: number): number {
    this.flush();
    const run = ++this.lastRun;
    this.currentRun = run;
    this.runs.set(run, { run, startedAt, lines: 0 });
    if (this.enabled) this.writeEvent({ kind: 'begin', run, at: startedAt });
    return run;
  }

  /** End run `run` (default the current one). */
  endRun(run: number, endedAt: number, exitCode: number | undefined, signal: string | undefined): void {
    this.flush();
    const state = this.runs.get(run);
    if (!state) return;
    state.endedAt = endedAt;
    if (exitCode !== undefined) state.exitCode = exitCode;
    if (signal !== undefined) state.signal = signal;
    const event: RunEvent = { kind: 'end', run, at: endedAt };
    if (exitCode !== undefined) event.exitCode = exitCode;
    if (signal !== undefined) event.signal = signal;
    if (this.enabled) this.writeEvent(event);
  }

  /** Remove the oldest segment; returns the bytes freed (0 when there is nothing to remove). */
  evictOldest(): number {
    const oldest = this.segments[0];
    if (!oldest) return 0;
    if (this.writer?.info === oldest) {
      // The only segment is being written: seal it and go on in a new one, then drop it.
      if (this.segments.length === 1 && oldest.lines === 0) return 0;
      this.closeWriter(true);
    }
    this.segments.shift();
    for (const path of [oldest.path, indexPath(oldest.path)]) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone (an index that was never written): nothing to free.
      }
    }
    this.diskBytes -= oldest.diskBytes;
    this.ctx.bytesChanged(-oldest.diskBytes);
    this.ctx.segmentRemoved(oldest);
    this.rebuildRuns();
    this.version++;
    return oldest.diskBytes;
  }

  /** Flush, then (once written) make the data durable (fsync) and seal the open segment; see {@link idle}. */
  close(): void {
    this.flush();
    this.closeWriter(true, true);
  }

  /** Every block of every segment, oldest first. */
  blocks(): BlockRef[] {
    if (this.flatBlocks?.version === this.version) return this.flatBlocks.refs;
    const refs: BlockRef[] = [];
    for (const seg of this.segments) for (const block of seg.blocks) refs.push({ seg, block });
    this.flatBlocks = { version: this.version, refs };
    return refs;
  }

  /** Lines stored now (evicted ones not counted). */
  storedLines(): number {
    let n = 0;
    for (const seg of this.segments) n += seg.lines;
    return n;
  }

  private writeEvent(event: RunEvent): void {
    try {
      this.writeFrame(runFrame(event), null, 0).runEvents.push(event);
    } catch (err) {
      this.ctx.writeFailed(this, 0, err);
      this.closeWriter(false);
    }
  }

  /** Queue a frame on the open segment (a new one when it is full) and index it; returns the segment. */
  private writeFrame(frame: Buffer, summary: LinesSummary | null, lines: number, done?: () => void): SegmentInfo {
    let writer = this.writer ?? this.openWriter();
    if (writer.info.size + frame.length > this.ctx.segmentBytes && writer.info.blocks.length > 0) {
      this.closeWriter(true);
      writer = this.openWriter();
    }
    const offset = writer.info.size;
    const blocksBefore = writer.info.blocks.length;
    indexFrame(writer.info, offset, frame.length, summary);
    writer.info.diskBytes += frame.length;
    this.diskBytes += frame.length;
    this.ctx.bytesChanged(frame.length);
    if (summary) {
      const state = this.runs.get(summary.run);
      if (state) state.lines += summary.count;
    }
    if (writer.info.blocks.length !== blocksBefore) this.version++;
    writer.out.append(frame, lines, done);
    return writer.info;
  }

  /** Begin a new segment file (never an old one: a crashed session's torn tail stays at the end of its file). */
  private openWriter(): { fd: number; info: SegmentInfo; out: SegmentWriter } {
    if (!this.dirReady) {
      ensureStoreDir(this.dir);
      this.dirReady = true;
    }
    for (let attempt = 0; ; attempt++) {
      const no = this.nextSegment++;
      const path = join(this.dir, segmentFileName(no));
      let fd: number;
      try {
        fd = openPrivateFile(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 1000) continue;
        throw err;
      }
      const info = emptySegment(no, path);
      const current = this.runs.get(this.currentRun) ?? this.runs.get(this.lastRun);
      info.header = { v: 1, process: this.id, segment: no, createdAt: Date.now(), lastRun: this.lastRun };
      if (current) info.header.run = snapshot(current);
      const out = new SegmentWriter(fd, info, {
        failed: (err, lines) => this.writerFailed(writer, err, lines),
        queued: (delta) => this.ctx.queued(delta),
      });
      const writer = { fd, info, out };
      this.writers.add(out);
      const header = headerFrame(info.header);
      indexFrame(info, 0, header.length, null);
      info.diskBytes = header.length;
      this.diskBytes += header.length;
      this.ctx.bytesChanged(header.length);
      this.segments.push(info);
      this.version++;
      this.writer = writer;
      out.append(header, 0);
      return writer;
    }
  }

  /** A write of `writer` failed: count it, forget what its index says beyond the written bytes, go on in a new segment. */
  private writerFailed(writer: { fd: number; info: SegmentInfo; out: SegmentWriter }, err: Error, lines: number): void {
    this.ctx.writeFailed(this, lines, err);
    const info = writer.info;
    info.blocks = info.blocks.filter((b) => b.offset + b.length <= info.written);
    info.size = info.written;
    info.lines = info.blocks.reduce((n, b) => n + b.count, 0);
    this.version++;
    if (this.writer === writer) this.closeWriter(false);
  }

  /**
   * Close the open segment once its queue is written; `seal` then writes its index file,
   * `durable` fsyncs first. A failed segment is never sealed: the next start scans it.
   */
  private closeWriter(seal: boolean, durable = false): void {
    const writer = this.writer;
    if (!writer) return;
    this.writer = null;
    writer.out.then(() => {
      try {
        if (durable) fsyncSync(writer.fd);
      } catch {
        // fsync failing at close (a full disk): the data is still in the page cache; sealing says nothing more.
      }
      closeSync(writer.fd);
      this.writers.delete(writer.out);
      if (!seal || writer.out.failure) return;
      try {
        const before = writer.info.diskBytes;
        writeIndexFile(writer.info);
        const delta = writer.info.diskBytes - before;
        this.diskBytes += delta;
        this.ctx.bytesChanged(delta);
      } catch (err) {
        // Without its index the segment is scanned at the next start: slower, not wrong.
        this.ctx.writeFailed(this, 0, err);
      }
    });
  }

  /** Runs and their line counts from what the segments still hold (after loading or evicting). */
  private rebuildRuns(): void {
    const kept = new Map<number, RunState>();
    const get = (run: number): RunState => {
      let state = kept.get(run);
      if (!state) {
        const known = this.runs.get(run);
        state = { run, startedAt: known?.startedAt ?? Number.NaN, lines: 0 };
        if (known?.endedAt !== undefined) state.endedAt = known.endedAt;
        if (known?.exitCode !== undefined) state.exitCode = known.exitCode;
        if (known?.signal !== undefined) state.signal = known.signal;
        kept.set(run, state);
      }
      return state;
    };
    for (const seg of this.segments) {
      const header = seg.header;
      if (header) {
        this.lastRun = Math.max(this.lastRun, header.lastRun);
        if (header.run) merge(get(header.run.run), header.run);
      }
      for (const e of seg.runEvents) {
        this.lastRun = Math.max(this.lastRun, e.run);
        const state = get(e.run);
        if (e.kind === 'begin') state.startedAt = e.at;
        else {
          state.endedAt = e.at;
          if (e.exitCode !== undefined) state.exitCode = e.exitCode;
          if (e.signal !== undefined) state.signal = e.signal;
        }
      }
      for (const [run, lines] of seg.runLines) {
        this.lastRun = Math.max(this.lastRun, run);
        get(run).lines += lines;
      }
    }
    // The current run of this session stays known even when none of it is on disk yet.
    const current = this.runs.get(this.currentRun);
    if (current && !kept.has(current.run)) kept.set(current.run, { ...current, lines: 0 });
    this.runs.clear();
    for (const run of [...kept.keys()].sort((a, b) => a - b)) this.runs.set(run, kept.get(run) as RunState);
  }
}

function merge(state: RunState, snap: RunSnapshot): void {
  if (Number.isNaN(state.startedAt)) state.startedAt = snap.startedAt;
  if (state.endedAt === undefined && snap.endedAt !== undefined) state.endedAt = snap.endedAt;
  if (state.exitCode === undefined && snap.exitCode !== undefined) state.exitCode = snap.exitCode;
  if (state.signal === undefined && snap.signal !== undefined) state.signal = snap.signal;
}

function snapshot(state: RunState): RunSnapshot {
  const snap: RunSnapshot = { run: state.run, startedAt: state.startedAt };
  if (state.endedAt !== undefined) snap.endedAt = state.endedAt;
  if (state.exitCode !== undefined) snap.exitCode = state.exitCode;
  if (state.signal !== undefined) snap.signal = state.signal;
  return snap;
}

