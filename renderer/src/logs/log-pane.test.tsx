// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeLayout, renderDashboard } from '../test-support/render-dashboard';
import { ALL_PROCESSES } from './log-book';
import { LogPane } from './log-pane';
import type { DashboardActions } from '../dashboard-actions';
import type { LogLine as StoredLine, LogsReadParams, LogsSearchParams } from '../../../shared/protocol/payloads/logs';

const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, s)).toISOString();

beforeAll(() => fakeLayout());
afterEach(cleanup);

const lines = () => screen.queryAllByTestId('log-line').map((el) => el.textContent);

function setup(selected = 'web', maxLines = 1000, actions: Partial<DashboardActions> = {}) {
  const r = renderDashboard({ selected }, <LogPane />, maxLines, actions);
  const add = (fn: () => void) => act(() => {
    fn();
    r.book.commit();
    r.store.getState().bumpLogs();
  });
  return { ...r, add };
}

describe('LogPane', () => {
  it('shows lines with stderr marked and updates when a batch is applied', () => {
    const { book, add } = setup();
    expect(lines()).toEqual([]);
    add(() => {
      book.addOutput({ processId: 'web', data: 'hello' });
      book.addOutput({ processId: 'web', data: 'boom', stream: 'stderr' });
    });
    const rows = screen.getAllByTestId('log-line');
    expect(rows.map((r) => r.dataset.stream)).toEqual(['stdout', 'stderr']);
    expect(rows[1]?.className).toContain('log-stderr');
    expect(screen.getAllByTestId('log-text').map((t) => t.textContent)).toEqual(['hello', 'boom']);
  });

  it('replaces a progress line in place', () => {
    const { book, add } = setup();
    add(() => {
      book.addOutput({ processId: 'web', data: 'download  0%' });
      book.addOutput({ processId: 'web', data: '\rdownload 50%' });
      book.addOutput({ processId: 'web', data: '\rdownload 99%' });
    });
    expect(lines()).toEqual(['download 99%']);
  });

  it('shows how many older lines were dropped', () => {
    const { book, add } = setup('web', 100);
    add(() => {
      for (let i = 0; i < 250; i++) book.addOutput({ processId: 'web', data: `l${i}` });
    });
    expect(screen.getByTestId('log-dropped').textContent).toMatch(/^150 older lines dropped/);
  });

  it('shows a gap mark', () => {
    const { book, add } = setup();
    add(() => {
      book.addOutput({ processId: 'web', data: 'before' });
      book.addGap('web');
      book.addOutput({ processId: 'web', data: 'after' });
    });
    expect(screen.getByTestId('log-gap').textContent).toMatch(/could not be recovered/);
  });

  it('filters by stream and by text', () => {
    const { book, add } = setup();
    add(() => {
      book.addOutput({ processId: 'web', data: 'GET /a' });
      book.addOutput({ processId: 'web', data: 'warn: slow', stream: 'stderr' });
      book.addOutput({ processId: 'web', data: 'GET /b' });
    });
    fireEvent.change(screen.getByRole('combobox', { name: 'Stream filter' }), { target: { value: 'stderr' } });
    expect(lines()).toEqual(['stderr: warn: slow']);
    fireEvent.change(screen.getByRole('combobox', { name: 'Stream filter' }), { target: { value: 'both' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter lines' }), { target: { value: '/b$' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Regular expression' }));
    expect(lines()).toEqual(['GET /b']);
    // New lines pass through the same filter as they arrive.
    add(() => book.addOutput({ processId: 'web', data: 'POST /b' }));
    expect(lines()).toEqual(['GET /b', 'POST /b']);
  });

  it('highlights search matches and steps through them', () => {
    const { book, add } = setup();
    add(() => {
      for (const t of ['alpha', 'beta', 'alpha beta', 'gamma']) book.addOutput({ processId: 'web', data: t });
    });
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search logs' }), { target: { value: 'beta' } });
    expect(screen.getByTestId('search-count').textContent).toBe('2 matches');
    expect(document.querySelectorAll('mark.search-hit')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByTestId('search-count').textContent).toBe('1 / 2');
    fireEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByTestId('search-count').textContent).toBe('2 / 2');
    expect(document.querySelector('[aria-current="true"]')?.textContent).toBe('alpha beta');
    fireEvent.click(screen.getByRole('button', { name: 'Previous match' }));
    expect(screen.getByTestId('search-count').textContent).toBe('1 / 2');
    // Navigating pauses follow mode.
    expect(screen.getByRole('button', { name: 'Follow output' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('counts new lines while follow is paused and jumps back to them', () => {
    const { book, add } = setup();
    add(() => book.addOutput({ processId: 'web', data: 'one' }));
    fireEvent.click(screen.getByRole('button', { name: 'Follow output' }));
    add(() => {
      book.addOutput({ processId: 'web', data: 'two' });
      book.addOutput({ processId: 'web', data: 'three' });
    });
    const jump = screen.getByRole('button', { name: 'Jump to latest (2 new)' });
    fireEvent.click(jump);
    expect(screen.queryByRole('button', { name: /Jump to latest/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Follow output' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('prefixes lines with the process name in the merged view', () => {
    const { book, add } = setup(ALL_PROCESSES);
    add(() => {
      book.addOutput({ processId: 'web', data: 'w', timestamp: '2026-11-30T12:00:00.000Z' });
      book.addOutput({ processId: 'db', data: 'd', timestamp: '2026-11-30T12:00:00.001Z' });
    });
    expect(lines()).toEqual(['web │ w', 'db │ d']);
  });

  it('shows timestamps on demand', () => {
    const { book, add } = setup();
    add(() => book.addOutput({ processId: 'web', data: 'x', timestamp: '2026-11-30T12:34:56.789Z' }));
    expect(document.querySelector('.log-ts')).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Show timestamps' }));
    expect(screen.getByTestId('log-line').querySelector('.log-ts')?.textContent).toMatch(/^\d\d:\d\d:56\.789 $/);
  });

  it('clears the view through the actions', () => {
    const { actions } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Clear view' }));
    expect(document.querySelector('.log-stderr-mark')).toBeNull();
    expect(actions.clearLogs).toHaveBeenCalledWith('web');
  });

  it('colours rows by level, counts levels on the chips and filters by them', () => {
    const { book, add } = setup();
    add(() => {
      book.addOutput({ processId: 'web', data: 'boom', level: 'error' });
      book.addOutput({ processId: 'web', data: 'careful', level: 'warn' });
      book.addOutput({ processId: 'web', data: 'fine', level: 'info' });
      book.addOutput({ processId: 'web', data: 'noise', level: 'trace' });
      book.addOutput({ processId: 'web', data: 'no level' });
    });
    expect(screen.getAllByTestId('log-line').map((r) => r.dataset.level ?? '')).toEqual(['error', 'warn', 'info', 'trace', '']);
    expect(screen.getAllByTestId('log-line')[0]?.className).toContain('log-level-error');
    expect(screen.getByTestId('level-chip-debug').textContent).toBe('debug 1');
    fireEvent.click(screen.getByTestId('level-chip-error'));
    fireEvent.click(screen.getByTestId('level-chip-warn'));
    expect(lines()).toEqual(['boom', 'careful']);
    fireEvent.click(screen.getByTestId('level-chip-error'));
    fireEvent.click(screen.getByTestId('level-chip-warn'));
    expect(lines()).toHaveLength(5);
  });

  it('shows a JSON line compactly and expands it to its fields', () => {
    const { book, add } = setup();
    add(() => book.addOutput({ processId: 'web', data: '{"msg":"saved","level":"warn","ts":"12:00","id":7,"tags":["a"]}' }));
    const row = screen.getByTestId('log-line');
    expect(row.dataset.level).toBe('warn');
    expect(screen.getByTestId('log-text').textContent).toBe('WARN 12:00 saved id=7 tags=["a"]');
    fireEvent.click(screen.getByRole('button', { name: 'Expand fields' }));
    expect([...screen.getByTestId('log-json-fields').querySelectorAll('dt')].map((d) => d.textContent)).toEqual(['msg', 'level', 'ts', 'id', 'tags']);
    fireEvent.click(screen.getByRole('button', { name: 'Collapse fields' }));
    expect(screen.queryByTestId('log-json-fields')).toBeNull();
  });

  it('wraps long lines on demand', () => {
    setup();
    expect(screen.getByTestId('log-view').className).not.toContain('log-wrap');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Wrap lines' }));
    expect(screen.getByTestId('log-view').className).toContain('log-wrap');
  });

  it('holds a million lines and jumps to the top, the middle and the end drawing one screenful', () => {
    const { book, add } = setup('web', 1_000_000);
    add(() => {
      for (let i = 0; i < 1_000_000; i++) book.addOutput({ processId: 'web', data: `row ${i}` });
    });
    const view = screen.getByTestId('log-view');
    expect(view.dataset.lines).toBe('1000000');
    expect(lines().at(-1)).toBe('row 999999');
    expect(lines().length).toBeLessThan(40);
    fireEvent.keyDown(view, { key: 'Home' });
    expect(lines()[0]).toBe('row 0');
    fireEvent.keyDown(view, { key: 'PageDown' });
    expect(Number(view.dataset.first)).toBeGreaterThan(10);
    fireEvent.keyDown(view, { key: 'End' });
    expect(lines().at(-1)).toBe('row 999999');
    expect(screen.getByRole('button', { name: 'Follow output' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('loads older stored lines when the view reaches its top, keeping the line on screen', async () => {
    const pages: LogsReadParams[] = [];
    const stored = (s: number, data: string): StoredLine => ({ process: 'web', run: 1, time: at(s), stream: 'stdout', data, cursor: `c${s}` });
    const readLogs = vi.fn(async (params: LogsReadParams) => {
      pages.push(params);
      return pages.length === 1
        ? { lines: [stored(1, 'stored 1'), stored(2, 'stored 2')], more: true, runs: [{ process: 'web', run: 1, startedAt: at(0), lines: 3 }] }
        : { lines: [stored(0, 'stored 0')], more: false };
    });
    const { book, add, store } = setup('web', 1000, { readLogs });
    add(() => book.addOutput({ processId: 'web', data: 'live', timestamp: at(5) }));
    await act(async () => store.getState().setConnection({ kind: 'connected' }));
    await act(async () => {});
    expect(pages[0]).toEqual({ limit: 1000, processes: ['web'], before: new Date(Date.parse(at(5)) + 1).toISOString() });
    expect(lines()).toEqual(['stored 1', 'stored 2', 'live']);
    expect(screen.getByTestId('log-run').textContent).toMatch(/^run 1 · started \d\d:\d\d:00\.000$/);
    // Up from the top: the next page by the cursor of the oldest line read.
    fireEvent.keyDown(screen.getByTestId('log-view'), { key: 'Home' });
    fireEvent.keyDown(screen.getByTestId('log-view'), { key: 'ArrowUp' });
    await act(async () => {});
    expect(pages[1]).toMatchObject({ before: 'c1' });
    expect(lines()).toEqual(['stored 0', 'stored 1', 'stored 2', 'live']);
    // The start of the history: no more asking.
    fireEvent.keyDown(screen.getByTestId('log-view'), { key: 'ArrowUp' });
    await act(async () => {});
    expect(pages).toHaveLength(2);
  });

  it('asks a hub without a store once', async () => {
    const readLogs = vi.fn(async () => {
      throw Object.assign(new Error('unknown method logs.read'), { code: 'unknown_method' });
    });
    const { store } = setup('web', 1000, { readLogs });
    await act(async () => store.getState().setConnection({ kind: 'connected' }));
    fireEvent.keyDown(screen.getByTestId('log-view'), { key: 'ArrowUp' });
    await act(async () => {});
    expect(readLogs).toHaveBeenCalledTimes(1);
  });

  it('searches all history and shows a hit the page no longer holds with its context', async () => {
    const hit: StoredLine = { process: 'web', run: 2, time: at(3), stream: 'stdout', data: 'the needle', cursor: 'h' };
    const searchLogs = vi.fn(async () => ({ matches: [hit], more: false }));
    const readLogs = vi.fn(async (p: LogsReadParams) =>
      p.before === 'h' ? { lines: [{ ...hit, data: 'just before', cursor: 'b' }], more: true } : p.after === 'h' ? { lines: [{ ...hit, data: 'just after', cursor: 'a' }], more: true } : { lines: [], more: false },
    );
    // Methods that need their object, as the controller's do: the pane must not call them unbound.
    type Hub = { impl: { searchLogs: typeof searchLogs; readLogs: typeof readLogs } };
    const { book, add } = setup('web', 1000, {
      impl: { searchLogs, readLogs },
      searchLogs(this: Hub, p: LogsSearchParams) {
        return (this.impl.searchLogs as (p: LogsSearchParams) => ReturnType<typeof searchLogs>)(p);
      },
      readLogs(this: Hub, p: LogsReadParams) {
        return this.impl.readLogs(p);
      },
    } as Partial<DashboardActions>);
    add(() => book.addOutput({ processId: 'web', data: 'held line', timestamp: at(9) }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search logs' }), { target: { value: 'needle' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search all history' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Search all history for/ })));
    expect(searchLogs).toHaveBeenCalledWith({ query: 'needle', processes: ['web'], limit: 50 });
    await act(async () => fireEvent.click(screen.getByTestId('history-hit')));
    expect(screen.getByTestId('history-context-hit').textContent).toContain('the needle');
    expect(screen.getAllByTestId('history-context-line').map((l) => l.textContent?.replace(/^\S+ /, ''))).toEqual(['just before', 'just after']);
  });

  it('jumps to a hit of the history search that the page still holds', async () => {
    const held: StoredLine = { process: 'web', run: 1, time: at(2), stream: 'stdout', data: 'needle held', cursor: 'x' };
    const searchLogs = vi.fn(async () => ({ matches: [held], more: false }));
    const { book, add } = setup('web', 1000, { searchLogs, readLogs: vi.fn(async () => ({ lines: [], more: false })) });
    add(() => {
      book.addOutput({ processId: 'web', data: 'needle held', timestamp: at(2) });
      for (let i = 0; i < 100; i++) book.addOutput({ processId: 'web', data: `later ${i}`, timestamp: at(3) });
    });
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search logs' }), { target: { value: 'needle' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search all history' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Search all history for/ })));
    await act(async () => fireEvent.click(screen.getByTestId('history-hit')));
    expect(screen.queryByTestId('history-context')).toBeNull();
    expect(document.querySelector('[aria-current="true"]')?.textContent).toBe('needle held');
  });
});
