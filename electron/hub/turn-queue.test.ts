// Work gathered in a turn runs in one immediate, in order, once per add.
import { describe, expect, it } from 'vitest';
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
});
