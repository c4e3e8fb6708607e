// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PROCESSES } from './logs/log-book';
import { clientStatsFixture, hubStats, processInfo } from './test-support/fixtures';
import { fakeLayout, renderDashboard } from './test-support/render-dashboard';

beforeAll(() => fakeLayout());
afterEach(cleanup);

const processes = [
  processInfo({ id: 'web', status: 'running', pid: 42, restarts: 2, startedAt: new Date(Date.now() - 65_000).toISOString() }),
  processInfo({ id: 'worker', status: 'exited', exitCode: 3 }),
];
const stats = hubStats({
  clientList: [
    clientStatsFixture({ id: 'c1', userId: 'launch', subscriptions: ['processes'], subscriptionCount: 1, sent: 10 }),
    clientStatsFixture({ id: 'c2', userId: 'viewer-1', role: 'viewer', sent: 5, dropped: 3, queuedBytes: 2048 }),
  ],
  channelList: [{ name: 'process:web', subscribers: 2, seq: 99, epoch: 'e', retained: 99, retainedBytes: 0, ratePerSec: 12.5 }],
});

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
    const { actions } = renderDashboard({ role: 'operator', stats, selfClientId: 'c1', rates: { t: [1, 2, 3], values: { 'process:web': [1, 5, 12.5] } }, tab: 'hub' });
    const rows = screen.getAllByTestId('hub-client-row');
    expect(within(rows[1] as HTMLElement).getByText('viewer-1')).toBeTruthy();
    expect(rows[1]?.textContent).toContain('2.0 KiB');
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect client c2' }));
    expect(actions.disconnectClient).toHaveBeenCalledWith('c2');
    expect(screen.getByTestId('hub-channel-row').textContent).toContain('12.5');
    expect(screen.getByRole('figure', { name: 'Messages per second, busiest channels' })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Disconnect client c1' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('issues a login link for operators and shows it in a dialog that says how long it lasts', async () => {
    const { actions } = renderDashboard({ role: 'operator' });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Copy viewer login link' }));
    });
    expect(actions.loginLink).toHaveBeenCalledWith('viewer');
    const dialog = screen.getByRole('dialog', { name: 'Viewer login link' });
    expect((within(dialog).getByRole('textbox', { name: 'Login link' }) as HTMLInputElement).value).toBe('http://127.0.0.1:7420/login?ticket=t');
    expect(within(dialog).getByTestId('login-link-expiry').textContent).toMatch(/^It works once, until \d\d:\d\d:\d\d \(in 1[45]m \d\ds\)\.$/);
    expect(within(dialog).getByRole('button', { name: 'Copy link' })).toBeTruthy();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('lists the control actions, newest first', () => {
    renderDashboard({ stats, tab: 'hub', selfClientId: 'c1', audit: [
      { kind: 'audit', action: 'process.stop', target: 'web', userId: 'launch', role: 'operator', clientId: 'c1', time: '2026-12-01T18:00:00.000Z', ok: true },
      { kind: 'audit', action: 'process.restart', target: 'web', userId: 'viewer-1', role: 'viewer', clientId: 'c2', time: '2026-12-01T18:01:00.000Z', ok: false, detail: 'forbidden' },
    ] });
    const rows = screen.getAllByTestId('audit-row');
    expect(rows.map((r) => r.getAttribute('data-action'))).toEqual(['process.restart', 'process.stop']);
    expect(rows[0]?.textContent).toMatch(/viewer-1 \(viewer\).*process\.restart.*web.*refused · forbidden/);
    expect(rows[1]?.textContent).toContain('(operator, you)');
  });
});

