/** The main log pane: the toolbar and the virtualized view of one process or all of them. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useDashboard, useServices } from '../dashboard-context';
import { ALL_PROCESSES } from './log-book';
import { NO_FILTER, type FilterSpec } from './line-filter';
import { linesToText, logFileName } from './log-export';
import { LogToolbar } from './log-toolbar';
import { LogView } from './log-view';
import { useLogIndexes } from './use-log-indexes';

/** The log pane of the selected view. */
export function LogPane() {
  const { book, actions, store } = useServices();
  const selected = useDashboard((s) => s.selected);
  const version = useDashboard((s) => s.logVersion);
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<FilterSpec>(NO_FILTER);
  const [follow, setFollowState] = useState(true);
  const [pausedAtEnd, setPausedAtEnd] = useState(0);
  const [showTimestamps, setShowTimestamps] = useState(false);
  const [target, setTarget] = useState<{ abs: number; nonce: number } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const indexes = useLogIndexes(book, selected, filter, query, version);
  const { ring, visible, matches } = indexes;
  const merged = selected === ALL_PROCESSES;

  const setFollow = useCallback(
    (on: boolean) => {
      if (!on) setPausedAtEnd(ring.end);
      setFollowState(on);
    },
    [ring],
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
    let pos: number;
    if (!target || target.abs < ring.start) pos = step === 1 ? 0 : n - 1;
    else pos = step === 1 ? matches.positionOf(target.abs + 1) : matches.positionOf(target.abs) - 1;
    if (pos >= n) pos = 0;
    if (pos < 0) pos = n - 1;
    setFollow(false);
    setTarget({ abs: matches.absAt(pos), nonce: (target?.nonce ?? 0) + 1 });
  };

  let matchLabel = '';
  if (query) {
    const n = matches.length;
    if (n === 0) matchLabel = 'no matches';
    else if (target && matches.at(matches.positionOf(target.abs)) && matches.absAt(matches.positionOf(target.abs)) === target.abs) matchLabel = `${matches.positionOf(target.abs) + 1} / ${n}`;
    else matchLabel = `${n} ${n === 1 ? 'match' : 'matches'}`;
  }

  const text = () => linesToText(visible, { timestamps: showTimestamps, prefix: merged });
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
        onCopy={onCopy}
        onDownload={onDownload}
        onClear={() => actions.clearLogs(selected)}
        searchRef={searchRef}
      />
      <LogView
        key={selected}
        indexes={indexes}
        follow={follow}
        onFollowChange={setFollow}
        showTimestamps={showTimestamps}
        showPrefix={merged}
        query={query}
        target={target}
        pausedAtEnd={pausedAtEnd}
      />
    </section>
  );
}
