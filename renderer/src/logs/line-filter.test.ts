import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index';
import { compileFilter, fieldTerms, findMatches, type FilterSpec } from './line-filter';
import { LineStore } from './line-store';
import { StoreSource } from './log-source';
import type { Level } from '../../../shared/protocol/payloads/logs';

const T0 = Date.parse('2026-11-30T12:00:00.000Z');

function storeOf(lines: Array<[string, ('stdout' | 'stderr' | 'system')?, ('out' | 'gap')?, Level?]>): LineStore {
  const store = new LineStore(100);
  lines.forEach(([text, stream = 'stdout', kind = 'out', level], i) => store.append(text, { stream, kind, time: T0 + i * 1000, level }));
  return store;
}

describe('compileFilter', () => {
  const store = storeOf([['GET /api 200'], ['\x1b[31mERROR\x1b[0m db down', 'stderr', 'out', 'error'], ['get /health 200', 'stdout', 'out', 'info'], ['gap', 'system', 'gap']]);
  const keep = (spec: Partial<FilterSpec>) => {
    const { predicate } = compileFilter({ text: '', regex: false, stream: 'both', ...spec });
    const out: string[] = [];
    for (let abs = store.start; abs < store.end; abs++) if (!predicate || predicate(store, abs)) out.push(store.plain(abs));
    return out;
  };

  it('keeps everything without text, with both streams, every level and no time range', () => {
    expect(compileFilter({ text: '', regex: false, stream: 'both', levels: [] }).predicate).toBeNull();
  });

  it('filters by text, case-insensitively, on the text without ANSI', () => {
    expect(keep({ text: 'get' })).toEqual(['GET /api 200', 'get /health 200', 'gap']);
    expect(keep({ text: 'error db' })).toEqual(['ERROR db down', 'gap']);
    // The escape codes are not part of the searchable text.
    expect(keep({ text: '31m' })).toEqual(['gap']);
  });

  it('filters by regular expression', () => {
    expect(keep({ text: '^get /(api|x)', regex: true })).toEqual(['GET /api 200', 'gap']);
  });

  it('filters by stream, always keeping gap marks', () => {
    expect(keep({ stream: 'stderr' })).toEqual(['ERROR db down', 'gap']);
    expect(keep({ stream: 'stdout' })).toEqual(['GET /api 200', 'get /health 200', 'gap']);
  });

  it('filters by level chips; lines without a level are hidden while a chip is on', () => {
    expect(keep({ levels: ['error'] })).toEqual(['ERROR db down', 'gap']);
    expect(keep({ levels: ['error', 'info'] })).toEqual(['ERROR db down', 'get /health 200', 'gap']);
  });

  it('filters by time range, inclusive', () => {
    expect(keep({ from: T0 + 1000, to: T0 + 2000 })).toEqual(['ERROR db down', 'get /health 200']);
  });

  it('reports an invalid regular expression instead of throwing', () => {
    const c = compileFilter({ text: '(', regex: true, stream: 'both' });
    expect(c.error).toBeTruthy();
  });
});

describe('field filters', () => {
  const store = storeOf([
    ['{"level":"info","msg":"GET /a","status":200}'],
    ['{"level":"error","msg":"GET /b","status":500,"req":{"method":"POST"}}'],
    ['method=GET status=500 path=/c'],
    ['the status=5000 is not 500'],
    ['status 500 in prose'],
  ]);
  const keep = (text: string) => {
    const { predicate } = compileFilter({ text, regex: false, stream: 'both' });
    const out: number[] = [];
    for (let abs = store.start; abs < store.end; abs++) if (!predicate || predicate(store, abs)) out.push(abs);
    return out;
  };

  it('reads key=value terms only when every term is one', () => {
    expect(fieldTerms('status=500 method=GET')).toEqual([
      { key: 'status', value: '500' },
      { key: 'method', value: 'GET' },
    ]);
    expect(fieldTerms('status=500 oops')).toBeNull();
  });

  it('matches a JSON field or a logfmt pair equal to the value', () => {
    expect(keep('status=500')).toEqual([1, 2]);
    expect(keep('req.method=post')).toEqual([1]);
    expect(keep('status=500 method=GET')).toEqual([2]);
  });
});

