/** The log pane's toolbar: search with next/previous, filter, levels, time range, follow, timestamps, wrap, copy, download, clear. */
import type { RefObject } from 'react';
import { LevelChips } from './level-chips';
import type { FilterSpec, LevelChip, StreamFilter } from './line-filter';

/** Props of {@link LogToolbar}. */
export interface LogToolbarProps {
  query: string;
  onQueryChange(query: string): void;
  /** "3 / 120", "no matches" or empty. */
  matchLabel: string;
  onNext(): void;
  onPrevious(): void;
  filter: FilterSpec;
  onFilterChange(filter: FilterSpec): void;
  filterError: string | null;
  follow: boolean;
  onFollowChange(follow: boolean): void;
  showTimestamps: boolean;
  onShowTimestampsChange(show: boolean): void;
  wrap: boolean;
  onWrapChange(wrap: boolean): void;
  levelCounts: Record<LevelChip, number>;
  /** Open the search over the stored history. */
  onSearchHistory(): void;
  onCopy(): void;
  onDownload(): void;
  onClear(): void;
  searchRef: RefObject<HTMLInputElement | null>;
}

/** The row of log controls above the list. */
export function LogToolbar(p: LogToolbarProps) {
  const hasMatches = p.matchLabel !== '' && p.matchLabel !== 'no matches';
  return (
    <div className="log-toolbar" role="toolbar" aria-label="Log tools">
      <div className="tool-group">
        <input
          ref={p.searchRef}
          type="search"
          className="search-input"
          placeholder="Search"
          aria-label="Search logs"
          value={p.query}
          onChange={(e) => p.onQueryChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              if (e.shiftKey) p.onPrevious();
              else p.onNext();
            } else if (e.key === 'Escape') {
              p.onQueryChange('');
            }
          }}
        />
        <span className="match-count" data-testid="search-count" aria-live="polite">
          {p.matchLabel}
        </span>
        <button type="button" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={!hasMatches} onClick={p.onPrevious}>
          ↑
        </button>
        <button type="button" aria-label="Next match" title="Next match (Enter)" disabled={!hasMatches} onClick={p.onNext}>
          ↓
        </button>
        <button type="button" aria-label="Search all history" title="Search everything stored, also lines this page no longer holds" disabled={!p.query} onClick={p.onSearchHistory}>
          All history
        </button>
      </div>
      <div className="tool-group">
        <input
          type="text"
          className={p.filterError ? 'filter-input invalid' : 'filter-input'}
          placeholder={p.filter.regex ? 'Filter (regex)' : 'Filter'}
          aria-label="Filter lines"
          aria-invalid={p.filterError ? true : undefined}
          title={p.filterError ?? 'Show only lines containing this text'}
          value={p.filter.text}
          onChange={(e) => p.onFilterChange({ ...p.filter, text: e.target.value })}
        />
        <label className="check" title="Treat the filter as a regular expression">
          <input type="checkbox" checked={p.filter.regex} onChange={(e) => p.onFilterChange({ ...p.filter, regex: e.target.checked })} aria-label="Regular expression" />
          .*
        </label>
        <select aria-label="Stream filter" value={p.filter.stream} onChange={(e) => p.onFilterChange({ ...p.filter, stream: e.target.value as StreamFilter })}>
          <option value="both">stdout + stderr</option>
          <option value="stdout">stdout only</option>
          <option value="stderr">stderr only</option>
        </select>
        <LevelChips counts={p.levelCounts} selected={p.filter.levels ?? []} onChange={(levels) => p.onFilterChange({ ...p.filter, levels })} />
        <label className="check" title="Show only lines from this time on">
          From
          <input type="datetime-local" step={1} aria-label="From time" value={toLocalInput(p.filter.from)} onChange={(e) => p.onFilterChange({ ...p.filter, from: fromLocalInput(e.target.value) })} />
        </label>
        <label className="check" title="Show only lines up to this time">
          to
          <input type="datetime-local" step={1} aria-label="To time" value={toLocalInput(p.filter.to)} onChange={(e) => p.onFilterChange({ ...p.filter, to: fromLocalInput(e.target.value, 999) })} />
        </label>
      </div>
      <div className="tool-group">
        <button type="button" aria-label="Follow output" aria-pressed={p.follow} className={p.follow ? 'toggle on' : 'toggle'} onClick={() => p.onFollowChange(!p.follow)}>
          Follow
        </button>
        <label className="check">
          <input type="checkbox" aria-label="Show timestamps" checked={p.showTimestamps} onChange={(e) => p.onShowTimestampsChange(e.target.checked)} />
          Time
        </label>
        <label className="check">
          <input type="checkbox" aria-label="Wrap lines" checked={p.wrap} onChange={(e) => p.onWrapChange(e.target.checked)} />
          Wrap
        </label>
        <button type="button" aria-label="Copy logs" title="Copy the shown lines" onClick={p.onCopy}>
          Copy
        </button>
        <button type="button" aria-label="Download logs" title="Download the shown lines (this filter, levels and time range) as a .log file" onClick={p.onDownload}>
          Download
        </button>
        <button type="button" aria-label="Clear view" title="Clear this view" onClick={p.onClear}>
          Clear
        </button>
      </div>
    </div>
  );
}

/** A time in ms as the value of a `datetime-local` input (local time, seconds), '' for none. */
export function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A `datetime-local` value as ms (plus `extraMs`, so "to 12:00:05" includes that second), undefined when empty. */
export function fromLocalInput(value: string, extraMs = 0): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms + extraMs;
}
