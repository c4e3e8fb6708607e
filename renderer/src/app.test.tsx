// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PROCESSES } from './logs/log-book';
import type { HubStats } from './state/hub-stats';
import { fakeLayout, renderDashboard } from './test-support/render-dashboard';

beforeAll(() => fakeLayout());
afterEach(cleanup);

const processes = [
  { id: 'web', status: 'running', pid: 42, restarts: 2, startedAt: Date.now() - 65_000 },
  { id: 'worker', status: 'exited', exitCode: 3 },
];
const stats: HubStats = {
  clients: [
    { id: 'c1', userId: 'launch', role: 'operator', remote: '127.0.0.1', subscriptions: ['processes'], sent: 10, dropped: 0, queuedBytes: 0, self: true },
    { id: 'c2', userId: 'viewer-1', role: 'viewer', remote: '127.0.0.1', subscriptions: [], sent: 5, dropped: 3, queuedBytes: 2048, self: false },
  ],
  channels: [{ name: 'process:web', subscribers: 2, seq: 99, epoch: 'e', retained: 99, ratePerSec: 12.5 }],
};

describe('process sidebar', () => {
  it('shows status, pid, uptime, exit code and restarts', () => {
    renderDashboard({ processes, role: 'viewer' });
    expect(screen.getByTestId('process-status-web').textContent).toBe('running');
    expect(screen.getByTestId('process-row-web').textContent).toMatch(/pid 42 · up 1m 0[5-6]s · 2 restarts/);
    expect(screen.getByTestId('process-status-worker').textContent).toBe('exited (code 3)');
  });

  it('gives operators start, stop and restart, and the add form', () => {
    const { actions } = renderDashboard({ processes, role: 'operator' });
    fireEvent.click(screen.getByRole('button', { name: 'Restart web' }));
    expect(actions.restartProcess).toHaveBeenCalledWith('web');
    expect((screen.getByRole('button', { name: 'Start web' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Start worker' }));
    expect(actions.startProcess).toHaveBeenCalledWith('worker');
    fireEvent.change(screen.getByRole('textbox', { name: 'New process name' }), { target: { value: 'tick' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'New process command' }), { target: { value: 'date' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add process' }));
    expect(actions.addProcess).toHaveBeenCalledWith('tick', 'date');
  });

  it('hides every control from viewers, and while the role is unknown', () => {
    for (const role of ['viewer', null] as const) {
      const { unmount } = renderDashboard({ processes, role, stats, tab: 'hub' });
      expect(screen.queryByRole('button', { name: /^(Start|Stop|Restart) / })).toBeNull();
      expect(screen.queryByRole('button', { name: 'Add process' })).toBeNull();
      expect(screen.queryByRole('button', { name: /login link/ })).toBeNull();
      expect(screen.queryByRole('button', { name: /^Disconnect client/ })).toBeNull();
      expect(screen.getAllByTestId('hub-client-row')).toHaveLength(2);
      unmount();
    }
  });
});

describe('connection state', () => {
  it('says when the next attempt comes', () => {
    renderDashboard({ connection: { kind: 'reconnecting', attempt: 3, delayMs: 4000, nextAttemptAt: Date.now() + 3600 } });
    expect(screen.getByTestId('connection-status').textContent).toBe('reconnecting in 4 s (attempt 3)');
  });

  it('offers to reconnect at once', () => {
    const { actions } = renderDashboard({ connection: { kind: 'reconnecting', attempt: 2, delayMs: 9000, nextAttemptAt: Date.now() + 9000 } });
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect now' }));
    expect(actions.retryNow).toHaveBeenCalled();
  });

  it('says plainly that the session ended', () => {
    renderDashboard({ connection: { kind: 'session-ended', reason: 'refused' } });
    expect(screen.getByTestId('connection-status').textContent).toBe('Session ended: open a new login link');
    expect(screen.getByRole('alert').textContent).toMatch(/open a new login link/);
    expect(screen.getByRole('alert').textContent).toMatch(/switchyard link/);
  });

  it('tells a page opened without a session how to log in, not that a session ended', () => {
    renderDashboard({ connection: { kind: 'session-ended', reason: 'refused', neverLoggedIn: true } });
    expect(screen.getByTestId('connection-status').textContent).toBe('Not logged in: open a login link');
    const alert = screen.getByRole('alert').textContent ?? '';
    expect(alert).toMatch(/^Not logged in: this page needs a login link\. Run switchyard link in the project's folder/);
    expect(alert).not.toMatch(/session ended|restarted/i);
  });

  it('shows connected', () => {
    renderDashboard({ connection: { kind: 'connected' } });
    expect(screen.getByTestId('connection-status').textContent).toBe('connected');
  });
});

describe('hub panel', () => {
  it('lists clients and channels, and lets operators disconnect a client', () => {
    const { actions } = renderDashboard({ role: 'operator', stats, rates: { 'process:web': [1, 5, 12.5] }, tab: 'hub' });
    const rows = screen.getAllByTestId('hub-client-row');
    expect(within(rows[1] as HTMLElement).getByText('viewer-1')).toBeTruthy();
    expect(rows[1]?.textContent).toContain('2.0 KiB');
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect client c2' }));
    expect(actions.disconnectClient).toHaveBeenCalledWith('c2');
    expect(screen.getByTestId('hub-channel-row').textContent).toContain('12.5');
    expect(screen.getByRole('img', { name: 'messages per second of process:web' }).querySelector('polyline')).toBeTruthy();
  });

  it('issues a login link for operators and shows it', async () => {
    const { actions } = renderDashboard({ role: 'operator' });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Copy viewer login link' }));
    });
    expect(actions.loginLink).toHaveBeenCalledWith('viewer');
    expect((screen.getByRole('textbox', { name: 'Login link' }) as HTMLInputElement).value).toBe('http://127.0.0.1:7420/login?ticket=t');
  });
});

describe('keyboard', () => {
  it('moves between processes with the arrow keys', () => {
    renderDashboard({ processes });
    const all = screen.getByRole('button', { name: 'Show logs of all processes' });
    all.focus();
    fireEvent.keyDown(all, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Show logs of web' }));
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowDown' });
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Show logs of worker' }));
  });
});

describe('selecting a process', () => {
  it('opens its logs', () => {
    const { store } = renderDashboard({ processes });
    expect(store.getState().selected).toBe(ALL_PROCESSES);
    fireEvent.click(screen.getByRole('button', { name: 'Show logs of web' }));
    expect(store.getState().selected).toBe('web');
    expect(screen.getByRole('region', { name: 'Logs of web' })).toBeTruthy();
  });
});
