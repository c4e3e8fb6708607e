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
import { closeSync, constants, existsSync, readdirSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Level, LogsReadParams, LogsReadResult, LogsSearchParams, LogsSearchResult, OutputStream, RunInfo } from '../../shared/protocol';
import { FrameType, scanFrames, type FrameDamage } from './frame';
import { BufferPool, decodeLines, lineFlags, type DecodedLines } from './line-batch';
import { readLines, type LogSource } from './log-read';
import { searchLines, type SearchLimits } from './log-search';
import { ProcessLog, type BlockRef, type ProcessLogContext } from './process-log';
import { LogQueryError } from './query-error';
import { RegexRunner } from './regex-runner';
import { readAt, type SegmentInfo } from './segment';
import { checkPrivateDir, ensurePrivateDir, ensureStateRoot, openPrivateFile, processFolderName, projectFolderName, stateRoot } from './state-dir';

const MiB = 1024 * 1024;
/** A longer line is cut to this many characters before it is stored (the supervisor cuts long lines already). */
const MAX_LINE_CHARS = MiB;
/** Decoded blocks kept for paging back and forth. */
const CACHE_BLOCKS = 64;
/** Segment files kept open for reading. */
const READ_FDS = 32;
/** Past this many bytes waiting to be written (a disk that does not keep up), new batches are dropped and counted. */
const MAX_QUEUED_BYTES = 64 * MiB;
/** Stores open in this process, by folder (a second one on the same folder would corrupt it). */
const openHere = new Set<string>();

/** Options of a {@link LogStore}. */
export interface LogStoreOptions {
  /** The project folder: its real path names the store's folder under the state root. Required. */
  projectDir: string;
  /** The state root. Default `$XDG_STATE_HOME/switchyard`, else `~/.local/state/switchyard`. */
  stateDir?: string;
  /** Environment read for `XDG_STATE_HOME`. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Store anything at all (the global off switch). Default true; false creates nothing, and reads answer empty. */
  enabled?: boolean;
  /** Cap per process, bytes. Default 64 MiB. */
  maxBytesPerProcess?: number;
  /** Cap of the whole store, bytes. Default 1 GiB. */
  maxBytes?: number;
  /** Longest a line waits in memory before it is written, ms. Default 100. */
  flushIntervalMs?: number;
  /** A process's batch is written once it holds this many lines. Default 4096. */
  batchLines?: number;
  /** Hears of damage found, write failures and the like (also counted in {@link LogStore.stats}). Default: none. */
  onWarning?: (message: string) => void;
  /** Limits of `logs.search` calls. */
  search?: Partial<SearchLimits> & {
    /** Longest one regex request may run in the worker before it is killed, ms. Default 2000. */
    regexTimeoutMs?: number;
    /** Searches running at once; more are refused with `rate_limited`. Default 4. */
    maxConcurrent?: number;
  };
}

/** How a run ended. */
export interface RunEnd {
  /** The run; default the process's current run. */
  run?: number;
  /** ms since the epoch; default now. */
  endedAt?: number;
  exitCode?: number;
  signal?: string;
}

/** What the supervisor writes through (the LogStore is one; a test may record instead). */
export interface ProcessLogSink {
  /** Begin a run of `process`; returns its number (1 for the first ever, continuing across restarts of Switchyard). */
  beginRun(process: string, startedAt?: number): number;
  endRun(process: string, end?: RunEnd): void;
  /** Store one line. `time` is ms since the epoch (default now); `level` as detectLevel found it. */
  append(process: string, stream: OutputStream, data: string, level?: Level, time?: number): void;
  /** Store a chunk of lines read at one time (ms). */
  appendChunk(process: string, lines: ReadonlyArray<{ data: string; stream: OutputStream; level?: Level }>, time?: number): void;
  /** The last run number of a process (0 when it never ran). */
  lastRun(process: string): number;
}

/** Counters of a store. */
export interface LogStoreStats {
  enabled: boolean;
  /** The project's folder under the state root. */
  dir: string;
  /** Bytes on disk (segments and their indexes). */
  bytes: number;
  segments: number;
  processes: number;
  /** Lines now stored (evicted ones not counted). */
  lines: number;
  /** Lines written since start. */
  linesWritten: number;
  /** Lines lost because a write failed. */
  linesDropped: number;
  /** Lines not stored because storing is off for their process (or the store is off or closed). */
  linesNotStored: number;
  /** Lines cut to 1 MiB characters. */
  linesTruncated: number;
  writeErrors: number;
  /** Damaged or torn records found (each once) and skipped. */
  corruptRecords: number;
  evictedSegments: number;
  evictedBytes: number;
  /** Regex searches stopped for taking too long. */
  searchTimeouts: number;
}

