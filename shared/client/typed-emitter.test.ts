import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './typed-emitter';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('TypedEmitter', () => {
  it('calls listeners in order, lets them unsubscribe while emitting, and rethrows a throw later instead of swallowing it', () => {
    const rethrown: (() => void)[] = [];
    vi.stubGlobal('queueMicrotask', (fn: () => void) => rethrown.push(fn));
    const e = new TypedEmitter<{ tick: [n: number] }>();
    const got: string[] = [];
    const stopA = e.on('tick', (n) => {
      got.push(`a${n}`);
      stopA();
    });
    e.on('tick', () => {
      throw new Error('listener bug');
    });
    e.on('tick', (n) => got.push(`c${n}`));
    e.emit('tick', 1);
    e.emit('tick', 2);
    expect(got).toEqual(['a1', 'c1', 'c2']);
    expect(rethrown).toHaveLength(2);
    expect(() => rethrown[0]!()).toThrow('listener bug');
    expect(() => e.on('tick', 'nope' as never)).toThrow(TypeError);
  });
});
