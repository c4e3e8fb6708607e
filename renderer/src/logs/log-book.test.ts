import { describe, expect, it } from 'vitest';
import { ALL_PROCESSES, LogBook } from './log-book';
import { CHUNK_LINES, LineStore } from './line-store';

const texts = (book: LogBook, id: string) => book.lines(id).map((l) => l.text);
const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, s)).toISOString();

describe('LineStore', () => {
  it('keeps the newest lines up to its capacity across chunks and counts what it dropped', () => {
    const store = new LineStore(CHUNK_LINES * 2 + 10);
    const n = CHUNK_LINES * 3 + 5;
    for (let i = 0; i < n; i++) store.append(`line ${i}`, { stream: i % 2 ? 'stderr' : 'stdout', kind: 'out', time: i, level: i % 3 === 0 ? 'warn' : undefined });
    expect(store.length).toBe(CHUNK_LINES * 2 + 10);
    expect(store.dropped).toBe(n - store.length);
    expect(store.text(store.start)).toBe(`line ${store.start}`);
    expect(store.text(n - 1)).toBe(`line ${n - 1}`);
    expect(store.stream(n - 1)).toBe((n - 1) % 2 ? 'stderr' : 'stdout');
    expect(store.time(CHUNK_LINES + 7)).toBe(CHUNK_LINES + 7);
    expect(store.has(store.start - 1)).toBe(false);
    expect(store.text(store.start - 1)).toBe('');
    // Level counts follow the drops.
    let warn = 0;
    for (let abs = store.start; abs < store.end; abs++) if (store.level(abs) === 'warn') warn++;
    expect(store.levelCounts[2]).toBe(warn);
    expect(store.lowerBoundTime(CHUNK_LINES * 2 + 3.5)).toBe(CHUNK_LINES * 2 + 4);
  });

  it('keeps text exactly, escapes, newlines and non-Latin-1 characters included', () => {
    const store = new LineStore(CHUNK_LINES * 2);
    const odd = ['\x1b[31mred\x1b[0m', 'a\nb', '', 'ünïcödé ✓ 日本 🚀', ' trailing '];
    for (let i = 0; i < CHUNK_LINES + 5; i++) store.append(odd[i % odd.length] as string, { stream: 'stdout', kind: 'out', time: 0 });
    const wrong = Array.from({ length: CHUNK_LINES + 5 }, (_, i) => i).filter((i) => store.text(i) !== odd[i % odd.length]);
    expect(wrong).toEqual([]);
    expect(store.plain(0)).toBe('red');
  });

  it('rejects a nonsensical capacity', () => {
    expect(() => new LineStore(0)).toThrow(RangeError);
  });
});

