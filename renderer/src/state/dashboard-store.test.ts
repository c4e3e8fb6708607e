import { describe, expect, it } from 'vitest';
import { createDashboardStore, RATE_HISTORY } from './dashboard-store';
import { parseProcessesPayload } from './process-info';

describe('dashboard store', () => {
  it('takes a full list as the truth, keeping only a running start time', () => {
    const store = createDashboardStore();
    store.getState().setProcesses([{ id: 'a', status: 'running', pid: 1, startedAt: 5 }]);
    store.getState().setProcesses([{ id: 'a', status: 'running' }]);
    expect(store.getState().processes[0]).toEqual({ id: 'a', status: 'running', startedAt: 5 });
    store.getState().setProcesses([{ id: 'a', status: 'exited', exitCode: 0 }]);
    expect(store.getState().processes[0]).toEqual({ id: 'a', status: 'exited', exitCode: 0 });
  });

  it('patches processes and adds unknown ones', () => {
    const store = createDashboardStore();
    store.getState().setProcesses([{ id: 'a', status: 'running', pid: 1 }]);
    store.getState().patchProcesses([{ id: 'a', status: 'exited', exitCode: 2, pid: undefined }, { id: 'b', status: 'starting' }]);
    expect(store.getState().processes.map((p) => [p.id, p.status, p.exitCode, p.pid])).toEqual([
      ['a', 'exited', 2, undefined],
      ['b', 'starting', undefined, undefined],
    ]);
  });

  it('keeps a bounded rate history per channel for the sparklines', () => {
    const store = createDashboardStore();
    for (let i = 0; i < RATE_HISTORY + 10; i++) store.getState().setStats({ clients: [], channels: [{ name: 'c', subscribers: 1, seq: i, epoch: 'e', retained: i, ratePerSec: i }] });
    const rates = store.getState().rates.c ?? [];
    expect(rates).toHaveLength(RATE_HISTORY);
    expect(rates.at(-1)).toBe(RATE_HISTORY + 9);
  });
});

describe('parseProcessesPayload', () => {
  const now = 1_000_000;
  it("reads the supervisor's list event and tolerates extra fields", () => {
    const update = parseProcessesPayload({ kind: 'list', processes: [{ id: 'web', command: 'x', cwd: '/', status: 'running', pid: 3, restarts: 0, startedAt: '1970-01-01T00:16:40.000Z', linesOut: 9 }] }, now);
    expect(update).toEqual([{ id: 'web', command: 'x', status: 'running', pid: 3, restarts: 0, startedAt: 1_000_000 }]);
  });

  it('reads the process.list array, and nothing it does not know', () => {
    expect(parseProcessesPayload([{ id: 'a', status: 'stopped', signal: 'SIGTERM' }], now)?.[0]).toMatchObject({ id: 'a', signal: 'SIGTERM' });
    expect(parseProcessesPayload('nonsense', now)).toBeNull();
    expect(parseProcessesPayload({ kind: 'other', processes: [] }, now)).toBeNull();
    expect(parseProcessesPayload([{ status: 'running' }, null, { id: 'ok' }], now)).toEqual([{ id: 'ok', status: 'unknown' }]);
  });
});