describe('presence, alerts, removal, theme', () => {
  it('shows who is connected, ourselves marked and first', () => {
    renderDashboard({ stats, selfClientId: 'c2' });
    const chips = screen.getAllByTestId('presence-chip').map((c) => c.textContent);
    expect(chips).toEqual(['viewer-1 viewer (you)', 'launch operator']);
  });

  it('badges unread alerts; the list shows them and clears the badge; a row keeps its mark until shown', () => {
    const alerts = [{ kind: 'alert' as const, rule: 'crash' as const, ruleIndex: 0, process: 'worker', message: 'worker exited with code 3', time: new Date().toISOString(), count: 2 }];
    const { store } = renderDashboard({ processes, alerts, unreadAlerts: 1, marks: { worker: 1 } });
    expect(screen.getByTestId('alerts-unread').textContent).toBe('1');
    expect(screen.getByTestId('alert-mark-worker').getAttribute('aria-label')).toBe('1 new alert');
    fireEvent.click(screen.getByRole('button', { name: 'Alerts (1 unread)' }));
    const item = screen.getByTestId('alert-item');
    expect(item.textContent).toMatch(/\d\d:\d\d:\d\dworkercrashworker exited with code 3×2/);
    expect(screen.queryByTestId('alerts-unread')).toBeNull();
    expect(screen.getByTestId('alert-mark-worker')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show logs of worker (alert)' }));
    expect(store.getState().selected).toBe('worker');
    expect(screen.queryByTestId('alert-mark-worker')).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('lets operators remove a process added from the dashboard, after a confirmation', async () => {
    const added = [...processes, processInfo({ id: 'adhoc', origin: 'added' })];
    const { actions } = renderDashboard({ processes: added, role: 'operator' });
    expect(screen.queryByRole('button', { name: 'Remove web' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Remove adhoc' }));
    await act(async () => {
      fireEvent.click(within(screen.getByRole('dialog', { name: 'Remove adhoc?' })).getByRole('button', { name: 'Remove' }));
    });
    expect(actions.removeProcess).toHaveBeenCalledWith('adhoc');
  });

  it('switches the theme and remembers it', () => {
    renderDashboard();
    fireEvent.change(screen.getByRole('combobox', { name: 'Theme' }), { target: { value: 'dark' } });
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('switchyard.theme')).toBe('dark');
    fireEvent.change(screen.getByRole('combobox', { name: 'Theme' }), { target: { value: 'light' } });
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('shows ports as links and resources in the row', () => {
    renderDashboard({ processes: [processInfo({ id: 'api', pid: 5, cpuPercent: 12.34, memoryBytes: 31 * 1024 * 1024, ports: [3000, 9229] })] });
    expect(screen.getByTestId('process-meta-api').textContent).toMatch(/pid 5 · 12% CPU · 31\.0 MiB · :3000 :9229/);
    expect(screen.getByRole('link', { name: 'Open port 3000 of api' }).getAttribute('href')).toBe('http://127.0.0.1:3000');
  });

  it('shows the startup timeline: started, healthy, waiting for', () => {
    const t = Date.now();
    renderDashboard({ tab: 'startup', processes: [
      processInfo({ id: 'db', health: 'healthy', startedAt: new Date(t - 10_000).toISOString(), healthyAt: new Date(t - 8_000).toISOString() }),
      processInfo({ id: 'api', status: 'waiting', waitingFor: ['db'], waitingSince: new Date(t - 10_000).toISOString(), dependsOn: [{ id: 'db', condition: 'healthy', met: false }] }),
    ] });
    expect(screen.getByTestId('startup-row-db').textContent).toMatch(/\(\+2s\)/);
    expect(screen.getByTestId('startup-row-api').textContent).toMatch(/waiting for db.*db.*… db healthy/);
    expect(screen.getByRole('img', { name: 'timeline of db' }).querySelectorAll('.seg')).toHaveLength(2);
  });
});

describe('keyboard', () => {
  it('j/k move the selection, r asks before restarting, ? opens the sheet', async () => {
    const { store, actions } = renderDashboard({ processes, role: 'operator' });
    fireEvent.keyDown(window, { key: 'j' });
    expect(store.getState().selected).toBe('web');
    fireEvent.keyDown(window, { key: 'r' });
    const confirm = screen.getByRole('dialog', { name: 'Restart web?' });
    expect(actions.restartProcess).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(within(confirm).getByRole('button', { name: 'Restart' }));
    });
    expect(actions.restartProcess).toHaveBeenCalledWith('web');
    fireEvent.keyDown(window, { key: '?' });
    expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' }).textContent).toContain('restart the open process');
  });

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
