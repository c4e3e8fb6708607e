import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index';
import { compileFilter } from './line-filter';
import { ALL_PROCESSES, LogBook } from './log-book';
import { linesToText, logFileName } from './log-export';

describe('log export', () => {
  it('writes the shown lines as plain text, without ANSI, with stderr and gaps marked', () => {
    const book = new LogBook();
    book.addOutput({ processId: 'web', data: '\x1b[31mred\x1b[0m', timestamp: '2026-11-30T12:00:00.000Z' });
    book.addOutput({ processId: 'db', data: 'oops', stream: 'stderr', timestamp: '2026-11-30T12:00:01.000Z' });
    book.addGap('web', true, '2026-11-30T12:00:02.000Z');
    book.commit();
    const all = new LineIndex(book.source(ALL_PROCESSES), null);
    expect(linesToText(book, all, { timestamps: false, prefix: true }).split('\n')).toEqual([
      'web | red',
      'db | [stderr] oops',
      expect.stringMatching(/^web \| --- gap: .* ---$/),
      '',
    ]);
    const stderrOnly = new LineIndex(book.source(ALL_PROCESSES), compileFilter({ text: '', regex: false, stream: 'stderr' }).predicate);
    stderrOnly.update();
    expect(linesToText(book, stderrOnly, { timestamps: true, prefix: false }).split('\n')[0]).toBe('2026-11-30T12:00:01.000Z [stderr] oops');
  });

  it('names the file after the view and the time', () => {
    expect(logFileName('web', new Date('2026-11-30T14:03:07.123Z'))).toBe('web-2026-11-30T14-03-07.log');
    expect(logFileName('a b/c', new Date(0))).toMatch(/^a_b_c-1970-01-01T00-00-00\.log$/);
  });
});
