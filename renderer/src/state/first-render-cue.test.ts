import { describe, expect, it, vi } from 'vitest';
import { createDashboardStore } from './dashboard-store';
import { firstRenderCue } from './first-render-cue';
import { processInfo } from '../test-support/fixtures';

describe('firstRenderCue', () => {
  it('waits for the process list', async () => {
    const store = createDashboardStore();
    let done = false;
    const cue = firstRenderCue(store, 60_000).then(() => (done = true));
    store.getState().setConnection({ kind: 'connected' });
    await Promise.resolve();
    expect(done).toBe(false);
    store.getState().setProcesses([processInfo({ id: 'web' })]);
    await cue;
    expect(done).toBe(true);
  });

  it('does not wait when the connection is in trouble', async () => {
    const store = createDashboardStore();
    const cue = firstRenderCue(store, 60_000);
    store.getState().setConnection({ kind: 'reconnecting', attempt: 2, delayMs: 1000, nextAttemptAt: 0 });
    await expect(cue).resolves.toBeUndefined();
  });

  it('waits no longer than maxMs', async () => {
    vi.useFakeTimers();
    try {
      const store = createDashboardStore();
      let done = false;
      const cue = firstRenderCue(store, 300).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(299);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await cue;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
