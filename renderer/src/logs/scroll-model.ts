/**
 * Where the log view stands, as a line rather than a pixel: browsers cap an element's height
 * (Chromium at 33,554,428 px, 1.8 M rows of 18 px; Firefox near half that), so the view never
 * builds one tall element. It draws the rows from an anchor line down (or the last rows up from
 * the bottom while following) and moves the anchor by the heights of the rows it drew; rows are
 * at least {@link ROW_HEIGHT} high (wrapped and expanded ones more), so a screenful of rows
 * always fills the view. Pure functions: the component feeds them heights and counts.
 */

/** Height of one unwrapped row in pixels; the CSS uses the same value. */
export const ROW_HEIGHT = 18;

/** The view's position: following the end, or a line at the top (`offset` pixels of it scrolled out). */
export type Anchor = { kind: 'bottom' } | { kind: 'top'; index: number; offset: number };

/** How many rows to draw for a view of `height` pixels: enough to fill it whatever the row heights. */
export function rowsToDraw(height: number): number {
  return Math.ceil(Math.max(height, ROW_HEIGHT) / ROW_HEIGHT) + 2;
}

/** Rows fully visible in a view of `height` pixels when unwrapped. */
export function rowsInView(height: number): number {
  return Math.max(1, Math.floor(height / ROW_HEIGHT));
}

/** The first row to draw, and whether the rows are drawn from the bottom of the view up. */
export function drawnRange(anchor: Anchor, count: number, viewHeight: number): { first: number; fromBottom: boolean } {
  const need = rowsToDraw(viewHeight);
  if (anchor.kind === 'bottom') return { first: Math.max(0, count - need), fromBottom: true };
  // So close to the end that the rows would not reach the bottom: show the end, without following.
  if (anchor.index > count - rowsInView(viewHeight)) return { first: Math.max(0, count - need), fromBottom: true };
  return { first: Math.max(0, Math.min(anchor.index, count - 1)), fromBottom: false };
}

/**
 * Move a top anchor by `delta` pixels (down when positive), with `height(i)` the height of row i
 * (the drawn rows' measured heights, {@link ROW_HEIGHT} for the others). Returns the new anchor,
 * 'end' when it moved past the last screenful, or 'top' when it tried to move above row 0.
 */
export function moveAnchor(
  anchor: { index: number; offset: number },
  delta: number,
  count: number,
  viewHeight: number,
  height: (i: number) => number,
): { index: number; offset: number } | 'end' | 'top' {
  let index = Math.max(0, Math.min(anchor.index, Math.max(0, count - 1)));
  let offset = anchor.offset + delta;
  // Whole screenfuls of unmeasured rows at once: a drag across a million rows must not walk them.
  if (Math.abs(offset) > viewHeight * 4) {
    const rows = Math.trunc(offset / ROW_HEIGHT);
    index += rows;
    offset -= rows * ROW_HEIGHT;
  }
  while (offset < 0 && index > 0) {
    index--;
    offset += height(index);
  }
  if (index <= 0 && offset < 0) return delta < 0 && anchor.index === 0 && anchor.offset <= 0 ? 'top' : { index: 0, offset: 0 };
  while (index < count && offset >= height(index)) {
    offset -= height(index);
    index++;
  }
  if (index > count - rowsInView(viewHeight)) return 'end';
  return { index, offset };
}

/** The thumb's size and place on a track of `track` pixels, for `first` of `count` rows with `visible` in view. */
export function thumbGeometry(first: number, count: number, visible: number, track: number): { size: number; top: number } {
  if (count <= visible) return { size: track, top: 0 };
  const size = Math.max(24, Math.min(track, (track * visible) / count));
  const fraction = Math.max(0, Math.min(1, first / (count - visible)));
  return { size, top: fraction * (track - size) };
}

/** The first row for a thumb dragged or clicked to `top` pixels on the track. */
export function indexAtThumb(top: number, count: number, visible: number, track: number, size: number): number {
  if (count <= visible || track <= size) return 0;
  const fraction = Math.max(0, Math.min(1, top / (track - size)));
  return Math.round(fraction * (count - visible));
}
