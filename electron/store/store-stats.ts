/**
 * A store's statistics, and how its problems reach them and the user: each damaged record is
 * counted and said once, and a process's failed writes are all counted but said at most every
 * 10 s (a full disk fails every batch).
 */
import type { FrameDamage } from './frame';
import type { ProcessLog } from './process-log';

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

/** The counters of {@link LogStoreStats} that a store keeps itself. */
export type StoreCounters = Pick<LogStoreStats, 'linesWritten' | 'linesDropped' | 'linesNotStored' | 'linesTruncated' | 'writeErrors' | 'corruptRecords' | 'evictedSegments' | 'evictedBytes'>;

/** Counts a store's problems into its counters and warns of them. */
export class StoreProblems {
  private readonly damageSeen = new Set<string>();
  private readonly lastWriteWarning = new Map<ProcessLog, number>();

  constructor(
    private readonly counters: StoreCounters,
    private readonly warn: (message: string) => void,
  ) {}

  /** A damaged or torn frame was found (and skipped). */
  damaged(path: string, kind: FrameDamage, offset: number): void {
    const key = `${path}:${offset}`;
    if (this.damageSeen.has(key)) return;
    this.damageSeen.add(key);
    this.counters.corruptRecords++;
    this.warn(`stored output: a ${kind === 'truncated' ? 'torn (truncated)' : 'damaged'} record in ${path} at byte ${offset} was skipped; the lines before it are intact`);
  }

  /** A write of `lines` lines failed: they are lost. */
  writeFailed(log: ProcessLog, lines: number, err: unknown): void {
    this.counters.writeErrors++;
    this.counters.linesDropped += lines;
    const now = Date.now();
    if (now - (this.lastWriteWarning.get(log) ?? 0) < 10_000) return;
    this.lastWriteWarning.set(log, now);
    this.warn(`stored output of ${log.id}: a write failed (${(err as Error).message}); ${lines} lines were not stored`);
  }
}
