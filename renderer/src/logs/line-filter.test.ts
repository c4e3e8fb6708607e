import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index';
import { LineRing } from './line-ring';
import { compileFilter, findMatches } from './line-filter';
import { stripAnsi, type LogLine } from './log-line';

let id = 0;
const line = (text: string, stream: LogLine['stream'] = 'stdout', kind: LogLine['kind'] = 'out'): LogLine => ({
  id: ++id, processId: 'p', text, plain: stripAnsi(text), stream, timestamp: '2026-11-30T12:00:00.000Z', kind,
});

describe('compileFilter', () => {
  const lines = [line('GET /api 200'), line('\x1b[31mERROR\x1b[0m db down', 'stderr'), line('get /health 200'), line('gap', 'system', 'gap')];
  const keep = (spec: Parameters<typeof compileFilter>[0]) => {
    const { predicate } = compileFilter(spec);
    return lines.filter((l) => (predicate ? predicate(l) : true)).map((l) => l.plain);
  };

  it('keeps everything without text and with both streams', () => {
    expect(compileFilter({ text: '', regex: false, stream: 'both' }).predicate).toBeNull();
  });

  it('filters by text, case-insensitively, on the text without ANSI', () => {
    expect(keep({ text: 'get', regex: false, stream: 'both' })).toEqual(['GET /api 200', 'get /health 200', 'gap']);
    expect(keep({ text: 'error db', regex: false, stream: 'both' })).toEqual(['ERROR db down', 'gap']);
    // The escape codes are not part of the searchable text.
    expect(keep({ text: '31m', regex: false, stream: 'both' })).toEqual(['gap']);
  });

  it('filters by regular expression', () => {
    expect(keep({ text: '^get /(api|x)', regex: true, stream: 'both' })).toEqual(['GET /api 200', 'gap']);
  });

  it('filters by stream, always keeping gap marks', () => {
    expect(keep({ text: '', regex: false, stream: 'stderr' })).toEqual(['ERROR db down', 'gap']);
    expect(keep({ text: '', regex: false, stream: 'stdout' })).toEqual(['GET /api 200', 'get /health 200', 'gap']);
  });

  it('reports an invalid regular expression instead of throwing', () => {
    const c = compileFilter({ text: '(', regex: true, stream: 'both' });
    expect(c.error).toBeTruthy();
  });
});

describe('findMatches', () => {
  it('finds every non-overlapping match, case-insensitively', () => {
    expect(findMatches('Error: error!', 'error')).toEqual([{ start: 0, end: 5 }, { start: 7, end: 12 }]);
    expect(findMatches('aaaa', 'aa')).toEqual([{ start: 0, end: 2 }, { start: 2, end: 4 }]);
    expect(findMatches('abc', '')).toEqual([]);
  });
});

describe('LineIndex', () => {
  it('follows appends, drops and \\r replacements incrementally', () => {
    const ring = new LineRing<LogLine>(5);
    const index = new LineIndex(ring, (l) => l.plain.includes('x'));
    ring.push(line('x1'));
    ring.push(line('y'));
    ring.push(line('x2'));
    index.update();
    expect(index.length).toBe(2);
    expect(index.at(1)?.plain).toBe('x2');
    ring.replace(1, line('x-replaced'));
    ring.replace(2, line('no'));
    index.update();
    expect([0, 1].map((i) => index.at(i)?.plain)).toEqual(['x1', 'x-replaced']);
    for (let i = 0; i < 4; i++) ring.push(line(`x${i + 10}`));
    index.update();
    // Capacity 5: the first two are gone, and so are their indices.
    expect(ring.start).toBe(2);
    expect(index.length).toBe(4);
    expect(index.at(0)?.plain).toBe('x10');
    expect(index.positionOf(ring.end - 1)).toBe(3);
    // x1 and x-replaced left the front: a paused view scrolls up by two rows.
    expect(index.trimmed).toBe(2);
  });

  it('is the identity without a predicate', () => {
    const ring = new LineRing<LogLine>(3);
    for (let i = 0; i < 5; i++) ring.push(line(String(i)));
    const index = new LineIndex(ring, null);
    expect(index.length).toBe(3);
    expect(index.at(0)?.plain).toBe('2');
  });
});