describe('LogBook', () => {
  it('caps lines per process and counts the dropped ones', () => {
    const book = new LogBook({ maxLines: 100 });
    for (let i = 0; i < 250; i++) book.addOutput({ processId: 'web', data: `line ${i}` });
    book.commit();
    expect(book.lines('web')).toHaveLength(100);
    expect(book.source('web').dropped).toBe(150);
    expect(texts(book, 'web')[0]).toBe('line 150');
    expect(book.lines(ALL_PROCESSES)).toHaveLength(100);
  });

  it('keeps all processes within the total budget by trimming the one that holds most', () => {
    const book = new LogBook({ maxLines: 2000, maxTotalLines: 1200 });
    for (let i = 0; i < 100; i++) book.addOutput({ processId: 'quiet', data: `q${i}` });
    for (let i = 0; i < 1000; i++) book.addOutput({ processId: 'chatty', data: `c${i}` });
    book.commit();
    for (let i = 0; i < 500; i++) book.addOutput({ processId: 'chatty', data: `c${1000 + i}` });
    book.commit();
    expect(book.lines('quiet')).toHaveLength(100);
    expect(book.lines('chatty')).toHaveLength(1100);
    expect(book.lines(ALL_PROCESSES)).toHaveLength(1200);
  });

  it('replaces the previous line of the same process for a line starting with \\r', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'build', data: 'compiling', timestamp: at(1) });
    book.addOutput({ processId: 'build', data: '\r 10%', timestamp: at(2) });
    book.addOutput({ processId: 'web', data: 'listening', timestamp: at(3) });
    book.addOutput({ processId: 'build', data: '\r 50%', timestamp: at(4) });
    book.addOutput({ processId: 'build', data: '\r\x1b[32m100%\x1b[0m', timestamp: at(5) });
    book.commit();
    expect(texts(book, 'build')).toEqual(['\x1b[32m100%\x1b[0m']);
    // The merged view replaces in place too, keeping the other process's line after it.
    expect(texts(book, ALL_PROCESSES)).toEqual(['\x1b[32m100%\x1b[0m', 'listening']);
  });

  it('keeps the row key across \\r replacement and appends when there is nothing to replace', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'p', data: '\rfirst' });
    const key = book.lines('p')[0]?.key;
    book.addOutput({ processId: 'p', data: '\rsecond' });
    expect(book.lines('p')).toHaveLength(1);
    expect(book.lines('p')[0]).toMatchObject({ key, text: 'second' });
  });

  it('does not let a \\r line overwrite a gap mark', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'p', data: 'a' });
    book.addGap('p');
    book.addOutput({ processId: 'p', data: '\rb' });
    expect(book.lines('p').map((l) => l.kind)).toEqual(['out', 'gap', 'out']);
  });

  it('merges processes in time order, a late replay too, with a stable order for equal times', () => {
    const book = new LogBook();
    // The replay of one process arrives in one block, then the other's.
    for (const s of [1, 3, 5]) book.addOutput({ processId: 'web', data: `web ${s}`, timestamp: at(s) });
    book.commit();
    for (const s of [2, 3, 4, 6]) book.addOutput({ processId: 'db', data: `db ${s}`, timestamp: at(s) });
    book.commit();
    expect(texts(book, ALL_PROCESSES)).toEqual(['web 1', 'db 2', 'db 3', 'web 3', 'db 4', 'web 5', 'db 6']);
    book.addOutput({ processId: 'web', data: 'web 7', timestamp: at(7) });
    book.commit();
    expect(texts(book, ALL_PROCESSES).at(-1)).toBe('web 7');
  });

  it('puts stored history in front, leaving out what it already holds, with run separators', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'web', data: 'held', timestamp: at(10) });
    book.commit();
    const added = book.prependHistory(
      [
        { process: 'web', run: 1, time: at(1), stream: 'stdout', data: 'run 1 line' },
        { process: 'web', run: 2, time: at(5), stream: 'stderr', level: 'error', data: 'run 2 line' },
        { process: 'web', run: 2, time: at(10), stream: 'stdout', data: 'held' },
      ],
      [
        { process: 'web', run: 1, startedAt: at(0), endedAt: at(2), exitCode: 1, lines: 1 },
        { process: 'web', run: 2, startedAt: at(4), lines: 2 },
      ],
    );
    expect(added).toBe(4);
    const lines = book.lines('web');
    expect(lines.map((l) => l.kind)).toEqual(['run', 'out', 'run', 'out', 'out']);
    expect(lines[3]).toMatchObject({ text: 'run 2 line', level: 'error', stream: 'stderr', run: 2 });
    expect(book.runs.describe('web', 1, () => 'T')).toBe('run 1 · started T · exited 1');
    expect(texts(book, ALL_PROCESSES)).toEqual(['', 'run 1 line', '', 'run 2 line', 'held']);
  });

  it('adds a run separator when a status starts a new run', () => {
    const book = new LogBook();
    book.addStatus('web', 'web running', at(1), { status: 'running', run: 3 });
    book.addOutput({ processId: 'web', data: 'hello', timestamp: at(2) });
    book.addStatus('web', 'web exited (code 1)', at(3), { status: 'exited', run: 3, exitCode: 1 });
    book.commit();
    expect(book.lines('web').map((l) => [l.kind, l.run])).toEqual([
      ['run', 3],
      ['status', 3],
      ['out', 3],
      ['status', 3],
    ]);
    expect(book.runs.describe('web', 3, () => 'T')).toBe('run 3 · started T · exited 1');
  });

  it('marks gaps in the log of that process only', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'a', data: 'one' });
    book.addGap('a');
    expect(book.lines('a').at(-1)?.kind).toBe('gap');
    expect(book.lines('a').at(-1)?.text).toMatch(/could not be recovered/);
    expect(book.lines('b')).toHaveLength(0);
  });

  it('clears one view', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'a', data: 'one' });
    book.addOutput({ processId: 'b', data: 'two' });
    book.commit();
    book.clear('a');
    expect(book.lines('a')).toHaveLength(0);
    expect(texts(book, ALL_PROCESSES)).toEqual(['two']);
    book.clear(ALL_PROCESSES);
    expect(book.lines(ALL_PROCESSES)).toHaveLength(0);
  });
});
