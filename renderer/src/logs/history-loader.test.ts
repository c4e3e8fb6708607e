import { describe, expect, it, vi } from 'vitest';
import type { LogsReadParams } from '../../../shared/protocol/payloads/logs';
import { HistoryLoader } from './history-loader';
import { ALL_PROCESSES, LogBook } from './log-book';

const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, s)).toISOString();

describe('HistoryLoader', () => {
  it('waits for the hub replay to end, then asks for the page before the oldest held line', async () => {
    const book = new LogBook();
    const read = vi.fn(async (_p: LogsReadParams) => ({ lines: [], more: false }));
    const loader = new HistoryLoader(book, read, () => {});
    book.addOutput({ processId: 'web', data: 'replayed', timestamp: at(10) });
    book.replaying = true;
    expect(await loader.loadOlder('web')).toBe(0);
    expect(read).not.toHaveBeenCalled();
    book.replaying = false;
    await loader.loadOlder('web');
    expect(read).toHaveBeenCalledWith({ limit: 1000, processes: ['web'], before: new Date(Date.parse(at(10)) + 1).toISOString() });
    // `more: false`: the start of the history, never asked again.
    await loader.loadOlder('web');
    expect(read).toHaveBeenCalledTimes(1);
    expect(loader.state('web')).toBe('start');
  });

  it('asks an empty view for the newest page, and the merged view for every process', async () => {
    const book = new LogBook();
    const read = vi.fn(async (_p: LogsReadParams) => ({
      lines: [
        { process: 'a', run: 1, time: at(1), stream: 'stdout' as const, data: 'a1', cursor: 'ca' },
        { process: 'b', run: 1, time: at(2), stream: 'stdout' as const, data: 'b2', cursor: 'cb' },
      ],
      more: true,
    }));
    const loader = new HistoryLoader(book, read, () => {});
    const before = Date.now();
    expect(await loader.loadOlder(ALL_PROCESSES)).toBe(2);
    const asked = read.mock.calls[0]?.[0] as LogsReadParams;
    expect(asked.processes).toBeUndefined();
    expect(Date.parse(asked.before as string)).toBeGreaterThanOrEqual(before);
    expect(book.lines(ALL_PROCESSES).map((l) => l.text)).toEqual(['a1', 'b2']);
    // b's lines start after a's: b may have more stored between the two, asked for first.
    await loader.loadOlder(ALL_PROCESSES);
    expect(read.mock.calls[1]?.[0]).toMatchObject({ processes: ['b'], before: new Date(Date.parse(at(2)) + 1).toISOString() });
  });

  it("fills a process's hole in the merged view before going further back", async () => {
    const book = new LogBook();
    book.addOutput({ processId: 'quiet', data: 'q', timestamp: at(1) });
    book.addOutput({ processId: 'chatty', data: 'c held', timestamp: at(30) });
    const read = vi.fn(async (p: LogsReadParams) =>
      p.processes?.[0] === 'chatty'
        ? { lines: [{ process: 'chatty', run: 1, time: at(20), stream: 'stdout' as const, data: 'c stored', cursor: 'c20' }], more: false }
        : { lines: [], more: false },
    );
    const loader = new HistoryLoader(book, read, () => {});
    await loader.loadOlder(ALL_PROCESSES);
    expect(read.mock.calls[0]?.[0]).toMatchObject({ processes: ['chatty'] });
    expect(book.lines(ALL_PROCESSES).map((l) => l.text)).toEqual(['q', 'c stored', 'c held']);
    // No hole left: the next page goes before the merged view's oldest line, for every process.
    await loader.loadOlder(ALL_PROCESSES);
    expect(read.mock.calls[1]?.[0]).toMatchObject({ before: new Date(Date.parse(at(1)) + 1).toISOString() });
    expect(read.mock.calls[1]?.[0]?.processes).toBeUndefined();
  });
});
