import { afterEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from './heartbeat';

afterEach(() => {
  vi.useRealTimers();
});

function setup(pingIntervalMs: number, idleTimeoutMs: number) {
  vi.useFakeTimers();
  const pings: number[] = [];
  const deaths: number[] = [];
  const hb = new Heartbeat({
    pingIntervalMs,
    idleTimeoutMs,
    timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    now: () => Date.now(),
    ping: () => pings.push(Date.now()),
    dead: (idle) => deaths.push(idle),
  });
  return { hb, pings, deaths, t0: Date.now() };
}

describe('Heartbeat', () => {
  it('pings at the interval and declares a silent connection dead after the timeout, not before', () => {
    const { pings, deaths, t0 } = setup(1000, 4000);
    vi.advanceTimersByTime(3999);
    expect(deaths).toEqual([]);
    // Pings at 1, 2, 3 s plus the probe at 3 s (a quarter before the end).
    expect(pings.map((t) => t - t0)).toEqual([1000, 2000, 3000, 3000]);
    vi.advanceTimersByTime(1);
    expect(deaths).toEqual([4000]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stays alive while frames keep arriving', () => {
    const { hb, deaths } = setup(1000, 4000);
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(2500);
      hb.seen();
    }
    expect(deaths).toEqual([]);
    hb.stop();
    hb.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after a stall, sends a probe and waits for frames that arrived meanwhile instead of dropping a live connection', () => {
    const { hb, pings, deaths } = setup(0, 4000);
    // The event loop was blocked: every timer is overdue when it finally runs.
    vi.setSystemTime(Date.now() + 10_000);
    vi.advanceTimersToNextTimer();
    expect(deaths).toEqual([]);
    expect(pings).toHaveLength(1); // the probe
    hb.seen(); // the frames read after the stall
    vi.advanceTimersByTime(1000);
    expect(deaths).toEqual([]);
    vi.advanceTimersByTime(4000);
    expect(deaths).toHaveLength(1); // and a real silence still ends it
  });

  it('does nothing when disabled', () => {
    const { deaths, pings } = setup(0, 0);
    vi.advanceTimersByTime(100_000);
    expect(deaths).toEqual([]);
    expect(pings).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
