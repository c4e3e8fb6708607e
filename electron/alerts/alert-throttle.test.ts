// The throttle (alert-throttle.ts) on a driven clock and injected timers (shared/timers.ts): no
// real waits. One alert per rule and process per minute, the repeats counted into the next one.
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../shared/protocol';
import type { Timers } from '../../shared/timers';
import { AlertEngine } from './alert-engine';
import { defaultAlertRules } from './alert-rules';
import { AlertThrottle } from './alert-throttle';

const MINUTE = 60_000;

/** A clock and timers that move only when the test says so. */
function drivenTime() {
  let now = 1_000_000;
  let ids = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      due.set(++ids, { at: now + ms, fn });
      return ids;
    },
    clearTimeout: (id) => void due.delete(id as number),
  };
  return {
    timers,
    now: () => now,
    pending: () => due.size,
    /** Move the clock by `ms`, running each timer that falls due, in order, at its time. */
    advance(ms: number): void {
      const end = now + ms;
      for (;;) {
        const next = [...due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        due.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = end;
    },
  };
}

function throttle() {
  const time = drivenTime();
  const out: { payload: string; count: number; at: number }[] = [];
  const t = new AlertThrottle<string>((payload, count) => out.push({ payload, count, at: time.now() }), { windowMs: MINUTE, now: time.now, timers: time.timers });
  return { time, out, t };
}

describe('AlertThrottle', () => {
  it('sends the first at once, folds the repeats of the minute, and sends the latest of them with their count when it ends', () => {
    const { time, out, t } = throttle();
    const start = time.now();
    t.push('crash\0web', 'first');
    expect(out).toEqual([{ payload: 'first', count: 1, at: start }]);
    for (let i = 1; i <= 11; i++) {
      time.advance(5000);
      t.push('crash\0web', `repeat ${i}`);
    }
    expect(out).toHaveLength(1); // nothing more inside the minute
    expect(t.folded).toBe(11);
    time.advance(MINUTE - 55_000 - 1);
    expect(out).toHaveLength(1);
    time.advance(1);
    expect(out).toEqual([
      { payload: 'first', count: 1, at: start },
      { payload: 'repeat 11', count: 11, at: start + MINUTE },
    ]);
    expect(time.pending()).toBe(0);
  });

  it('keeps one window per key: another rule or another process is not held back', () => {
    const { out, t } = throttle();
    t.push('crash\0web', 'web crashed');
    t.push('crash\0db', 'db crashed');
    t.push('exit\0web', 'web exited');
    t.push('crash\0web', 'web again');
    expect(out.map((o) => [o.payload, o.count])).toEqual([
      ['web crashed', 1],
      ['db crashed', 1],
      ['web exited', 1],
    ]);
  });

  it('never sends twice within a minute for a key: repeats after a fold wait for the next minute; a quiet minute ends the window', () => {
    const { time, out, t } = throttle();
    t.push('k', 'a');
    time.advance(10_000);
    t.push('k', 'b');
    time.advance(MINUTE); // b goes out at the minute, a new window starts there
    time.advance(1000);
    t.push('k', 'c'); // inside the new window: folded
    expect(out.map((o) => o.payload)).toEqual(['a', 'b']);
    time.advance(MINUTE);
    expect(out.map((o) => [o.payload, o.count])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    const times = out.map((o) => o.at);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(MINUTE);
    time.advance(5 * MINUTE); // a quiet window: the next event goes out at once
    t.push('k', 'd');
    expect(out.at(-1)).toEqual({ payload: 'd', count: 1, at: time.now() });
  });

  it('forget and close drop pending folds and their timers; nothing goes out after close', () => {
    const { time, out, t } = throttle();
    t.push('a', '1');
    t.push('a', '2');
    t.push('b', '1');
    t.push('b', '2');
    expect(time.pending()).toBe(2);
    t.forget('a');
    expect(time.pending()).toBe(1);
    t.close();
    expect(time.pending()).toBe(0);
    t.push('c', '1');
    time.advance(10 * MINUTE);
    expect(out.map((o) => o.payload)).toEqual(['1', '1']);
  });

  it('refuses a window that is not positive', () => {
    expect(() => new AlertThrottle(() => {}, { windowMs: 0 })).toThrow(RangeError);
  });
});

describe('the engine throttles per rule and process', () => {
  it('a crash loop of two processes: one alert each per minute, then one with the count of the rest', () => {
    const time = drivenTime();
    const published: AlertEvent[] = [];
    const engine = new AlertEngine({ rules: defaultAlertRules(), publishEvent: (_c, data) => published.push(data as AlertEvent), now: time.now, timers: time.timers });
    for (let i = 0; i < 5; i++) {
      engine.onStatus('web', { status: 'exited', exitCode: 1 });
      engine.onStatus('db', { status: 'exited', exitCode: 2 });
      time.advance(1000);
    }
    expect(published.map((a) => [a.rule, a.process, a.count])).toEqual([
      ['crash', 'web', 1],
      ['crash', 'db', 1],
    ]);
    time.advance(MINUTE);
    expect(published.map((a) => [a.rule, a.process, a.count])).toEqual([
      ['crash', 'web', 1],
      ['crash', 'db', 1],
      ['crash', 'web', 4],
      ['crash', 'db', 4],
    ]);
    expect(engine.counters()).toMatchObject({ published: 4, throttled: 8 });
    engine.close();
  });
});