/** Another Switchyard already stores this project's output. */
export class StoreLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`the output of this project is already being stored by process ${pid} (${dir}); stop it, or run with storing off`);
    this.name = 'StoreLockedError';
  }
}

export class LogStore implements ProcessLogSink {
  /** The project's folder under the state root. */
  readonly dir: string;
  readonly enabled: boolean;
  private readonly maxBytesPerProcess: number;
  private readonly maxBytes: number;
  private readonly flushIntervalMs: number;
  private readonly batchLines: number;
  /**
   * A batch is also written once its text reaches this many characters (a quarter segment, at
   * most 60,000): a block's text then decodes into a string of V8's young generation, not into
   * its large-object space (which costs fresh pages for every string).
   */
  private readonly batchChars: number;
  private readonly projectPath: string;
  private readonly limits: SearchLimits;
  private readonly maxSearches: number;
  private readonly regex: RegexRunner;
  private readonly warn: (message: string) => void;
  private readonly logs = new Map<string, ProcessLog>();
  private readonly dirty = new Set<ProcessLog>();
  private readonly pool = new BufferPool();
  private queuedBytes = 0;
  private readonly cache = new Map<string, { length: number; lines: DecodedLines }>();
  private readonly readFds = new Map<string, number>();
  private readonly damageSeen = new Set<string>();
  /** Blocks (offset and length, per segment) whose CRCs this session checked and found good: read again, they are not checked again. */
  private readonly verified = new Map<string, Set<string>>();
  private readonly lastWriteWarning = new Map<ProcessLog, number>();
  private readonly ctx: ProcessLogContext;
  private readonly source: LogSource;
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
    if (!options || typeof options.projectDir !== 'string' || options.projectDir === '') throw new TypeError('LogStore needs options.projectDir (the project folder)');
    this.enabled = options.enabled !== false;
    this.maxBytesPerProcess = positive(options.maxBytesPerProcess, 64 * MiB, 'maxBytesPerProcess');
    this.maxBytes = positive(options.maxBytes, 1024 * MiB, 'maxBytes');
    this.flushIntervalMs = positive(options.flushIntervalMs, 100, 'flushIntervalMs');
    this.batchLines = positive(options.batchLines, 4096, 'batchLines');
    const s = options.search ?? {};
    this.limits = {
      sliceMs: positive(s.sliceMs, 15, 'search.sliceMs'),
      budgetMs: positive(s.budgetMs, 400, 'search.budgetMs'),
      firstResultMs: positive(s.firstResultMs, 50, 'search.firstResultMs'),
      maxLinesPerCall: positive(s.maxLinesPerCall, Number.MAX_SAFE_INTEGER, 'search.maxLinesPerCall'),
      chunkLines: positive(s.chunkLines, 32_768, 'search.chunkLines'),
    };
    this.maxSearches = positive(s.maxConcurrent, 4, 'search.maxConcurrent');
    this.regex = new RegexRunner(positive(s.regexTimeoutMs, 2000, 'search.regexTimeoutMs'));
    this.warn = options.onWarning ?? (() => {});
    this.dir = join(options.stateDir ?? stateRoot(options.env), projectFolderName(options.projectDir));
    this.projectPath = realPath(options.projectDir);
    const segmentBytes = segmentBytesFor(this.maxBytesPerProcess);
    this.batchChars = Math.min(60_000, Math.floor(segmentBytes / 4));
    this.ctx = {
      pool: this.pool,
      segmentBytes,
      writeFailed: (log, lines, err) => this.writeFailed(log, lines, err),
      damaged: (log, path, kind, offset) => this.damaged(path, kind, offset),
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
      decode: (ref, keep) => this.decode(ref, keep),
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
    if (openHere.has(this.dir)) throw new StoreLockedError(this.dir, process.pid);
    ensureStateRoot(join(this.dir, '..'));
    ensurePrivateDir(this.dir);
    this.lock();
    openHere.add(this.dir);
    this.describeProject();
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(this.dir, entry.name);
      try {
        checkPrivateDir(dir);
        const log = new ProcessLog(entry.name, dir, this.maxBytesPerProcess, this.ctx);
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
    if (log.pending.count >= this.batchLines || log.pending.chars >= this.batchChars) this.flushLog(log);
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
    const log = this.logs.get(process) ?? this.createLog(process);
    if (settings.enabled !== undefined) {
      if (!settings.enabled) log.flush();
      log.enabled = settings.enabled && this.enabled;
    }
    if (settings.maxBytes !== undefined) {
      log.maxBytes = positive(settings.maxBytes, this.maxBytesPerProcess, 'maxBytes');
      this.afterWrite(log);
    }
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
    if (this.activeSearches >= this.maxSearches) throw new LogQueryError('rate_limited', `${this.maxSearches} searches are running already; try again when one has finished`);
    this.activeSearches++;
    try {
      await this.settle();
      return await searchLines(this.source, params, this.limits, this.regex);
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
      for (const fd of this.readFds.values()) closeSync(fd);
      this.readFds.clear();
      this.cache.clear();
      if (this.lockPath) {
        try {
          unlinkSync(this.lockPath);
        } catch {
          // Removed by hand meanwhile: nothing to release.
        }
        this.lockPath = null;
        openHere.delete(this.dir);
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
    const log = new ProcessLog(process, join(this.dir, processFolderName(process)), this.maxBytesPerProcess, this.ctx);
    log.enabled = this.enabled;
    this.logs.set(process, log);
    return log;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.flushIntervalMs);
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
    if (this.bytes > this.maxBytes) this.enforceGlobalCap();
  }

  /** Evict from whichever process uses the most until the store is under its cap. */
  private enforceGlobalCap(): void {
    while (this.bytes > this.maxBytes) {
      let victim: ProcessLog | undefined;
      for (const log of this.logs.values()) if (log.segments.length > 0 && (!victim || log.diskBytes > victim.diskBytes)) victim = log;
      if (!victim || victim.evictOldest() === 0) break;
    }
  }

  private decode(ref: BlockRef, keep = true): DecodedLines | null {
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

  private runInfo(process: string, run: number): RunInfo | undefined {
    const state = this.logs.get(process)?.runs.get(run);
    if (!state) return undefined;
    const info: RunInfo = { process, run, startedAt: new Date(Number.isNaN(state.startedAt) ? 0 : state.startedAt).toISOString(), lines: state.lines };
    if (state.endedAt !== undefined) info.endedAt = new Date(state.endedAt).toISOString();
    if (state.exitCode !== undefined) info.exitCode = state.exitCode;
    if (state.signal !== undefined) info.signal = state.signal;
    return info;
  }

  private damaged(path: string, kind: FrameDamage, offset: number): void {
    const key = `${path}:${offset}`;
    if (this.damageSeen.has(key)) return;
    this.damageSeen.add(key);
    this.counters.corruptRecords++;
    this.warn(`stored output: a ${kind === 'truncated' ? 'torn (truncated)' : 'damaged'} record in ${path} at byte ${offset} was skipped; the lines before it are intact`);
  }

  private writeFailed(log: ProcessLog, lines: number, err: unknown): void {
    this.counters.writeErrors++;
    this.counters.linesDropped += lines;
    const now = Date.now();
    if (now - (this.lastWriteWarning.get(log) ?? 0) < 10_000) return;
    this.lastWriteWarning.set(log, now);
    this.warn(`stored output of ${log.id}: a write failed (${(err as Error).message}); ${lines} lines were not stored`);
  }

  private segmentRemoved(info: SegmentInfo): void {
    this.counters.evictedSegments++;
    this.counters.evictedBytes += info.diskBytes;
    const fd = this.readFds.get(info.path);
    if (fd !== undefined) {
      closeSync(fd);
      this.readFds.delete(info.path);
    }
    for (const key of [...this.cache.keys()]) if (key.startsWith(`${info.path}#`)) this.cache.delete(key);
    this.verified.delete(info.path);
  }

  /** Take the project's lock file (pid inside); a stale one (its process gone) is taken over. */
  private lock(): void {
    const path = join(this.dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openPrivateFile(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        this.lockPath = path;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = Number.parseInt(safeRead(path), 10);
      // Our own pid in a lock no store of this process holds is a leftover (a container's pid 1 after a restart).
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) throw new StoreLockedError(this.dir, holder);
      unlinkSync(path);
    }
    throw new StoreLockedError(this.dir, -1);
  }

  /** `project.json`: which project folder this is, for a human looking around the state folder. */
  private describeProject(): void {
    const path = join(this.dir, 'project.json');
    if (existsSync(path)) return;
    try {
      const fd = openPrivateFile(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
      writeSync(fd, `${JSON.stringify({ projectDir: this.projectPath })}\n`);
      closeSync(fd);
    } catch {
      // Only a label for humans.
    }
  }
}

/** Segments of about an eighth of a process's cap (between 4 KiB and 8 MiB): evicting one frees little at a time. */
function segmentBytesFor(cap: number): number {
  return Math.min(8 * MiB, Math.max(4096, Math.floor(cap / 8)));
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}

function realPath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function safeRead(path: string): string {
  try {
    const fd = openPrivateFile(path, constants.O_RDONLY);
    try {
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
