import { describe, expect, it } from 'vitest';
import { LineRing } from './line-ring';
import { ALL_PROCESSES, LogBook } from './log-book';

const texts = (book: LogBook, id: string) => book.ring(id).toArray().map((l) => l.text);

describe('LineRing', () => {
  it('keeps the newest items up to its capacity and counts what it dropped', () => {
    const ring = new LineRing<number>(3);
    for (let i = 0; i < 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([2, 3, 4]);
    expect(ring.dropped).toBe(2);
    expect(ring.start).toBe(2);
    expect(ring.at(1)).toBeUndefined();
    expect(ring.at(4)).toBe(4);
  });

  it('reports replacements so incremental views can catch up', () => {
    const ring = new LineRing<string>(4);
    ring.push('a');
    ring.push('b');
    const gen = ring.replaceGeneration;
    expect(ring.replace(1, 'B')).toBe(true);
    expect(ring.replacedSince(gen)).toEqual([1]);
    expect(ring.toArray()).toEqual(['a', 'B']);
  });

  it('rejects a nonsensical capacity', () => {
    expect(() => new LineRing(0)).toThrow(RangeError);
  });
});

describe('LogBook', () => {
  it('caps lines per process and counts the dropped ones', () => {
    const book = new LogBook({ maxLines: 100 });
    for (let i = 0; i < 250; i++) book.addOutput({ processId: 'web', data: `line ${i}` });
    const ring = book.ring('web');
    expect(ring.length).toBe(100);
    expect(ring.dropped).toBe(150);
    expect(texts(book, 'web')[0]).toBe('line 150');
    expect(book.ring(ALL_PROCESSES).length).toBe(100);
  });

  it('replaces the previous line of the same process for a line starting with \\r', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'build', data: 'compiling' });
    book.addOutput({ processId: 'build', data: '\r 10%' });
    book.addOutput({ processId: 'web', data: 'listening' });
    book.addOutput({ processId: 'build', data: '\r 50%' });
    book.addOutput({ processId: 'build', data: '\r\x1b[32m100%\x1b[0m' });
    expect(texts(book, 'build')).toEqual(['\x1b[32m100%\x1b[0m']);
    expect(book.ring('build').at(0)?.plain).toBe('100%');
    // The merged view replaces in place too, keeping the other process's line after it.
    expect(texts(book, ALL_PROCESSES)).toEqual(['\x1b[32m100%\x1b[0m', 'listening']);
  });

  it('keeps the row id across \\r replacement and appends when there is nothing to replace', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'p', data: '\rfirst' });
    const id = book.ring('p').at(0)?.id;
    book.addOutput({ processId: 'p', data: '\rsecond' });
    expect(book.ring('p').length).toBe(1);
    expect(book.ring('p').at(0)?.id).toBe(id);
    expect(book.ring('p').at(0)?.text).toBe('second');
  });

  it('does not let a \\r line overwrite a gap mark', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'p', data: 'a' });
    book.addGap('p');
    book.addOutput({ processId: 'p', data: '\rb' });
    expect(book.ring('p').toArray().map((l) => l.kind)).toEqual(['out', 'gap', 'out']);
  });

  it('marks gaps in the log of that process only', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'a', data: 'one' });
    book.addGap('a');
    expect(book.ring('a').last()?.kind).toBe('gap');
    expect(book.ring('a').last()?.text).toMatch(/could not be recovered/);
    expect(book.ring('b').length).toBe(0);
  });

  it('clears one view', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'a', data: 'one' });
    book.clear('a');
    expect(book.ring('a').length).toBe(0);
    book.clear(ALL_PROCESSES);
    expect(book.ring(ALL_PROCESSES).length).toBe(0);
  });
});
