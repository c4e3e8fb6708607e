import { describe, expect, it } from 'vitest';
import { SubscriptionPacer } from './subscription-pacer';

/** Timers that fire only when the test says so. */
function manualTimers() {
  const due = new Map<number, () => void>();
  let ids = 0;
  return {
    setTimeout: (fn: () => void) => {
      due.set(++ids, fn);
      return ids;
    },
    clearTimeout: (id: unknown) => void due.delete(id as number),
    fireAll: () => {
      const fns = [...due.values()];
      due.clear();
      for (const fn of fns) fn();
    },
  };
}

describe('SubscriptionPacer', () => {
  it('keeps at most maxInFlight subscribes out, and sends the next one per answer', () => {
    const timers = manualTimers();
    const pacer = new SubscriptionPacer(2, 1000, timers);
    const started: string[] = [];
    for (const c of ['a', 'b', 'c', 'd']) pacer.enqueue(c, () => started.push(c));
    expect(started).toEqual(['a', 'b']);
    pacer.answered('x'); // not ours: nothing moves
    pacer.answered('b');
    expect(started).toEqual(['a', 'b', 'c']);
    pacer.answered('a');
    pacer.answered('c');
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(pacer.waiting).toBe(0);
  });

  it('goes on after a subscribe that is never answered', () => {
    const timers = manualTimers();
    const pacer = new SubscriptionPacer(1, 1000, timers);
    const started: string[] = [];
    pacer.enqueue('refused', () => started.push('refused'));
    pacer.enqueue('next', () => started.push('next'));
    expect(started).toEqual(['refused']);
    timers.fireAll();
    expect(started).toEqual(['refused', 'next']);
  });

  it('drops a subscribe cancelled before it ran, and frees the slot of one cancelled after', () => {
    const timers = manualTimers();
    const pacer = new SubscriptionPacer(1, 1000, timers);
    const started: string[] = [];
    const dropA = pacer.enqueue('a', () => started.push('a'));
    const dropB = pacer.enqueue('b', () => started.push('b'));
    pacer.enqueue('c', () => started.push('c'));
    dropB();
    dropA();
    expect(started).toEqual(['a', 'c']);
    pacer.close();
    pacer.enqueue('d', () => started.push('d'));
    expect(started).toEqual(['a', 'c', 'd']);
  });
});
