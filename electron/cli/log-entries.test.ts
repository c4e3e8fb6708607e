import { describe, expect, it } from 'vitest';
import { collapseProgress, mergeByTime, type LogEntry } from './log-entries';

const e = (process: string, time: number, data: string): LogEntry => ({ process, time, stream: 'stdout', data });

describe('mergeByTime', () => {
  it('merges in time order and keeps each list\'s own order, even where its clock went back', () => {
    const a = [e('a', 1, 'a1'), e('a', 5, 'a2'), e('a', 3, 'a3')];
    const b = [e('b', 2, 'b1'), e('b', 4, 'b2')];
    expect(mergeByTime([a, b]).map((x) => x.data)).toEqual(['a1', 'b1', 'b2', 'a2', 'a3']);
  });

  it('on equal times the earlier list first; unknown times never reorder a list', () => {
    expect(mergeByTime([[e('a', 1, 'a1')], [e('b', 1, 'b1')]]).map((x) => x.data)).toEqual(['a1', 'b1']);
    expect(mergeByTime([[e('a', NaN, 'a1'), e('a', 9, 'a2')], [e('b', 5, 'b1')]]).map((x) => x.data)).toEqual(['a1', 'b1', 'a2']);
  });
});

describe('collapseProgress', () => {
  it('a \\r line replaces the previous line of its own process only', () => {
    const out = collapseProgress([e('a', 1, '0%'), e('b', 2, 'b'), e('a', 3, '\r50%'), e('a', 4, '\r100%'), e('b', 5, '\rfirst of b after')]);
    expect(out.map((x) => `${x.process}:${x.data}`)).toEqual(['a:100%', 'b:first of b after']);
    expect(collapseProgress([e('a', 1, '\rstands alone')]).map((x) => x.data)).toEqual(['stands alone']);
  });
});
