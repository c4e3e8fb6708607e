/**
 * Every log line the dashboard holds, outside React: one bounded ring per process plus one merged
 * ring for the "all processes" view. Components read it when the store's `logVersion` changes.
 */
import { replacesPrevious, visibleText } from '../../../shared/logs/progress-rule';
import { LineRing } from './line-ring';
import { stripAnsi, type LogLine } from './log-line';

/** The contract's default line cap per process. */
export const DEFAULT_MAX_LINES = 100_000;

/** The key of the merged view of every process. */
export const ALL_PROCESSES = '*';

/** One line of output as it arrives from a `process:<id>` channel. */
export interface IncomingLine {
  processId: string;
  data: string;
  stream?: 'stdout' | 'stderr';
  timestamp?: string;
}

/** Options of {@link LogBook}. */
export interface LogBookOptions {
  /** Most lines kept per process (and in the merged view). Default {@link DEFAULT_MAX_LINES}. */
  maxLines?: number;
  /** Clock for lines without a hub timestamp. Default `Date.now`. */
  now?: () => number;
}

/** All log lines, per process and merged, each view bounded. */
export class LogBook {
  /** Most lines kept per view. */
  readonly maxLines: number;
  private readonly rings = new Map<string, LineRing<LogLine>>();
  private readonly merged: LineRing<LogLine>;
  /** Where each process's newest line sits in the merged ring, so a `\r` update can replace it. */
  private readonly lastInMerged = new Map<string, number>();
  private nextId = 1;
  private readonly now: () => number;

  constructor(options: LogBookOptions = {}) {
    this.maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
    this.now = options.now ?? Date.now;
    this.merged = new LineRing(this.maxLines);
  }

  /** The ring of one process, or of every process for {@link ALL_PROCESSES}; created on demand. */
  ring(processId: string): LineRing<LogLine> {
    if (processId === ALL_PROCESSES) return this.merged;
    let ring = this.rings.get(processId);
    if (!ring) {
      ring = new LineRing(this.maxLines);
      this.rings.set(processId, ring);
    }
    return ring;
  }

  /**
   * Add one output line. A line starting with `\r` is a progress update: it replaces the
   * process's previous output line instead of appending, as a terminal would overwrite it.
   */
  addOutput(line: IncomingLine): void {
    const stream = line.stream ?? 'stdout';
    const timestamp = line.timestamp ?? new Date(this.now()).toISOString();
    if (replacesPrevious(line.data)) {
      const text = visibleText(line.data);
      const ring = this.ring(line.processId);
      const previous = ring.last();
      if (previous && previous.kind === 'out') {
        const next: LogLine = { ...previous, text, plain: stripAnsi(text), stream, timestamp };
        ring.replace(ring.end - 1, next);
        const mergedAt = this.lastInMerged.get(line.processId);
        if (mergedAt !== undefined && this.merged.at(mergedAt)?.id === previous.id) this.merged.replace(mergedAt, next);
        else this.lastInMerged.set(line.processId, this.merged.push(next));
        return;
      }
      this.append(line.processId, text, stream, timestamp, 'out');
      return;
    }
    this.append(line.processId, line.data, stream, timestamp, 'out');
  }

  /**
   * Add a visible mark where some of a process's history could not be recovered: after a
   * reconnect (`resumed`), or at the start when the hub no longer held the oldest lines.
   */
  addGap(processId: string, resumed = true, timestamp?: string): void {
    const text = resumed
      ? `gap: some lines of ${processId} were lost while disconnected and could not be recovered`
      : `gap: older lines of ${processId} are no longer retained by the hub`;
    this.append(processId, text, 'system', timestamp ?? new Date(this.now()).toISOString(), 'gap');
  }

  /** Add a status note ("exited with code 1") to a process's log. */
  addStatus(processId: string, text: string, timestamp?: string): void {
    this.append(processId, text, 'system', timestamp ?? new Date(this.now()).toISOString(), 'status');
  }

  /** Empty one view (a process, or the merged view and every process for {@link ALL_PROCESSES}). */
  clear(processId: string): void {
    if (processId === ALL_PROCESSES) {
      this.merged.clear();
      for (const ring of this.rings.values()) ring.clear();
      this.lastInMerged.clear();
      return;
    }
    this.ring(processId).clear();
  }

  private append(processId: string, text: string, stream: LogLine['stream'], timestamp: string, kind: LogLine['kind']): void {
    const line: LogLine = { id: this.nextId++, processId, text, plain: stripAnsi(text), stream, timestamp, kind };
    this.ring(processId).push(line);
    this.lastInMerged.set(processId, this.merged.push(line));
  }
}

