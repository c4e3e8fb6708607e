import { describe, expect, it } from 'vitest';
import { drawnRange, indexAtThumb, moveAnchor, rowsInView, rowsToDraw, thumbGeometry, ROW_HEIGHT } from './scroll-model';

const VIEW = ROW_HEIGHT * 10;
const fixed = () => ROW_HEIGHT;

describe('scroll model', () => {
  it('draws a screenful from the anchor, or the last rows from the bottom', () => {
    expect(rowsToDraw(VIEW)).toBe(12);
    expect(drawnRange({ kind: 'bottom' }, 1_000_000, VIEW)).toEqual({ first: 1_000_000 - 12, fromBottom: true });
    expect(drawnRange({ kind: 'top', index: 500_000, offset: 0 }, 1_000_000, VIEW)).toEqual({ first: 500_000, fromBottom: false });
    // Too close to the end to fill the view: show the end.
    expect(drawnRange({ kind: 'top', index: 999_995, offset: 0 }, 1_000_000, VIEW).fromBottom).toBe(true);
  });

  it('moves by pixels through rows of their measured heights', () => {
    const tall = (i: number) => (i === 5 ? ROW_HEIGHT * 3 : ROW_HEIGHT);
    expect(moveAnchor({ index: 4, offset: 0 }, ROW_HEIGHT, 100, VIEW, tall)).toEqual({ index: 5, offset: 0 });
    expect(moveAnchor({ index: 5, offset: 0 }, ROW_HEIGHT * 2, 100, VIEW, tall)).toEqual({ index: 5, offset: ROW_HEIGHT * 2 });
    expect(moveAnchor({ index: 6, offset: 0 }, -ROW_HEIGHT, 100, VIEW, tall)).toEqual({ index: 5, offset: ROW_HEIGHT * 2 });
    expect(moveAnchor({ index: 2, offset: 0 }, -ROW_HEIGHT * 5, 100, VIEW, fixed)).toEqual({ index: 0, offset: 0 });
  });

  it('says when a move reaches the end or pushes against the top', () => {
    expect(moveAnchor({ index: 80, offset: 0 }, ROW_HEIGHT * 50, 100, VIEW, fixed)).toBe('end');
    expect(moveAnchor({ index: 0, offset: 0 }, -ROW_HEIGHT, 100, VIEW, fixed)).toBe('top');
  });

  it('moves far without walking every row', () => {
    expect(moveAnchor({ index: 0, offset: 0 }, ROW_HEIGHT * 400_000, 1_000_000, VIEW, fixed)).toEqual({ index: 400_000, offset: 0 });
  });

  it('maps the thumb to rows and back, over a million rows', () => {
    const visible = rowsInView(VIEW);
    const track = 600;
    const t = thumbGeometry(500_000, 1_000_000, visible, track);
    expect(t.size).toBe(24);
    expect(indexAtThumb(t.top, 1_000_000, visible, track, t.size)).toBeCloseTo(500_000, -2);
    expect(indexAtThumb(track, 1_000_000, visible, track, t.size)).toBe(1_000_000 - visible);
    expect(thumbGeometry(0, 5, visible, track)).toEqual({ size: track, top: 0 });
  });
});
