/**
 * The virtualized log list. Only visible rows exist in the DOM, rows have a fixed height so no
 * measuring is needed, and follow mode pauses when the user scrolls up.
 */
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { LogIndexes } from './use-log-indexes';
import { LogRow } from './log-row';

/** Height of one row in pixels; the CSS uses the same value. */
export const ROW_HEIGHT = 18;

/** Props of {@link LogView}. */
export interface LogViewProps {
  indexes: LogIndexes;
  version: number;
  follow: boolean;
  onFollowChange(follow: boolean): void;
  showTimestamps: boolean;
  showPrefix: boolean;
  query: string;
  /** The current search match (absolute index) and a nonce that changes on each navigation. */
  target: { abs: number; nonce: number } | null;
  /** Where the view stood when follow paused, to count the new lines since. */
  pausedAtEnd: number;
}

/** The scrolling list of log rows. */
export function LogView({ indexes, version, follow, onFollowChange, showTimestamps, showPrefix, query, target, pausedAtEnd }: LogViewProps) {
  const { visible, ring } = indexes;
  const scrollRef = useRef<HTMLDivElement>(null);
  const lastTop = useRef(0);
  const count = visible.length;
  const followRef = useRef(follow);
  followRef.current = follow;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    // While following, draw the last screenful directly: the virtualizer learns the new scroll
    // position one scroll event later, and at thousands of lines a second the rows it would draw
    // from the old position are already off screen, leaving the view blank.
    rangeExtractor: (range: Range) => {
      if (!followRef.current || range.count === 0) return defaultRangeExtractor(range);
      const rows = Math.ceil((scrollRef.current?.clientHeight || 800) / ROW_HEIGHT) + range.overscan;
      const start = Math.max(0, range.count - rows);
      return Array.from({ length: range.count - start }, (_, i) => start + i);
    },
  });

  // Follow: keep the newest line in view after every batch.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (follow && el && count > 0) {
      el.scrollTop = el.scrollHeight;
      lastTop.current = el.scrollTop;
    }
  }, [follow, count, version]);

  useEffect(() => {
    if (!target) return;
    const pos = visible.positionOf(target.abs);
    if (pos < visible.length) virtualizer.scrollToIndex(pos, { align: 'center' });
    // Scroll only when the user navigates, not on every batch.
  }, [target]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2;
    // Only a move upwards pauses: new lines growing the list under us must not.
    if (follow && el.scrollTop < lastTop.current - 1 && !atBottom) onFollowChange(false);
    else if (!follow && atBottom) onFollowChange(true);
    lastTop.current = el.scrollTop;
  };

  const newLines = follow ? 0 : count - visible.positionOf(pausedAtEnd);
  const currentAbs = target?.abs ?? -1;
  const showPrefixFor = showPrefix;

  return (
    <div className="log-view-wrap">
      {ring.dropped > 0 && (
        <div className="log-dropped" data-testid="log-dropped" role="note">
          {ring.dropped.toLocaleString('en-US')} older lines dropped (the view keeps the newest {ring.capacity.toLocaleString('en-US')})
        </div>
      )}
      <div
        ref={scrollRef}
        className="log-view"
        data-testid="log-view"
        role="log"
        aria-label="Log output"
        aria-live="off"
        tabIndex={0}
        onScroll={onScroll}
        onWheel={(e) => {
          if (e.deltaY < 0 && follow) onFollowChange(false);
        }}
      >
        {count === 0 && <div className="log-empty">No output yet.</div>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const abs = visible.absAt(item.index);
            const line = ring.at(abs);
            if (!line) return null;
            return (
              <div key={line.id} className="log-row-slot" style={{ transform: `translateY(${item.start}px)` }}>
                <LogRow line={line} showTimestamp={showTimestamps} showPrefix={showPrefixFor} query={query} current={abs === currentAbs} />
              </div>
            );
          })}
        </div>
      </div>
      {!follow && (
        <button type="button" className="jump-latest" aria-label={`Jump to latest (${newLines} new)`} onClick={() => onFollowChange(true)}>
          Jump to latest ({newLines.toLocaleString('en-US')} new) ↓
        </button>
      )}
    </div>
  );
}
