/** The log pane's toolbar: search with next/previous, filter, follow, timestamps, copy, download, clear. */
import type { RefObject } from 'react';
import type { FilterSpec, StreamFilter } from './line-filter';

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
      </div>
      <div className="tool-group">
        <button type="button" aria-label="Follow output" aria-pressed={p.follow} className={p.follow ? 'toggle on' : 'toggle'} onClick={() => p.onFollowChange(!p.follow)}>
          Follow
        </button>
        <label className="check">
          <input type="checkbox" aria-label="Show timestamps" checked={p.showTimestamps} onChange={(e) => p.onShowTimestampsChange(e.target.checked)} />
          Time
        </label>
        <button type="button" aria-label="Copy logs" title="Copy the shown lines" onClick={p.onCopy}>
          Copy
        </button>
        <button type="button" aria-label="Download logs" title="Download the shown lines as a .log file" onClick={p.onDownload}>
          Download
        </button>
        <button type="button" aria-label="Clear view" title="Clear this view" onClick={p.onClear}>
          Clear
        </button>
      </div>
    </div>
  );
}
