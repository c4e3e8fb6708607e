/** Renders the dashboard (or a part of it) around a store, a LogBook and recorded actions. */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { App } from '../app';
import { DashboardContext } from '../dashboard-context';
import type { DashboardActions } from '../dashboard-actions';
import { LogBook } from '../logs/log-book';
import { createDashboardStore, type DashboardState } from '../state/dashboard-store';

/** Give happy-dom a layout size, so the virtual list has rows to show (it measures nothing itself). */
export function fakeLayout(height = 360): void {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
}

/** Actions that only record their calls. */
export function fakeActions(): { [K in keyof DashboardActions]: ReturnType<typeof vi.fn> } & DashboardActions {
  return {
    startProcess: vi.fn(async () => true),
    stopProcess: vi.fn(async () => true),
    restartProcess: vi.fn(async () => true),
    addProcess: vi.fn(async () => true),
    removeProcess: vi.fn(async () => true),
    loginLink: vi.fn(async () => ({ url: 'http://127.0.0.1:7420/login?ticket=t', expiresAt: new Date(Date.now() + 15 * 60_000).toISOString() })),
    disconnectClient: vi.fn(async () => true),
    clearLogs: vi.fn(),
    retryNow: vi.fn(),
  } as never;
}

/** Render `ui` (default: the whole App) with fresh services; returns them for the test to drive. */
export function renderDashboard(initial: Partial<DashboardState> = {}, ui: ReactElement = <App />, maxLines = 1000, extraActions: Partial<DashboardActions> = {}) {
  const store = createDashboardStore(initial);
  const book = new LogBook({ maxLines });
  const actions = Object.assign(fakeActions(), extraActions);
  const result = render(<DashboardContext.Provider value={{ store, book, actions, origin: 'http://127.0.0.1:7420' }}>{ui}</DashboardContext.Provider>);
  return { ...result, store, book, actions };
}
