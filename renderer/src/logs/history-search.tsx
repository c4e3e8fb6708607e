/**
 * "Search all history": the query over everything stored (`logs.search`, newest first, a page at
 * a time), beyond what the page holds. Choosing a hit shows it in the view when the page still
 * holds that line; otherwise it shows the hit with its context (`logs.read` before and after its
 * cursor) in a panel of its own.
 */
import { useState } from 'react';
import type { LogLine as StoredLine, LogsReadParams, LogsReadResult, LogsSearchParams, LogsSearchResult } from '../../../shared/protocol/payloads/logs';
import { AnsiText } from './ansi-text';
import { formatTime } from './log-row';

/** Hits per page. */
const PAGE = 50;
/** Lines shown on each side of a hit that is no longer held. */
const CONTEXT = 10;

/** Props of {@link HistorySearch}. */
export interface HistorySearchProps {
  query: string;
  /** The processes searched (undefined: all). */
  processes?: string[];
  search(params: LogsSearchParams): Promise<LogsSearchResult>;
  read(params: LogsReadParams): Promise<LogsReadResult>;
  /** Show a hit in the view if the page holds it; false when it does not. */
  reveal(hit: StoredLine): boolean;
  onClose(): void;
}

type Context = { hit: StoredLine; lines: StoredLine[] };

/** The results of a search over the stored history, and a hit's context. */
export function HistorySearch(p: HistorySearchProps) {
  const [hits, setHits] = useState<StoredLine[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [context, setContext] = useState<Context | null>(null);
  const [searched, setSearched] = useState('');

  const run = async (before?: string) => {
    setBusy(true);
    setError(null);
    try {
      const params: LogsSearchParams = { query: p.query, limit: PAGE };
      if (p.processes) params.processes = p.processes;
      if (before) params.before = before;
      const res = await p.search(params);
      setHits((old) => (before && old ? [...old, ...res.matches] : res.matches));
      setMore(res.more);
      setSearched(p.query);
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      setError(code === 'unknown_method' ? 'This hub keeps no stored history to search.' : `Search failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const open = async (hit: StoredLine) => {
    if (p.reveal(hit)) {
      setContext(null);
      return;
    }
    if (!hit.cursor) {
      setContext({ hit, lines: [hit] });
      return;
    }
    try {
      const [before, after] = await Promise.all([
        p.read({ processes: [hit.process], before: hit.cursor, limit: CONTEXT }),
        p.read({ processes: [hit.process], after: hit.cursor, limit: CONTEXT }),
      ]);
      setContext({ hit, lines: [...before.lines, hit, ...after.lines] });
    } catch (e) {
      setError(`Could not read the context: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <section className="history-search" aria-label="Search all history" data-testid="history-search">
      <div className="history-head">
        <button type="button" disabled={!p.query || busy} onClick={() => void run()}>
          Search all history for “{p.query}”
        </button>
        {busy && <span className="history-busy">searching…</span>}
        {hits && !busy && (
          <span data-testid="history-count">
            {hits.length} {hits.length === 1 ? 'hit' : 'hits'}
            {more ? '+' : ''} for “{searched}”
          </span>
        )}
        <button type="button" aria-label="Close history search" onClick={p.onClose}>
          ✕
        </button>
      </div>
      {error && (
        <div className="history-error" role="alert">
          {error}
        </div>
      )}
      {hits && (
        <ol className="history-hits" data-testid="history-hits">
          {hits.map((h, i) => (
            <li key={h.cursor ?? `${h.process}${h.time}${i}`}>
              <button type="button" className="history-hit" data-testid="history-hit" onClick={() => void open(h)}>
                <span className="log-ts">{formatTime(Date.parse(h.time))}</span> <span className="log-prefix">{h.process}</span> <AnsiText text={h.data} query={searched} />
              </button>
            </li>
          ))}
          {more && (
            <li>
              <button type="button" disabled={busy} onClick={() => void run(hits.at(-1)?.cursor)}>
                Older hits
              </button>
            </li>
          )}
        </ol>
      )}
      {context && (
        <div className="history-context" data-testid="history-context" role="region" aria-label="Hit in its context">
          <div className="history-context-head">
            {context.hit.process}, run {context.hit.run}, {new Date(context.hit.time).toLocaleString()} (from the stored history)
            <button type="button" aria-label="Close context" onClick={() => setContext(null)}>
              ✕
            </button>
          </div>
          {context.lines.map((l, i) => (
            <div key={l.cursor ?? i} className={`log-line${l === context.hit ? ' log-current' : ''}`} data-testid={l === context.hit ? 'history-context-hit' : 'history-context-line'}>
              <span className="log-ts">{formatTime(Date.parse(l.time))} </span>
              <AnsiText text={l.data} query={l === context.hit ? searched : ''} />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
