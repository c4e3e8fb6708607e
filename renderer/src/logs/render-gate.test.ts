import { describe, expect, it } from 'vitest';
import { RenderGate } from './render-gate';

/** A clock and timers moved by hand. */
function fakeTime() {
  let now = 0;
  const due: Array<{ at: number; fn: () => void; id: number }> = [];
  let ids = 0;
  return {
    now: () => now,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        const id = ++ids;
        due.push({ at: now + ms, fn, id });
        return id;
      },
      clearTimeout: (id: unknown) => {
        const at = due.findIndex((d) => d.id === id);
        if (at >= 0) due.splice(at, 1);
      },
    },
    advance(ms: number) {
      now += ms;
      for (const d of due.filter((x) => x.at <= now)) {
        due.splice(due.indexOf(d), 1);
        d.fn();
      }
    },
    get pending() {
      return due.length;
    },
  };
}

describe('RenderGate', () => {
  it('draws every batch of live output at once', () => {
    const time = fakeTime();
    let renders = 0;
    const gate = new RenderGate(() => renders++, { now: time.now, timers: time.timers, floodLines: 4000, floodIntervalMs: 200 });
    for (let i = 0; i < 10; i++) {
      gate.applied(170);
      time.advance(16);
    }
    expect(renders).toBe(10);
    expect(time.pending).toBe(0);
  });

  it('draws the first batch of a flood at once, then once per interval, and the last one even when nothing follows', () => {
    const time = fakeTime();
    let renders = 0;
    const gate = new RenderGate(() => renders++, { now: time.now, timers: time.timers, floodLines: 4000, floodIntervalMs: 200 });
    gate.applied(5000);
    expect(renders).toBe(1);
    for (let i = 0; i < 10; i++) {
      time.advance(16);
      gate.applied(5000);
    }
    // 160 ms in: still one redraw, the rest waits for the interval.
    expect(renders).toBe(1);
    time.advance(40);
    expect(renders).toBe(2);
    expect(time.pending).toBe(0);
  });

  it('holds back a flood that comes as many small batches, one per frame', () => {
    const time = fakeTime();
    let renders = 0;
    const gate = new RenderGate(() => renders++, { now: time.now, timers: time.timers, floodLines: 4000, floodIntervalMs: 200 });
    for (let i = 0; i < 12; i++) {
      gate.applied(500);
      time.advance(16);
    }
    // 192 ms of 500-line batches: each drawn until the window reached 4,000 lines, then held back.
    expect(renders).toBe(7);
    time.advance(200);
    expect(renders).toBe(8);
  });

  it('holds back a replay whatever its rate, and draws it at once when it has caught up', () => {
    const time = fakeTime();
    let renders = 0;
    const gate = new RenderGate(() => renders++, { now: time.now, timers: time.timers, floodLines: 4000, floodIntervalMs: 200, backlogIntervalMs: 500 });
    gate.applied(100, true);
    expect(renders).toBe(1);
    time.advance(16);
    gate.applied(100, true);
    time.advance(16);
    gate.applied(100, true);
    expect(renders).toBe(1);
    // A replay is redrawn every backlogIntervalMs, not every floodIntervalMs.
    time.advance(200);
    gate.applied(100, true);
    expect(renders).toBe(1);
    time.advance(16);
    gate.applied(50, false);
    expect(renders).toBe(2);
    expect(time.pending).toBe(0);
    // Live output after it is drawn batch by batch.
    time.advance(16);
    gate.applied(100, false);
    expect(renders).toBe(3);
  });

  it('renderNow draws at once and cancel drops a waiting redraw', () => {
    const time = fakeTime();
    let renders = 0;
    const gate = new RenderGate(() => renders++, { now: time.now, timers: time.timers });
    gate.applied(5000);
    gate.applied(5000);
    expect(renders).toBe(1);
    gate.renderNow();
    expect(renders).toBe(2);
    gate.applied(5000);
    gate.cancel();
    time.advance(1000);
    expect(renders).toBe(2);
  });
});
