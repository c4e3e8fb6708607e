/**
 * Every log line the dashboard holds, outside React: one compact store per process (bounded per
 * process, and all together) and the time-ordered merge of them for the "all processes" view.
 * Components read it when the store's `logVersion` changes.
 */
import { replacesPrevious, visibleText } from '../../../shared/logs/progress-rule';
import type { OutputRow } from '../../../shared/protocol/payloads/history';
import type { Level, LogLine as StoredLine, RunInfo } from '../../../shared/protocol/payloads/logs';
import { LineStore, type LineFields } from './line-store';
import type { LineStream } from './line-meta';
import { MergedSource, StoreSource, type LogSource } from './log-source';
import type { ViewLine } from './log-line';
import { MergedOrder } from './merged-order';
import { RunRegistry } from './run-registry';

/** The line cap per process. */
export const DEFAULT_MAX_LINES = 1_000_000;
/**
 * Lines queued for the merged view before they are put in place even if nobody looks: merging is
 * done when the merged view is read (once per redraw, not once per batch: a replay arrives one
 * process at a time, and each of its batches would move the lines after it).
 */
const MERGE_QUEUE = 100_000;

/** The line cap over all processes together (about 280 MB of 100-byte lines). */
export const DEFAULT_MAX_TOTAL_LINES = 2_000_000;

/** The key of the merged view of every process. */
export const ALL_PROCESSES = '*';

/** One line of output as it arrives from a `process:<id>` channel. */
export interface IncomingLine {
  processId: string;
  data: string;
  stream?: 'stdout' | 'stderr';
  timestamp?: string;
  level?: Level;
}

/** Options of {@link LogBook}. */
export interface LogBookOptions {
  /** Most lines kept per process. Default {@link DEFAULT_MAX_LINES}. */
  maxLines?: number;
  /** Most lines kept over all processes; the process holding most gives way. Default the larger of {@link DEFAULT_MAX_TOTAL_LINES} and `maxLines`. */
  maxTotalLines?: number;
  /** Clock for lines without a hub timestamp. Default `Date.now`. */
  now?: () => number;
}

/** All log lines, per process and merged, bounded. */
export class LogBook {
  /** Most lines kept per process. */
  readonly maxLines: number;
  readonly maxTotalLines: number;
  /**
   * Whether the hub is still replaying retained history (the controller says so with each
   * batch): stored pages are not asked for meanwhile, or they would overlap what is on its way.
   */
  replaying = false;
  /**
   * Whether the hub's replay for a view (a process, or every process for ALL_PROCESSES) has
   * arrived in full, as the controller knows it: stored pages are read only then, or they would
   * overlap the replay still to come.
   */
  historyReady: (viewId: string) => boolean = () => true;
  /** Runs of each process, from status messages and from stored history, for the run separators. */
  readonly runs = new RunRegistry();
  private readonly stores: LineStore[] = [];
  private readonly ids: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly sources = new Map<string, StoreSource>();
  private readonly order: MergedOrder;
  private readonly merged: MergedSource;
  private readonly currentRun = new Map<string, number>();
  private readonly now: () => number;
  private lastStamp = '';
  private lastStampMs = 0;
  private budgetDropped = 0;

  constructor(options: LogBookOptions = {}) {
    this.maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
    this.maxTotalLines = options.maxTotalLines ?? Math.max(DEFAULT_MAX_TOTAL_LINES, this.maxLines);
    this.now = options.now ?? Date.now;
    this.order = new MergedOrder(
      () => this.stores,
      () => this.ids,
    );
    this.merged = new MergedSource(
      this.order,
      () => this.stores,
      () => this.ids,
      () => ({ dropped: this.stores.reduce((n, s) => n + s.dropped, 0) + this.budgetDropped, capacity: this.maxTotalLines }),
    );
  }

  /** The view of one process, or of every process for {@link ALL_PROCESSES}; created on demand. */
  source(viewId: string): LogSource {
    if (viewId === ALL_PROCESSES) {
      this.order.commit();
      return this.merged;
    }
    this.storeNumber(viewId);
    return this.sources.get(viewId) as StoreSource;
  }

