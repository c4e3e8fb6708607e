/**
 * Loads older lines from the stored history (`logs.read`) when a view is scrolled up past what
 * the page holds, one page at a time, in front of the held lines (the view keeps its place: its
 * anchor is a line, not a pixel). The first page of a view is asked for by time (the oldest held
 * line's, plus a millisecond, with lines already held left out), the next ones by the cursor of
 * the oldest line read. A hub without a store (`unknown_method`) is asked once.
 */
import type { LogsReadParams, LogsReadResult } from '../../../shared/protocol/payloads/logs';
import { ALL_PROCESSES, type LogBook } from './log-book';

/** Lines per page. */
export const HISTORY_PAGE = 1000;

/** Where a view's stored history stands. */
export type HistoryState = 'idle' | 'loading' | 'start' | 'unavailable' | 'error';

/** Reads stored pages into a LogBook. */
export class HistoryLoader {
  private readonly states = new Map<string, HistoryState>();
  private readonly cursors = new Map<string, string>();
  private unavailable = false;

  constructor(
    private readonly book: LogBook,
    private readonly read: (params: LogsReadParams) => Promise<LogsReadResult>,
    private readonly changed: () => void,
  ) {}

  state(viewId: string): HistoryState {
    return this.unavailable ? 'unavailable' : (this.states.get(viewId) ?? 'idle');
  }

  /**
   * Load the page before what a view holds; resolves with the number of lines added. In the
   * merged view, a process whose held lines start later than the view's oldest line has a hole
   * there: its own page comes first, so the merged view fills in from the newest hole back.
   */
  async loadOlder(viewId: string): Promise<number> {
    if (viewId === ALL_PROCESSES) {
      const hole = this.newestHole();
      if (hole !== null) return this.loadOlder(hole);
    }
    const state = this.state(viewId);
    // While the hub replays its history, what the page holds is not yet where the store's pages end.
    if (state === 'loading' || state === 'start' || state === 'unavailable' || this.book.replaying) return 0;
    if (!this.book.historyReady(viewId)) return 0;
    this.states.set(viewId, 'loading');
    this.changed();
    try {
      const params: LogsReadParams = { limit: HISTORY_PAGE };
      if (viewId !== ALL_PROCESSES) params.processes = [viewId];
      const before = this.cursors.get(viewId) ?? this.oldestTime(viewId);
      if (before !== undefined) params.before = before;
      const page = await this.read(params);
      const added = this.book.prependHistory(page.lines, page.runs ?? []);
      const oldest = page.lines[0]?.cursor;
      if (oldest !== undefined) this.cursors.set(viewId, oldest);
      // No cursor to go on from: the next page is asked for by time again.
      else this.cursors.delete(viewId);
      this.states.set(viewId, page.more && page.lines.length > 0 ? 'idle' : 'start');
      this.changed();
      return added;
    } catch (e) {
      if ((e as { code?: unknown } | null)?.code === 'unknown_method') this.unavailable = true;
      else this.states.set(viewId, 'error');
      this.changed();
      return 0;
    }
  }

  /** Forget where each view stood (its lines were cleared). */
  reset(viewId: string): void {
    this.states.delete(viewId);
    this.cursors.delete(viewId);
  }

  /** The process with held lines whose oldest is the latest of all, when later than the merged view's oldest and more may be stored. */
  private newestHole(): string | null {
    const merged = this.book.source(ALL_PROCESSES);
    if (merged.length === 0) return null;
    const first = merged.storeAt(merged.start);
    const oldest = first ? first.time(merged.absAt(merged.start)) : Number.NaN;
    let best: string | null = null;
    let bestTime = oldest;
    for (const id of this.book.processIds()) {
      const store = this.book.store(id);
      if (store.length === 0 || this.state(id) === 'start' || this.state(id) === 'error') continue;
      const t = store.time(store.start);
      if (t > bestTime) {
        best = id;
        bestTime = t;
      }
    }
    return best;
  }

  private oldestTime(viewId: string): string | undefined {
    const source = this.book.source(viewId);
    // Nothing held: the newest page (the store's answer without a position could be its oldest).
    if (source.length === 0) return new Date(Date.now() + 1).toISOString();
    const store = source.storeAt(source.start);
    const t = store ? store.time(source.absAt(source.start)) : Number.NaN;
    // A millisecond later: lines of that same millisecond that are not held yet come too.
    return Number.isFinite(t) ? new Date(t + 1).toISOString() : undefined;
  }
}
