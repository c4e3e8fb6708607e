/**
 * The log store: every process's output lines `{process, run, time, stream, level?, data}` kept
 * on disk, so that they survive a restart of Switchyard (CONTRACT.md, "Output kept, understood
 * and typed into"). On disk: see README.md in this folder (segments of length+CRC framed records,
 * one folder per process, a small index per sealed segment).
 *
 * Writing is batched per process in memory and written with write(2) when the batch is large
 * (`batchLines`) and at the latest `flushIntervalMs` (100 ms) after its first line. Data that
 * write(2) accepted is in the kernel's page cache and survives the death of this process, SIGKILL
 * included; so a SIGKILL loses at most the lines of the last ~100 ms (those still in the batch).
 * Only a crash of the whole machine can lose more, which is why close() fsyncs, and nothing else
 * does (an fsync per batch would cost the ingest path milliseconds for no gain against a kill).
 *
 * Bounds: each process has its own cap (`maxBytesPerProcess`, 64 MiB) and only ever evicts its
 * own oldest segments to meet it, so a chatty process cannot push out a quiet one; the global cap
 * (`maxBytes`, 1 GiB) evicts from the process using the most. Oldest runs and lines go first.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Level, LogsReadParams, LogsReadResult, LogsSearchParams, LogsSearchResult, OutputStream, RunInfo } from '../../shared/protocol';
import { BlockReader } from './block-reader';
import { BufferPool, lineFlags } from './line-batch';
import { readLines, type StoredLogs } from './log-read';
import { searchLines } from './log-search';
import { MiB, positive, resolveStoreOptions, type LogStoreOptions, type StoreSettings } from './log-store-options';
import type { ProcessLogSink, RunEnd } from './process-log-sink';
import { ProcessLog, type ProcessLogContext } from './process-log';
import { LogQueryError } from './query-error';
import { RegexRunner } from './regex-runner';
import type { SegmentInfo } from './segment';
import { checkPrivateDir, ensureStoreDir, ensureStateRoot, processFolderName, writeProjectLabel } from './state-dir';
import { checkNotOpenHere, releaseStoreLock, takeStoreLock } from './store-lock';
import { StoreProblems, type LogStoreStats } from './store-stats';

export type { LogStoreOptions } from './log-store-options';
export type { ProcessLogSink, RunEnd } from './process-log-sink';
export { StoreLockedError } from './store-lock';
export type { LogStoreStats } from './store-stats';

/** A longer line is cut to this many characters before it is stored (the supervisor cuts long lines already). */
const MAX_LINE_CHARS = MiB;
/** Past this many bytes waiting to be written (a disk that does not keep up), new batches are dropped and counted. */
const MAX_QUEUED_BYTES = 64 * MiB;

/** Every process's output lines, on disk; see the file comment. */
export class LogStore implements ProcessLogSink {
  /** The project's folder under the state root. */
  readonly dir: string;
  readonly enabled: boolean;
  private readonly settings: StoreSettings;
  private readonly regex: RegexRunner;
  private readonly warn: (message: string) => void;
  private readonly logs = new Map<string, ProcessLog>();
  private readonly dirty = new Set<ProcessLog>();
  private readonly pool = new BufferPool();
  private queuedBytes = 0;
  private readonly blocks: BlockReader;
  private readonly problems: StoreProblems;
  private readonly ctx: ProcessLogContext;
  private readonly source: StoredLogs;
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private bytes = 0;
  private started = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private lockPath: string | null = null;
  private activeSearches = 0;
  private readonly counters = { linesWritten: 0, linesDropped: 0, linesNotStored: 0, linesTruncated: 0, writeErrors: 0, corruptRecords: 0, evictedSegments: 0, evictedBytes: 0 };

  constructor(options: LogStoreOptions) {
    this.settings = resolveStoreOptions(options);
    this.enabled = this.settings.enabled;
    this.dir = this.settings.dir;
    this.warn = this.settings.warn;
    this.regex = new RegexRunner(this.settings.regexTimeoutMs);
    this.problems = new StoreProblems(this.counters, this.warn);
    this.blocks = new BlockReader((path, kind, offset) => this.problems.damaged(path, kind, offset));
    this.ctx = {
      pool: this.pool,
      segmentBytes: this.settings.segmentBytes,
      writeFailed: (log, lines, err) => this.problems.writeFailed(log, lines, err),
      damaged: (log, path, kind, offset) => this.problems.damaged(path, kind, offset),
      bytesChanged: (delta) => {
        this.bytes += delta;
      },
      segmentRemoved: (info) => this.segmentRemoved(info),
      queued: (delta) => {
        this.queuedBytes += delta;
      },
      overloaded: () => this.queuedBytes > MAX_QUEUED_BYTES,
    };
    this.source = {
      select: (processes) => (processes === undefined ? [...this.logs.values()] : processes.flatMap((id) => this.logs.get(id) ?? [])),
      decode: (ref, keep) => this.blocks.decode(ref, keep),
      lastSeq: () => this.seq,
      runInfo: (process, run) => this.runInfo(process, run),
    };
  }

