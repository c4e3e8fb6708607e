// @vitest-environment happy-dom
// The process pane: the stdin line for operators only, the terminal/log switch of tty processes.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HubConnection } from '../connection/hub-connection';
import { DashboardContext } from '../dashboard-context';
import { LogBook } from '../logs/log-book';
import { createDashboardStore, type DashboardState } from '../state/dashboard-store';
import { fakeActions, fakeLayout } from '../test-support/render-dashboard';
import { ProcessPane } from './process-pane';
import { processInfo } from '../test-support/fixtures';

beforeAll(() => fakeLayout());
afterEach(cleanup);

function renderPane(initial: Partial<DashboardState>) {
  const request = vi.fn(async () => ({ written: 3 }));
  const hub = { request, subscribe: vi.fn(() => () => {}), onStatus: vi.fn(() => () => {}) } as unknown as HubConnection;
  const store = createDashboardStore(initial);
  render(
    <DashboardContext.Provider value={{ store, book: new LogBook({ maxLines: 100 }), actions: fakeActions(), hub }}>
      <ProcessPane />
    </DashboardContext.Provider>,
  );
  return { request, store };
}

const processes = [processInfo({ id: 'echoer', status: 'running', stdin: true }), processInfo({ id: 'shell', status: 'running', tty: true })];

describe('ProcessPane', () => {
  it('gives operators a stdin line under the log that sends the line and a newline', async () => {
    const { request } = renderPane({ processes, role: 'operator', selected: 'echoer' });
    const input = screen.getByRole('textbox', { name: 'Input to echoer' });
    fireEvent.change(input, { target: { value: 'hi' } });
    fireEvent.submit(input);
    expect(request).toHaveBeenCalledWith('process.input', { id: 'echoer', data: 'hi\n' });
    await waitFor(() => expect((input as HTMLInputElement).value).toBe(''));
  });

  it('gives viewers no stdin line', () => {
    renderPane({ processes, role: 'viewer', selected: 'echoer' });
    expect(screen.getByRole('log', { name: 'Log output' })).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Input to echoer' })).toBeNull();
  });

  it('opens a tty process on its terminal, with a switch to its log lines', () => {
    renderPane({ processes, role: 'operator', selected: 'shell' });
    expect(screen.getByRole('button', { name: 'Terminal' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByRole('log', { name: 'Log output' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Log lines' }));
    expect(screen.getByRole('log', { name: 'Log output' })).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Input to shell' })).toBeNull();
  });
});
