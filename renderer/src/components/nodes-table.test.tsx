// @vitest-environment happy-dom
// Several machines in the dashboard: the sidebar groups processes by node, the hub panel lists the
// nodes with their clients and says when the engine is down.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readHubStats } from '../state/hub-stats-view';
import { hubStats, processInfo } from '../test-support/fixtures';
import { fakeLayout, renderDashboard } from '../test-support/render-dashboard';
import { NodesTable } from './nodes-table';
import { ProcessSidebar } from './process-sidebar';

beforeAll(() => fakeLayout());
afterEach(cleanup);

describe('several machines', () => {
  it('groups the sidebar by node and marks a node that is gone', () => {
    const processes = [
      processInfo({ id: 'web@a', node: 'a', status: 'running' }),
      processInfo({ id: 'tick@b', node: 'b', status: 'unreachable' }),
      processInfo({ id: 'job@a', node: 'a', status: 'exited', exitCode: 0 }),
    ];
    renderDashboard({ processes, role: 'viewer' }, <ProcessSidebar />);
    expect(screen.getByTestId('node-group-a').textContent).toBe('a');
    expect(screen.getByTestId('node-group-b').textContent).toBe('b (unreachable)');
    const order = [...document.querySelectorAll('[data-testid^="node-group-"], [data-testid^="process-row-"]')].map((e) => e.getAttribute('data-testid'));
    expect(order).toEqual(['node-group-a', 'process-row-web@a', 'process-row-job@a', 'node-group-b', 'process-row-tick@b']);
    expect(screen.getByTestId('process-status-tick@b').textContent).toMatch(/unreachable/);
  });

  it('shows no node headers on one machine', () => {
    renderDashboard({ processes: [processInfo({ id: 'web', status: 'running' })], role: 'viewer' }, <ProcessSidebar />);
    expect(document.querySelector('.node-group')).toBeNull();
  });

  it('lists every node with its clients, and the engine down with its reason', () => {
    const stats = readHubStats(
      hubStats({
        engine: { kind: 'redis', up: false, reason: 'Redis at redis://r:6379 unreachable', buffered: 12, lost: 3 },
        node: 'a',
        nodes: [
          { name: 'a', up: true, clients: 2, processes: 3, seenAt: new Date().toISOString(), self: true },
          { name: 'b', up: false, clients: 0, processes: 1, seenAt: new Date().toISOString(), self: false },
        ],
      }),
    );
    expect(stats).not.toBeNull();
    render(<NodesTable stats={stats as NonNullable<typeof stats>} />);
    expect(screen.getByTestId('engine-health').textContent).toBe('Engine redis: down, Redis at redis://r:6379 unreachable · 12 waiting · 3 lost');
    expect(screen.getByRole('alert')).toBeTruthy();
    const rows = screen.getAllByTestId('hub-node-row');
    expect(rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent).slice(0, 4))).toEqual([
      ['a (this node)', 'up', '2', '3'],
      ['b', 'unreachable', '0', '1'],
    ]);
  });

  it('shows nothing on one machine with the in-memory engine', () => {
    const { container } = render(<NodesTable stats={readHubStats(hubStats()) as NonNullable<ReturnType<typeof readHubStats>>} />);
    expect(container.innerHTML).toBe('');
  });
});