  /** Open the store: create its folders, take its lock, read what earlier sessions stored. Twice is harmless. */
  start(): void {
    if (this.started) return;
    if (this.closed) throw new Error('LogStore was closed');
    this.started = true;
    if (!this.enabled) return;
    checkNotOpenHere(this.dir);
    ensureStateRoot(join(this.dir, '..'));
    ensureStoreDir(this.dir);
    this.lockPath = takeStoreLock(this.dir);
    writeProjectLabel(this.dir, this.settings.projectPath);
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(this.dir, entry.name);
      try {
        checkPrivateDir(dir);
        const log = new ProcessLog(entry.name, dir, this.settings.maxBytesPerProcess, this.ctx);
        if (!log.load() || this.logs.has(log.id)) {
          if (log.segments.length > 0) this.warn(`stored output in ${dir} names no process (or one stored elsewhere too) and was left alone`);
          continue;
        }
        this.logs.set(log.id, log);
        this.bytes += log.diskBytes;
        for (const seg of log.segments) for (const b of seg.blocks) this.seq = Math.max(this.seq, b.lastSeq);
      } catch (err) {
        this.warn(`stored output in ${dir} is unreadable and was left alone: ${(err as Error).message}`);
      }
    }
    // The caps may have been lowered since the last session.
    for (const log of this.logs.values()) this.afterWrite(log);
  }

  /** Store one line (see {@link ProcessLogSink.append}). Cheap: a few array pushes; the batch is encoded and written later. */
  append(process: string, stream: OutputStream, data: string, level?: Level, time?: number): void {
    if (!this.started || this.closed || !this.enabled) {
      if (!this.started && !this.closed) throw new Error('LogStore.start() was not called');
      this.counters.linesNotStored++;
      return;
    }
    const log = this.logs.get(process) ?? this.createLog(process);
    if (!log.enabled) {
      this.counters.linesNotStored++;
      return;
    }
    const at = time ?? Date.now();
    if (log.currentRun === 0) log.beginRun(at);
    if (data.length > MAX_LINE_CHARS) {
      data = data.slice(0, MAX_LINE_CHARS);
      this.counters.linesTruncated++;
    }
    log.pending.push(data, at, ++this.seq, lineFlags(stream, level));
    if (log.pending.count === 1) {
      this.dirty.add(log);
      if (this.timer === null) this.schedule();
    }
    if (log.pending.count >= this.settings.batchLines || log.pending.chars >= this.settings.batchChars) this.flushLog(log);
  }

  /**
   * Store a chunk of one process's lines read at one time (`time`, ms): the shape the supervisor
   * hands the hub (`publishOutput`), without parsing each line's ISO time back.
   */
  appendChunk(process: string, lines: ReadonlyArray<{ data: string; stream: OutputStream; level?: Level }>, time: number = Date.now()): void {
    for (const line of lines) this.append(process, line.stream, line.data, line.level, time);
  }

  /** Begin a run (see {@link ProcessLogSink.beginRun}). */
  beginRun(process: string, startedAt: number = Date.now()): number {
    if (!this.started && !this.closed) throw new Error('LogStore.start() was not called');
    const log = this.logs.get(process) ?? this.createLog(process);
    if (!this.writable()) log.enabled = false;
    const run = log.beginRun(startedAt);
    this.afterWrite(log);
    return run;
  }

  /** End a run (see {@link ProcessLogSink.endRun}). */
  endRun(process: string, end: RunEnd = {}): void {
    const log = this.logs.get(process);
    if (!log) return;
    if (!this.writable()) log.enabled = false;
    log.endRun(end.run ?? log.currentRun, end.endedAt ?? Date.now(), end.exitCode, end.signal);
    this.afterWrite(log);
  }

  /** The last run number of a process (0 when it never ran). */
  lastRun(process: string): number {
    return this.logs.get(process)?.lastRun ?? 0;
  }

  /**
   * Per process: `enabled: false` stores nothing more of it (`store: false` in the config);
   * `maxBytes` its own cap (default the store's `maxBytesPerProcess`).
   */
  configure(process: string, settings: { enabled?: boolean; maxBytes?: number }): void {
    // Before start() a log made here would be taken for a second copy of the one start() reads from disk.
    if (!this.started && !this.closed) throw new Error('LogStore.start() was not called');
    const log = this.logs.get(process) ?? this.createLog(process);
    if (settings.enabled !== undefined) {
      if (!settings.enabled) log.flush();
      log.enabled = settings.enabled && this.enabled;
    }
    if (settings.maxBytes !== undefined) {
      log.maxBytes = positive(settings.maxBytes, this.settings.maxBytesPerProcess, 'maxBytes');
      this.afterWrite(log);
    }
  }

  /** Whether new lines of `process` are stored: the store is open and on, and the process's own setting allows it. */
  isStored(process: string): boolean {
    return this.writable() && (this.logs.get(process)?.enabled ?? true);
  }

  /** Hand every waiting line to the writers now (they write it in the background; see {@link settle}). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (const log of this.dirty) this.flushLog(log);
    this.dirty.clear();
  }

  /** Flush and wait until everything stored so far is on disk (in the page cache). */
  async settle(): Promise<void> {
    this.flush();
    await Promise.all([...this.logs.values()].map((log) => log.idle()));
  }

  /** `logs.read` (params as checked by the method map). Rejects with LogQueryError `bad_params` for a bad position. */
  async read(params: LogsReadParams): Promise<LogsReadResult> {
    await this.settle();
    return readLines(this.source, params);
  }

  /** `logs.search` (params as checked by the method map). Rejects with LogQueryError. */
  async search(params: LogsSearchParams): Promise<LogsSearchResult> {
    if (this.activeSearches >= this.settings.maxSearches) throw new LogQueryError('rate_limited', `${this.settings.maxSearches} searches are running already; try again when one has finished`);
    this.activeSearches++;
    try {
      await this.settle();
      return await searchLines(this.source, params, this.settings.limits, this.regex);
    } finally {
      this.activeSearches--;
    }
  }

  /** The runs stored (of one process, or all), oldest first. */
  runs(process?: string): RunInfo[] {
    const logs = process === undefined ? [...this.logs.values()] : [this.logs.get(process)].filter((l) => l !== undefined);
    return logs.flatMap((log) => [...log.runs.keys()].flatMap((run) => this.runInfo(log.id, run) ?? []));
  }

  stats(): LogStoreStats {
    let segments = 0;
    let lines = 0;
    for (const log of this.logs.values()) {
      segments += log.segments.length;
      lines += log.storedLines();
    }
    return { enabled: this.enabled, dir: this.dir, bytes: this.bytes, segments, processes: this.logs.size, lines, ...this.counters, searchTimeouts: this.regex.killed };
  }

  /** Write what waits, fsync, seal the open segments, release the lock. Twice is harmless. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.started && this.enabled && !this.closed) {
        this.flush();
        for (const log of this.logs.values()) log.close();
        await Promise.all([...this.logs.values()].map((log) => log.idle()));
      }
      this.closed = true;
      this.blocks.close();
      if (this.lockPath) {
        releaseStoreLock(this.dir, this.lockPath);
        this.lockPath = null;
      }
      await this.regex.close();
    })();
    return this.closing;
  }

  private writable(): boolean {
    return this.started && this.enabled && !this.closed;
  }

  private createLog(process: string): ProcessLog {
    if (typeof process !== 'string' || process.length === 0 || process.length > 400) throw new TypeError('a process id must be a non-empty string of at most 400 characters');
    const log = new ProcessLog(process, join(this.dir, processFolderName(process)), this.settings.maxBytesPerProcess, this.ctx);
    log.enabled = this.enabled;
    this.logs.set(process, log);
    return log;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.settings.flushIntervalMs);
    // A store must not keep Switchyard alive; whoever ends it calls close(), which writes the rest.
    this.timer.unref();
  }

  private flushLog(log: ProcessLog): void {
    const count = log.pending.count;
    if (count === 0) return;
    const dropped = this.counters.linesDropped;
    log.flush();
    this.counters.linesWritten += count - (this.counters.linesDropped - dropped);
    this.afterWrite(log);
  }

  /** Hold the caps after a write: the process's own first, then the global one. */
  private afterWrite(log: ProcessLog): void {
    while (log.diskBytes > log.maxBytes && log.segments.length > 1 && log.evictOldest() > 0);
    if (this.bytes > this.settings.maxBytes) this.enforceGlobalCap();
  }

  /** Evict from whichever process uses the most until the store is under its cap. */
  private enforceGlobalCap(): void {
    while (this.bytes > this.settings.maxBytes) {
      let victim: ProcessLog | undefined;
      for (const log of this.logs.values()) if (log.segments.length > 0 && (!victim || log.diskBytes > victim.diskBytes)) victim = log;
      if (!victim || victim.evictOldest() === 0) break;
    }
  }

  private runInfo(process: string, run: number): RunInfo | undefined {
    const state = this.logs.get(process)?.runs.get(run);
    if (!state) return undefined;
    const info: RunInfo = { process, run, startedAt: new Date(Number.isNaN(state.startedAt) ? 0 : state.startedAt).toISOString(), lines: state.lines };
    if (state.endedAt !== undefined) info.endedAt = new Date(state.endedAt).toISOString();
    if (state.exitCode !== undefined) info.exitCode = state.exitCode;
    if (state.signal !== undefined) info.signal = state.signal;
    return info;
  }

  private segmentRemoved(info: SegmentInfo): void {
    this.counters.evictedSegments++;
    this.counters.evictedBytes += info.diskBytes;
    this.blocks.forget(info.path);
  }
}
