/** The main log pane: the toolbar, the view of one process or all of them, and the search over the stored history. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LogLine as StoredLine } from '../../../shared/protocol/payloads/logs';
import { useDashboard, useServices } from '../dashboard-context';
import { HistoryLoader } from './history-loader';
import { HistorySearch } from './history-search';
import { ALL_PROCESSES, type LogBook } from './log-book';
import { NO_FILTER, type FilterSpec, type LevelChip } from './line-filter';
import type { LogSource } from './log-source';
import { linesToText, logFileName } from './log-export';
import { LogToolbar } from './log-toolbar';
import { LogView } from './log-view';
import { useLogIndexes } from './use-log-indexes';
import './log-view.css';

/** The log pane of the selected view. */
export function LogPane() {
  const { book, actions, store } = useServices();
  const selected = useDashboard((s) => s.selected);
  const version = useDashboard((s) => s.logVersion);
  const connected = useDashboard((s) => s.connection.kind === 'connected');
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<FilterSpec>(NO_FILTER);
  const [follow, setFollowState] = useState(true);
  const [pausedAtEnd, setPausedAtEnd] = useState(0);
  const [showTimestamps, setShowTimestamps] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [target, setTarget] = useState<{ pos: number; nonce: number } | null>(null);
  const [, setHistoryTick] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  const indexes = useLogIndexes(book, selected, filter, query, version);
  const { source, visible, matches } = indexes;
  const merged = selected === ALL_PROCESSES;

  const loader = useMemo(
    () => (actions.readLogs ? new HistoryLoader(book, (params) => actions.readLogs!(params), () => setHistoryTick((n) => n + 1)) : null),
    [book, actions],
  );
  const loadOlder = useCallback(() => {
    if (!loader || !connected) return;
    void loader.loadOlder(selected).then((added) => {
      if (added > 0) store.getState().bumpLogs();
    });
  }, [loader, connected, selected, store]);
  // A view that does not fill the screen is at its top already: show the stored lines above it
  // (once the hub's replay is in, so that the two do not overlap).
  const replaying = book.replaying;
  useEffect(() => {
    if (connected && !replaying && source.length < 200) loadOlder();
  }, [connected, selected, replaying]);

  const setFollow = useCallback(
    (on: boolean) => {
      if (!on) setPausedAtEnd(source.end);
      setFollowState(on);
    },
    [source],
  );

  // A new query or filter forgets the current match; a new view also follows its newest line.
  useEffect(() => {
    setTarget(null);
  }, [selected, query, filter]);
  useEffect(() => {
    setFollowState(true);
  }, [selected]);

  // Ctrl/Cmd+F searches the logs, as in every log viewer.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f' && store.getState().tab === 'logs') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const go = (step: 1 | -1) => {
    const n = matches.length;
    if (n === 0) return;
    let i: number;
    if (!target || !matches.contains(target.pos)) i = step === 1 ? 0 : n - 1;
    else i = matches.positionOf(target.pos) + step;
    if (i >= n) i = 0;
    if (i < 0) i = n - 1;
    setFollow(false);
    setTarget({ pos: matches.positionAt(i), nonce: (target?.nonce ?? 0) + 1 });
  };

  let matchLabel = '';
  if (query) {
    const n = matches.length;
    const more = matches.complete ? '' : '+';
    if (n === 0) matchLabel = more ? 'searching…' : 'no matches';
    else if (target && matches.contains(target.pos)) matchLabel = `${matches.positionOf(target.pos) + 1} / ${n}${more}`;
    else matchLabel = `${n}${more} ${n === 1 && !more ? 'match' : 'matches'}`;
  }

  const text = () => linesToText(book, visible, { timestamps: showTimestamps, prefix: merged });
  const onCopy = () => {
    void navigator.clipboard?.writeText(text()).then(
      () => store.getState().setNotice(`Copied ${visible.length.toLocaleString('en-US')} lines`),
      (e: unknown) => store.getState().setNotice(`Copy failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  const onDownload = () => {
    const blob = new Blob([text()], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = logFileName(merged ? 'all' : selected, new Date());
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const reveal = (hit: StoredLine): boolean => {
    if (!merged && hit.process !== selected) return false;
    const pos = heldPosition(book, source, hit);
    if (pos === null || !visible.contains(pos)) return false;
    setFollow(false);
    setTarget({ pos, nonce: (target?.nonce ?? 0) + 1 });
    return true;
  };

  const historyState = loader?.state(selected) ?? 'unavailable';
  const topNote = historyState === 'loading' ? 'Loading earlier lines…' : historyState === 'error' ? 'Could not load earlier lines' : null;

  return (
    <section className="log-pane" aria-label={merged ? 'Logs of all processes' : `Logs of ${selected}`}>
      <LogToolbar
        query={query}
        onQueryChange={setQuery}
        matchLabel={matchLabel}
        onNext={() => go(1)}
        onPrevious={() => go(-1)}
        filter={filter}
        onFilterChange={setFilter}
        filterError={indexes.filterError}
        follow={follow}
        onFollowChange={setFollow}
        showTimestamps={showTimestamps}
        onShowTimestampsChange={setShowTimestamps}
        wrap={wrap}
        onWrapChange={setWrap}
        levelCounts={levelCounts(book, selected)}
        onSearchHistory={() => setHistoryOpen(true)}
        onCopy={onCopy}
        onDownload={onDownload}
        onClear={() => {
          loader?.reset(selected);
          actions.clearLogs(selected);
        }}
        searchRef={searchRef}
      />
      {historyOpen && actions.searchLogs && actions.readLogs && (
        <HistorySearch
          query={query}
          processes={merged ? undefined : [selected]}
          search={(params) => actions.searchLogs!(params)}
          read={(params) => actions.readLogs!(params)}
          reveal={reveal}
          onClose={() => setHistoryOpen(false)}
        />
      )}
      <LogView
        key={selected}
        book={book}
        indexes={indexes}
        follow={follow}
        onFollowChange={setFollow}
        showTimestamps={showTimestamps}
        showPrefix={merged}
        query={query}
        wrap={wrap}
        target={target}
        pausedAtEnd={pausedAtEnd}
        onReachTop={loadOlder}
        topNote={topNote}
      />
    </section>
  );
}

/** Held lines per level chip of a view. */
function levelCounts(book: LogBook, viewId: string): Record<LevelChip, number> {
  const stores = viewId === ALL_PROCESSES ? book.processIds().map((id) => book.store(id)) : [book.store(viewId)];
  const c = [0, 0, 0, 0, 0, 0];
  for (const s of stores) for (let i = 0; i < c.length; i++) c[i]! += s.levelCounts[i] ?? 0;
  return { error: c[1]!, warn: c[2]!, info: c[3]!, debug: c[4]! + c[5]! };
}

/** Where a stored line sits in a view, when the page still holds it (same time, same text). */
function heldPosition(book: LogBook, source: LogSource, hit: StoredLine): number | null {
  if (!book.processIds().includes(hit.process)) return null;
  const store = book.store(hit.process);
  const time = Date.parse(hit.time);
  for (let abs = store.lowerBoundTime(time); abs < store.end && store.time(abs) === time; abs++) {
    if (store.kind(abs) !== 'out' || store.text(abs) !== hit.data) continue;
    for (let pos = source.lowerBoundTime(time); pos < source.end; pos++) {
      if (source.absAt(pos) === abs && source.processIdAt(pos) === hit.process) return pos;
      const s = source.storeAt(pos);
      if (s && s.time(source.absAt(pos)) > time) break;
    }
  }
  return null;
}
