import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../shared/protocol';
import { hubStats, processInfo } from '../test-support/fixtures';
import { createDashboardStore, RATE_HISTORY } from './dashboard-store';

const alert = (process: string, time: string, count = 1): AlertEvent => ({ kind: 'alert', rule: 'crash', ruleIndex: 0, process, message: `${process} exited with code 1`, time, count });

describe('dashboard store', () => {
  it('takes a full list as the truth and samples CPU and memory at most once a second', () => {
    const store = createDashboardStore();
    store.getState().setProcesses([processInfo({ id: 'a', cpuPercent: 5, memoryBytes: 1000 })], 10_000);
    store.getState().setProcesses([processInfo({ id: 'a', cpuPercent: 7, memoryBytes: 2000 })], 10_400);
    store.getState().setProcesses([processInfo({ id: 'a', cpuPercent: 9, memoryBytes: 3000 }), processInfo({ id: 'b', cpuPercent: 1 })], 11_000);
    expect(store.getState().processes.map((p) => p.id)).toEqual(['a', 'b']);
    expect(store.getState().cpu).toEqual({ t: [10, 11], values: { a: [5, 9], b: [null, 1] } });
    expect(store.getState().memory.values.a).toEqual([1000, 3000]);
  });

  it('keeps a bounded rate history per channel for the charts', () => {
    const store = createDashboardStore();
    for (let i = 0; i < RATE_HISTORY + 10; i++) {
      store.getState().setStats(hubStats({ channelList: [{ name: 'c', subscribers: 1, seq: i, epoch: 'e', retained: i, retainedBytes: 0, ratePerSec: i }] }), i * 1000);
    }
    const { t, values } = store.getState().rates;
    expect(t).toHaveLength(RATE_HISTORY);
    expect(values.c?.at(-1)).toBe(RATE_HISTORY + 9);
  });

  it('counts unread alerts and marks their processes until seen; no duplicates from the list and the channel', () => {
    const store = createDashboardStore({ alertsSeenAt: Date.parse('2026-12-01T10:00:00Z') });
    store.getState().addAlerts([alert('old', '2026-12-01T09:00:00Z'), alert('web', '2026-12-01T10:00:01Z')]);
    store.getState().addAlerts([alert('web', '2026-12-01T10:00:01Z'), alert('web', '2026-12-01T10:01:01Z', 3)]);
    expect(store.getState().alerts).toHaveLength(3);
    expect(store.getState().unreadAlerts).toBe(2);
    expect(store.getState().marks).toEqual({ web: 2 });
    store.getState().markAlertsSeen(Date.parse('2026-12-01T10:02:00Z'));
    expect(store.getState().unreadAlerts).toBe(0);
    expect(store.getState().marks).toEqual({ web: 2 }); // the row's mark stays until the process is shown
    store.getState().select('web');
    expect(store.getState().marks).toEqual({});
  });
});
