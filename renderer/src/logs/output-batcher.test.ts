import { describe, expect, it } from 'vitest';
import { manualScheduler } from '../test-support/fake-hub-connection';
import { OutputBatcher } from './output-batcher';

describe('OutputBatcher', () => {
  it('applies everything pushed between two frames in one batch', () => {
    const clock = manualScheduler();
    const batches: number[][] = [];
    const batcher = new OutputBatcher<number>((b) => batches.push(b), clock.schedule);
    for (let i = 0; i < 10_000; i++) batcher.push(i);
    expect(batches).toHaveLength(0);
    expect(clock.scheduled).toBe(1);
    clock.tick();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(10_000);
    batcher.push(1);
    expect(clock.scheduled).toBe(2);
  });

  it('flushes at once when the queue is full, so throttled timers cannot let it grow', () => {
    const clock = manualScheduler();
    const batches: number[][] = [];
    const batcher = new OutputBatcher<number>((b) => batches.push(b), clock.schedule, 100);
    for (let i = 0; i < 250; i++) batcher.push(i);
    expect(batches.map((b) => b.length)).toEqual([100, 100]);
    expect(batcher.pending).toBe(50);
    clock.tick();
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
  });

  it('drops the queue on close and ignores later pushes', () => {
    const clock = manualScheduler();
    const batches: number[][] = [];
    const batcher = new OutputBatcher<number>((b) => batches.push(b), clock.schedule);
    batcher.push(1);
    batcher.close();
    batcher.close();
    batcher.push(2);
    clock.tick();
    batcher.flush();
    expect(batches).toHaveLength(0);
  });
});