  /** Ids of the processes with a store, in the order they were first seen. */
  processIds(): readonly string[] {
    return this.ids;
  }

  /** The store of a process, created on demand. */
  store(processId: string): LineStore {
    return this.stores[this.storeNumber(processId)] as LineStore;
  }

  /**
   * Add one output line. A line starting with `\r` is a progress update: it replaces the
   * process's previous output line instead of appending, as a terminal would overwrite it.
   */
  addOutput(line: IncomingLine): void {
    this.addLine(line.processId, line.data, line.stream, line.timestamp, line.level);
  }

  /** Add output lines read as rows (`GET /api/history`, `form=rows`), as {@link addOutput} would each. */
  addRows(processId: string, rows: readonly OutputRow[]): void {
    for (const row of rows) this.addLine(processId, row[3], row[2], row[1], row[4]);
  }

  private addLine(processId: string, data: string, stream: LineStream = 'stdout', timestamp: string | undefined, level: Level | undefined): void {
    const time = this.time(timestamp);
    if (replacesPrevious(data)) {
      const text = visibleText(data);
      const n = this.storeNumber(processId);
      const store = this.stores[n] as LineStore;
      const last = store.end - 1;
      if (store.has(last) && store.kind(last) === 'out' && store.replaceLast(text, { stream, level })) {
        this.order.noteReplaced(n, last, store.time(last));
        return;
      }
      this.append(processId, text, { stream, kind: 'out', time, level });
      return;
    }
    this.append(processId, data, { stream, kind: 'out', time, level });
  }

  /**
   * Add a visible mark where some of a process's history could not be recovered: after a
   * reconnect (`resumed`), or at the start when the hub no longer held the oldest lines.
   */
  addGap(processId: string, resumed = true, timestamp?: string): void {
    const text = resumed
      ? `gap: some lines of ${processId} were lost while disconnected and could not be recovered`
      : `gap: older lines of ${processId} are no longer retained by the hub`;
    this.append(processId, text, { stream: 'system', kind: 'gap', time: this.time(timestamp) });
  }

  /** Add a status note ("exited with code 1") to a process's log; a new run also gets its separator. */
  addStatus(processId: string, text: string, timestamp?: string, status?: { status?: string; run?: number; exitCode?: number; signal?: string }): void {
    const time = this.time(timestamp);
    const run = status?.run;
    if (run !== undefined && run > 0) {
      const iso = new Date(time).toISOString();
      const started = status?.status === 'starting' || status?.status === 'running';
      if (started && this.currentRun.get(processId) !== run) {
        this.runs.started(processId, run, iso);
        this.append(processId, '', { stream: 'system', kind: 'run', time, run });
      } else if (!started && (status?.status === 'exited' || status?.status === 'failed' || status?.status === 'stopped')) {
        this.runs.ended(processId, run, iso, status.exitCode, status.signal);
      }
      this.currentRun.set(processId, run);
    }
    this.append(processId, text, { stream: 'system', kind: 'status', time, run: run ?? this.currentRun.get(processId) });
  }

  /**
   * Put stored history (a `logs.read` page, oldest first) in front of what each process holds,
   * with run separators from `runs`. Lines not older than a process's oldest held line are left
   * out (the hub replayed them already). Returns how many lines were added.
   */
  prependHistory(lines: readonly StoredLine[], runs: readonly RunInfo[] = []): number {
    for (const r of runs) this.runs.learn(r);
    const byProcess = new Map<string, StoredLine[]>();
    for (const l of lines) {
      let list = byProcess.get(l.process);
      if (!list) byProcess.set(l.process, (list = []));
      list.push(l);
    }
    let added = 0;
    for (const [processId, list] of byProcess) {
      const n = this.storeNumber(processId);
      const store = this.stores[n] as LineStore;
      const oldest = store.length > 0 ? store.time(store.start) : Number.POSITIVE_INFINITY;
      const heldAtOldest = new Set<string>();
      for (let abs = store.start; abs < store.end && store.time(abs) === oldest; abs++) heldAtOldest.add(store.text(abs));
      const rows: Array<{ text: string; fields: LineFields }> = [];
      let lastRun = -1;
      for (const l of list) {
        const time = Date.parse(l.time);
        if (!(time <= oldest) || (time === oldest && heldAtOldest.has(l.data))) continue;
        if (l.run !== lastRun && this.runs.get(processId, l.run)) rows.push({ text: '', fields: { stream: 'system', kind: 'run', time, run: l.run } });
        lastRun = l.run;
        rows.push({ text: l.data, fields: { stream: l.stream, kind: 'out', time, level: l.level, run: l.run } });
      }
      const put = store.prepend(rows);
      for (let abs = store.start; abs < store.start + put; abs++) this.order.add(n, abs, store.time(abs));
      added += put;
    }
    this.commit();
    return added;
  }