describe('findMatches', () => {
  it('finds every non-overlapping match, case-insensitively, up to a limit', () => {
    expect(findMatches('Error: error!', 'error')).toEqual([
      { start: 0, end: 5 },
      { start: 7, end: 12 },
    ]);
    expect(findMatches('aaaa', 'aa')).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
    ]);
    expect(findMatches('abc', '')).toEqual([]);
    expect(findMatches('a'.repeat(10_000), 'a')).toHaveLength(100);
  });
});

describe('LineIndex', () => {
  it('follows appends, drops and \\r replacements incrementally', () => {
    const store = new LineStore(5);
    const source = new StoreSource(store, 0, 'p');
    const add = (t: string) => store.append(t, { stream: 'stdout', kind: 'out', time: T0 });
    const index = new LineIndex(source, (s, abs) => s.plain(abs).includes('x'));
    add('x1');
    add('y');
    add('x2');
    index.update();
    expect(index.length).toBe(2);
    expect(store.plain(index.positionAt(1))).toBe('x2');
    store.replaceLast('no', { stream: 'stdout' });
    index.update();
    expect(index.length).toBe(1);
    store.replaceLast('x-again', { stream: 'stdout' });
    index.update();
    expect([0, 1].map((i) => store.plain(index.positionAt(i)))).toEqual(['x1', 'x-again']);
    for (let i = 0; i < 4; i++) add(`x${i + 10}`);
    index.update();
    // Capacity 5: the first two are gone, and so are their indices.
    expect(store.start).toBe(2);
    expect(index.length).toBe(5);
    expect(store.plain(index.positionAt(0))).toBe('x-again');
    expect(index.positionOf(store.end - 1)).toBe(4);
  });

  it('works in slices until a deadline and reports when it is complete', () => {
    const store = new LineStore(100_000);
    for (let i = 0; i < 50_000; i++) store.append(i === 40_000 ? 'needle' : `hay ${i}`, { stream: 'stdout', kind: 'out', time: T0 });
    const index = new LineIndex(new StoreSource(store, 0, 'p'), (s, abs) => s.plain(abs) === 'needle');
    // A deadline in the past: one slice of work, then it stops.
    expect(index.update(0)).toBe(false);
    expect(index.complete).toBe(false);
    expect(index.progress).toBeGreaterThan(0);
    expect(index.progress).toBeLessThan(1);
    while (!index.update(0));
    expect(index.length).toBe(1);
    expect(index.positionAt(0)).toBe(40_000);
  });

  it('puts older history loaded in front before what it had', () => {
    const store = new LineStore(100);
    for (let i = 0; i < 3; i++) store.append(`x new ${i}`, { stream: 'stdout', kind: 'out', time: T0 + i });
    const index = new LineIndex(new StoreSource(store, 0, 'p'), (s, abs) => s.plain(abs).startsWith('x'));
    index.update();
    store.prepend([
      { text: 'x old 0', fields: { stream: 'stdout', kind: 'out', time: T0 - 2 } },
      { text: 'y old 1', fields: { stream: 'stdout', kind: 'out', time: T0 - 1 } },
    ]);
    index.update();
    expect(Array.from({ length: index.length }, (_, i) => store.plain(index.positionAt(i)))).toEqual(['x old 0', 'x new 0', 'x new 1', 'x new 2']);
  });

  it('is the identity without a predicate', () => {
    const store = new LineStore(3);
    for (let i = 0; i < 5; i++) store.append(String(i), { stream: 'stdout', kind: 'out', time: T0 });
    const index = new LineIndex(new StoreSource(store, 0, 'p'), null);
    expect(index.length).toBe(3);
    expect(store.plain(index.positionAt(0))).toBe('2');
  });
});
