/**
 * The log list: only the rows on screen exist in the DOM, drawn from an anchor line
 * (`scroll-model.ts`) with a scrollbar of its own, so a million rows need no tall element and
 * jumping anywhere draws one screenful. Follow mode draws the last rows from the bottom up and
 * pauses when the user scrolls up; a paused view keeps its line at the top while lines are
 * dropped above it, merged in above it or loaded above it. Scrolling near the top asks for older
 * lines (`onReachTop`).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { LogBook } from './log-book';
import type { LineIdentity } from './log-source';
import { LogRow, formatTime } from './log-row';
import { drawnRange, indexAtThumb, moveAnchor, rowsInView, rowsToDraw, thumbGeometry, ROW_HEIGHT } from './scroll-model';
import type { LogIndexes } from './use-log-indexes';

export { ROW_HEIGHT } from './scroll-model';

/** Rows from the top at which older lines are asked for. */
const PREFETCH_ROWS = 200;

/** Props of {@link LogView}. */
export interface LogViewProps {
  book: LogBook;
  indexes: LogIndexes;
  follow: boolean;
  onFollowChange(follow: boolean): void;
  showTimestamps: boolean;
  showPrefix: boolean;
  query: string;
  /** Long lines wrap instead of scrolling sideways. */
  wrap: boolean;
  /** The current search match (source position) and a nonce that changes on each navigation. */
  target: { pos: number; nonce: number } | null;
  /** The source's end when follow paused, to count the new lines since. */
  pausedAtEnd: number;
  /** The view came near its oldest held line while moving up: load older ones. */
  onReachTop?(): void;
  /** A note above the rows ("loading earlier lines…", "start of the stored history"). */
  topNote?: string | null;
}

type TopAnchor = { id: LineIdentity | null; index: number; offset: number };

