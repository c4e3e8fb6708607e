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
export function LogView({ indexes, follow, onFollowChange, showTimestamps, showPrefix, query, target, pausedAtEnd }: LogViewProps) {
  const { visible, ring } = indexes;
  const scrollRef = useRef<HTMLDivElement>(null);
  const lastTop = useRef(0);
  const count = visible.length;
  // Where this render wants the list scrolled, when it must move it: to the bottom while
  // following; up by the rows that were dropped at the top while paused, so that the lines the
  // user is reading stay put. Computed before drawing so the drawn rows match the new position.
  const lastTrimmed = useRef(visible.trimmed);
  const el = scrollRef.current;
  const viewHeight = el?.clientHeight || 800;
  const shift = visible.trimmed - lastTrimmed.current;
  let plannedTop: number | null = null;
  if (follow) plannedTop = Math.max(0, count * ROW_HEIGHT - viewHeight);
  else if (shift > 0 && el) plannedTop = Math.max(0, el.scrollTop - shift * ROW_HEIGHT);
  const planned = useRef(plannedTop);
  planned.current = plannedTop;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    // The virtualizer learns a scroll position one scroll event late; at thousands of lines a
    // second the rows it would draw from the old position are already off screen. So when this
    // render moves the list, draw the rows of the planned position instead.
    rangeExtractor: (range: Range) => {
      const top = planned.current;
      if (top === null || range.count === 0) return defaultRangeExtractor(range);
      const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - range.overscan);
      const last = Math.min(range.count - 1, Math.ceil((top + viewHeight) / ROW_HEIGHT) + range.overscan);
      return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
    },
  });

  useLayoutEffect(() => {
    lastTrimmed.current = visible.trimmed;
    const node = scrollRef.current;
    if (node && plannedTop !== null && Math.abs(node.scrollTop - plannedTop) >= 1) {
      node.scrollTop = follow ? node.scrollHeight : plannedTop;
      lastTop.current = node.scrollTop;
    }
  });

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
