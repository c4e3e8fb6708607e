// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeLayout, renderDashboard } from '../test-support/render-dashboard';
import { ALL_PROCESSES } from './log-book';
import { LogPane } from './log-pane';

beforeAll(() => fakeLayout());
afterEach(cleanup);

const lines = () => screen.queryAllByTestId('log-line').map((el) => el.textContent);

function setup(selected = 'web', maxLines = 1000) {
  const r = renderDashboard({ selected }, <LogPane />, maxLines);
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
});
