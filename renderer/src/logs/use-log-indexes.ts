/**
 * The open view's line indexes: the filtered lines and the search matches among them. Built once
 * per (view, filter, query), then caught up with each new batch, in slices of at most
 * {@link SLICE_MS}: what is left is scanned in the next tasks, redrawing as it goes, so a search
 * over a million lines shows its first match at once and never blocks the page.
 */
import { useEffect, useMemo, useState } from 'react';
import type { LogBook } from './log-book';
import type { LogSource } from './log-source';
import { LineIndex, type LinePredicate } from './line-index';
import { compileFilter, queryPredicate, type FilterSpec } from './line-filter';

/** Longest piece of index work in one task. */
export const SLICE_MS = 8;

/** What the log pane draws from. */
export interface LogIndexes {
  source: LogSource;
  /** Lines that pass the filter, in order. */
  visible: LineIndex;
  /** Visible lines that match the search query (empty index when there is no query). */
  matches: LineIndex;
  /** Why the filter pattern is invalid, or null. */
  filterError: string | null;
  /** Whether both indexes have tested every held line. */
  complete: boolean;
}

/** Indexes of a LogBook view, caught up with `version`. */
export function useLogIndexes(book: LogBook, viewId: string, filter: FilterSpec, query: string, version: number): LogIndexes {
  const source = book.source(viewId);
  const compiled = useMemo(() => compileFilter(filter), [filter]);
  const visible = useMemo(() => new LineIndex(source, compiled.predicate), [source, compiled]);
  const matches = useMemo(() => {
    const keep = compiled.predicate;
    const q = queryPredicate(query);
    let predicate: LinePredicate = () => false;
    if (q && keep === null) predicate = q;
    else if (q && keep) {
      predicate = (s, abs) => keep(s, abs) && q(s, abs);
      // A match must contain the query whatever the filter.
      predicate.literal = q.literal;
    }
    return new LineIndex(source, predicate);
  }, [source, compiled, query]);
  const [slice, setSlice] = useState(0);
  // Catch up before drawing, within a slice; update() is idempotent, so StrictMode's second render is harmless.
  const complete = useMemo(() => {
    const deadline = performance.now() + SLICE_MS;
    const v = visible.update(deadline);
    const m = query ? matches.update(deadline) : true;
    return v && m;
  }, [visible, matches, version, slice, query]);
  useEffect(() => {
    if (complete) return;
    const t = setTimeout(() => setSlice((n) => n + 1), 0);
    return () => clearTimeout(t);
  }, [complete, slice, visible, matches]);
  return { source, visible, matches, filterError: compiled.error, complete };
}