/** The scrolling list of log rows. */
export function LogView(p: LogViewProps) {
  const { indexes, follow, onFollowChange, book } = p;
  const { visible, source } = indexes;
  const viewRef = useRef<HTMLDivElement>(null);
  const rowsRef = useRef<HTMLDivElement>(null);
  const [top, setTopState] = useState<TopAnchor | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [viewHeight, setViewHeight] = useState(0);
  const count = visible.length;
  const height = viewHeight || viewRef.current?.clientHeight || 400;

  // Resolve the top anchor to a row index now: lines may have been dropped, merged or loaded above it.
  let topIndex = 0;
  let topOffset = 0;
  if (!follow && top) {
    topIndex = top.id ? visible.positionOf(source.positionOfIdentity(top.id)) : top.index;
    topOffset = top.offset;
  } else if (!follow) topIndex = Math.max(0, count - rowsInView(height));
  const anchor = follow ? ({ kind: 'bottom' } as const) : ({ kind: 'top', index: topIndex, offset: topOffset } as const);
  const { first, fromBottom } = drawnRange(anchor, count, height);
  const last = Math.min(count, first + rowsToDraw(height));

  const setTop = useCallback(
    (index: number, offset: number) => {
      const i = Math.max(0, Math.min(index, Math.max(0, visible.length - 1)));
      setTopState({ id: visible.length ? source.identityAt(visible.positionAt(i)) : null, index: i, offset });
    },
    [visible, source],
  );

  // Where the drawn rows stand, for the handlers (they outlive this render).
  const live = useRef({ first, fromBottom, count, height, topIndex, topOffset, follow });
  live.current = { first, fromBottom, count, height, topIndex, topOffset, follow };

  // The view's height once, then from the ResizeObserver: reading it on every redraw would force a layout each frame.
  useLayoutEffect(() => {
    const el = viewRef.current;
    if (el && el.clientHeight !== viewHeight) setViewHeight(el.clientHeight);
  }, []);

  // Following forgets the paused place: pausing again starts from the end.
  useEffect(() => {
    if (follow) setTopState(null);
  }, [follow]);

  useEffect(() => {
    const el = viewRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Unwrapped rows are all one height; wrapped and expanded ones are measured, and only when the user moves the view.
  const uniform = !p.wrap && expanded.size === 0;
  const rowHeight = (i: number): number => {
    if (uniform) return ROW_HEIGHT;
    const el = rowsRef.current?.children[i - live.current.first] as HTMLElement | undefined;
    return el?.offsetHeight || ROW_HEIGHT;
  };

  /** The top anchor of what is drawn now (converting the bottom-up drawing of follow mode). */
  const currentTop = (): { index: number; offset: number } => {
    const s = live.current;
    if (!s.fromBottom) return { index: s.topIndex, offset: s.topOffset };
    let total = 0;
    for (let i = s.first; i < Math.min(s.count, s.first + rowsToDraw(s.height)); i++) total += rowHeight(i);
    let over = Math.max(0, total - s.height);
    let index = s.first;
    while (index < s.count && over >= rowHeight(index)) over -= rowHeight(index++);
    return { index, offset: over };
  };

  const scrollBy = (delta: number) => {
    const s = live.current;
    if (delta < 0 && s.count === 0) p.onReachTop?.();
    if (delta === 0 || s.count === 0) return;
    if (delta > 0 && s.follow) return;
    const moved = moveAnchor(currentTop(), delta, s.count, s.height, rowHeight);
    if (moved === 'end') {
      if (!s.follow) onFollowChange(true);
      return;
    }
    if (moved === 'top') {
      p.onReachTop?.();
      if (s.follow) onFollowChange(false);
      setTop(0, 0);
      return;
    }
    if (s.follow) onFollowChange(false);
    setTop(moved.index, moved.offset);
    if (delta < 0 && moved.index < PREFETCH_ROWS) p.onReachTop?.();
  };
  const scrollRef = useRef(scrollBy);
  scrollRef.current = scrollBy;

  useEffect(() => {
    const el = viewRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      // Sideways scrolling stays the browser's (long unwrapped lines).
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) return;
      e.preventDefault();
      const unit = e.deltaMode === 1 ? ROW_HEIGHT : e.deltaMode === 2 ? live.current.height : 1;
      scrollRef.current(e.deltaY * unit);
    };
    let touchY: number | null = null;
    const onTouchStart = (e: TouchEvent) => (touchY = e.touches[0]?.clientY ?? null);
    const onTouchMove = (e: TouchEvent) => {
      const y = e.touches[0]?.clientY;
      if (touchY === null || y === undefined) return;
      e.preventDefault();
      scrollRef.current(touchY - y);
      touchY = y;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('touchstart', onTouchStart, { passive: true });
    el.addEventListener('touchmove', onTouchMove, { passive: false });
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('touchstart', onTouchStart);
      el.removeEventListener('touchmove', onTouchMove);
    };
  }, []);

  // Navigating to a search match puts it in the middle of the view.
  useEffect(() => {
    if (!p.target) return;
    const i = visible.positionOf(p.target.pos);
    if (i < visible.length) setTop(Math.max(0, i - Math.floor(rowsInView(height) / 2)), 0);
    // Only when the user navigates, not on every batch.
  }, [p.target]);

  const jumpTo = (index: number) => {
    if (index < PREFETCH_ROWS) p.onReachTop?.();
    if (index >= count - rowsInView(height)) {
      onFollowChange(true);
      return;
    }
    if (follow) onFollowChange(false);
    setTop(index, 0);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const page = Math.max(ROW_HEIGHT, height - ROW_HEIGHT);
    const keys: Record<string, () => void> = {
      ArrowDown: () => scrollBy(ROW_HEIGHT),
      ArrowUp: () => scrollBy(-ROW_HEIGHT),
      PageDown: () => scrollBy(page),
      PageUp: () => scrollBy(-page),
      Home: () => jumpTo(0),
      End: () => onFollowChange(true),
    };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  };

  const visibleRows = rowsInView(height);
  const shownFirst = fromBottom ? Math.max(0, count - visibleRows) : first;
  const track = Math.max(0, height - 4);
  const thumb = thumbGeometry(shownFirst, count, visibleRows, track);
  const drag = useRef<{ y: number; top: number } | null>(null);
  const onThumbDown = (e: ReactPointerEvent) => {
    e.preventDefault();
    e.stopPropagation();
    viewRef.current?.focus({ preventScroll: true });
    (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
    drag.current = { y: e.clientY, top: thumb.top };
  };
  const onThumbMove = (e: ReactPointerEvent) => {
    if (!drag.current) return;
    jumpTo(indexAtThumb(drag.current.top + e.clientY - drag.current.y, count, visibleRows, track, thumb.size));
  };
  const onTrackDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    // The keys go on working on the list after a click on its scrollbar.
    e.preventDefault();
    viewRef.current?.focus({ preventScroll: true });
    const rect = e.currentTarget.getBoundingClientRect();
    jumpTo(indexAtThumb(e.clientY - rect.top - thumb.size / 2, count, visibleRows, track, thumb.size));
  };

  const newLines = follow ? 0 : count - visible.positionOf(p.pausedAtEnd);
  const currentPos = p.target?.pos ?? Number.NaN;
  const onToggle = useCallback(
    (key: string) =>
      setExpanded((old) => {
        const next = new Set(old);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
    [],
  );
  const describeRun = useCallback((id: string, run: number) => book.runs.describe(id, run, formatTime), [book]);

  const rows = [];
  for (let i = first; i < last; i++) {
    const pos = visible.positionAt(i);
    const line = book.lineAt(source, pos);
    if (!line) {
      rows.push(<div key={`gone${pos}`} className="log-line log-gone" />);
      continue;
    }
    rows.push(
      // Keyed by line, not by slot: an element keeps showing its line while lines flow past (a
      // selection, a hovered link, a test's locator stay on it), at the price of new elements
      // for new lines.
      <LogRow
        key={line.key}
        line={line}
        showTimestamp={p.showTimestamps}
        showPrefix={p.showPrefix}
        query={p.query}
        current={pos === currentPos}
        expanded={expanded.has(line.key)}
        onToggle={onToggle}
        describeRun={describeRun}
      />,
    );
  }

  return (
    <div className="log-view-wrap">
      {source.dropped > 0 && (
        <div className="log-dropped" data-testid="log-dropped" role="note">
          {source.dropped.toLocaleString('en-US')} older lines dropped (the view keeps the newest {source.capacity.toLocaleString('en-US')})
        </div>
      )}
      {p.topNote && (
        <div className="log-top-note" data-testid="log-top-note" role="note">
          {p.topNote}
        </div>
      )}
      <div className="log-scroll">
        <div
          ref={viewRef}
          className={`log-view${p.wrap ? ' log-wrap' : ''}${fromBottom ? ' from-bottom' : ''}`}
          data-testid="log-view"
          data-lines={count}
          data-first={shownFirst}
          role="log"
          aria-label="Log output"
          aria-live="off"
          tabIndex={0}
          onKeyDown={onKeyDown}
        >
          {count === 0 && (
            <div className="log-empty">
              No output yet.{' '}
              {p.onReachTop && (
                <button type="button" onClick={p.onReachTop}>
                  Show stored lines
                </button>
              )}
            </div>
          )}
          <div ref={rowsRef} className="log-rows" style={fromBottom ? undefined : { marginTop: -topOffset }}>
            {rows}
          </div>
        </div>
        {count > visibleRows && (
          <div
            className="log-scrollbar"
            role="scrollbar"
            aria-label="Log position"
            aria-orientation="vertical"
            aria-valuemin={0}
            aria-valuemax={Math.max(0, count - visibleRows)}
            aria-valuenow={shownFirst}
            aria-controls="log-view"
            data-testid="log-scrollbar"
            onPointerDown={onTrackDown}
          >
            <div
              className="log-thumb"
              style={{ height: thumb.size, transform: `translateY(${thumb.top}px)` }}
              onPointerDown={onThumbDown}
              onPointerMove={onThumbMove}
              onPointerUp={() => (drag.current = null)}
              onPointerCancel={() => (drag.current = null)}
            />
          </div>
        )}
      </div>
      {!follow && (
        <button type="button" className="jump-latest" aria-label={`Jump to latest (${newLines} new)`} onClick={() => onFollowChange(true)}>
          Jump to latest ({newLines.toLocaleString('en-US')} new) ↓
        </button>
      )}
    </div>
  );
}
