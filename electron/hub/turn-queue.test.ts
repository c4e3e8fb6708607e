// Work gathered in a turn runs in one immediate, in order, once per add.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TurnQueue } from './turn-queue';

describe('TurnQueue', () => {
  it("runs the turn's items in one immediate, in order; what is added meanwhile runs in the next", async () => {
    const ran: string[] = [];
    const queue = new TurnQueue<string>((item) => {
      ran.push(item);
      if (item === 'b') queue.add('late');
    });
    queue.add('a');
    queue.add('b');
    queue.add('c');
    expect(ran).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['a', 'b', 'c']);
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['a', 'b', 'c', 'late']);
  });

  it('runs the rest of the turn in the next immediate when one item throws, and lets the error surface', () => {
    // The immediates run by hand: the error the queue rethrows would otherwise be uncaught.
    const immediates: (() => void)[] = [];
    vi.spyOn(globalThis, 'setImmediate').mockImplementation(((fn: () => void) => immediates.push(fn)) as unknown as typeof setImmediate);
    const ran: string[] = [];
    const queue = new TurnQueue<string>((item) => {
      ran.push(item);
      if (item === 'b') throw new Error('flush failed');
    });
    queue.add('a');
    queue.add('b');
    queue.add('c');
    expect(immediates).toHaveLength(1);
    expect(() => immediates.shift()?.()).toThrow('flush failed');
    expect(ran).toEqual(['a', 'b']);
    // 'c' was queued again, in an immediate of its own, and nothing runs twice.
    expect(immediates).toHaveLength(1);
    immediates.shift()?.();
    expect(ran).toEqual(['a', 'b', 'c']);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});