  /** Empty one view (a process, or every process for {@link ALL_PROCESSES}). */
  clear(viewId: string): void {
    if (viewId === ALL_PROCESSES) {
      for (const s of this.stores) s.clear();
      this.order.clear();
      this.budgetDropped = 0;
      return;
    }
    const store = this.store(viewId);
    this.order.noteDropped(store.length);
    store.clear();
    this.order.commit();
  }

  /** Keep the bounds after a batch (the controller calls it once per batch); the merged view is put in order when it is read. */
  commit(): void {
    let total = 0;
    for (const s of this.stores) total += s.length;
    while (total > this.maxTotalLines) {
      // One chatty process gives way, not the quiet ones: trim the largest store.
      let largest = this.stores[0] as LineStore;
      for (const s of this.stores) if (s.length > largest.length) largest = s;
      const n = Math.min(largest.length, total - this.maxTotalLines);
      largest.dropOldest(n, false);
      this.budgetDropped += n;
      this.order.noteDropped(n);
      total -= n;
    }
    if (this.order.queued > MERGE_QUEUE) this.order.commit();
  }

  /** The row at a position of a source, for drawing; null when the line is no longer held. */
  lineAt(source: LogSource, pos: number): ViewLine | null {
    const store = source.storeAt(pos);
    if (!store) return null;
    const abs = source.absAt(pos);
    const processId = source.processIdAt(pos);
    return {
      key: `${processId}\u0000${abs}`,
      processId,
      text: store.text(abs),
      stream: store.stream(abs),
      time: store.time(abs),
      kind: store.kind(abs),
      level: store.level(abs),
      run: store.run(abs),
    };
  }

  /** Every row of a view, oldest first (tests and small views: it makes an object per line). */
  lines(viewId: string): ViewLine[] {
    this.commit();
    const source = this.source(viewId);
    const out: ViewLine[] = [];
    for (let pos = source.start; pos < source.end; pos++) {
      const line = this.lineAt(source, pos);
      if (line) out.push(line);
    }
    return out;
  }

  /** Bytes of text held over all processes (one a character). */
  textBytes(): number {
    return this.stores.reduce((n, s) => n + s.textBytes(), 0);
  }

  private storeNumber(processId: string): number {
    let n = this.numbers.get(processId);
    if (n === undefined) {
      n = this.stores.length;
      const store = new LineStore(this.maxLines);
      this.stores.push(store);
      this.ids.push(processId);
      this.numbers.set(processId, n);
      this.sources.set(processId, new StoreSource(store, n, processId));
    }
    return n;
  }

  private append(processId: string, text: string, fields: LineFields): void {
    const n = this.storeNumber(processId);
    const store = this.stores[n] as LineStore;
    const dropped = store.dropped;
    if (fields.run === undefined) fields.run = this.currentRun.get(processId);
    const abs = store.append(text, fields);
    if (store.dropped > dropped) this.order.noteDropped(store.dropped - dropped);
    this.order.add(n, abs, fields.time);
  }

  /** A hub timestamp in ms; consecutive lines mostly share one (the hub formats it once per millisecond). */
  private time(timestamp: string | undefined): number {
    if (timestamp === undefined) return this.now();
    if (timestamp === this.lastStamp) return this.lastStampMs;
    const ms = Date.parse(timestamp);
    if (Number.isNaN(ms)) return this.now();
    this.lastStamp = timestamp;
    this.lastStampMs = ms;
    return ms;
  }
}

