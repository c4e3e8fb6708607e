/**
 * The open view's line indexes: the filtered lines and the search matches among them. Built once
 * per (view, filter, query) and then only caught up with each new batch.
 */
import { useMemo } from 'react';
import type { LineRing } from './line-ring';
import { LineIndex } from './line-index';
import type { LogBook } from './log-book';
import type { LogLine } from './log-line';
import { compileFilter, lineMatches, type FilterSpec } from './line-filter';

/** What the log pane draws from. */
export interface LogIndexes {
  ring: LineRing<LogLine>;
  /** Lines that pass the filter, in order. */
  visible: LineIndex<LogLine>;
  /** Visible lines that match the search query (empty index when there is no query). */
  matches: LineIndex<LogLine>;
  /** Why the filter pattern is invalid, or null. */
  filterError: string | null;
}

/** Indexes of a LogBook view, caught up with `version`. */
export function useLogIndexes(book: LogBook, viewId: string, filter: FilterSpec, query: string, version: number): LogIndexes {
  const ring = book.ring(viewId);
  const compiled = useMemo(() => compileFilter(filter), [filter]);
  const visible = useMemo(() => new LineIndex(ring, compiled.predicate), [ring, compiled]);
  const matches = useMemo(() => {
    const keep = compiled.predicate;
    const predicate = query ? (line: LogLine) => (keep === null || keep(line)) && lineMatches(line, query) : () => false;
    return new LineIndex(ring, predicate);
  }, [ring, compiled, query]);
  // Catch up before drawing; update() is idempotent, so a second render in StrictMode is harmless.
  useMemo(() => {
    visible.update();
    matches.update();
  }, [visible, matches, version]);
  return { ring, visible, matches, filterError: compiled.error };
}
