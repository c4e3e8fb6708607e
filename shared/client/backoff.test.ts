import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, baseDelay, checkBackoffOptions, DEFAULT_BACKOFF } from './backoff';

describe('backoff', () => {
  it("follows the seed's curve by default: 1 s doubling up to 30 s", () => {
    const curve = Array.from({ length: 8 }, (_, i) => baseDelay(i + 1, DEFAULT_BACKOFF));
    expect(curve).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('never exceeds the maximum, never drops below base * (1 - jitter), never overflows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (retry, initial, extra, multiplier, jitter, r) => {
          const options = { initialDelayMs: initial, maxDelayMs: initial + extra, multiplier, jitter };
          const base = baseDelay(retry, options);
          const delay = backoffDelay(retry, options, () => r);
          expect(Number.isFinite(delay)).toBe(true);
          expect(base).toBeLessThanOrEqual(options.maxDelayMs);
          expect(delay).toBeLessThanOrEqual(options.maxDelayMs);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitter)));
        },
      ),
    );
  });

  it('spreads delays over the jitter range', () => {
    const options = { ...DEFAULT_BACKOFF, jitter: 0.5 };
    expect(backoffDelay(3, options, () => 0)).toBe(4000);
    expect(backoffDelay(3, options, () => 0.999999)).toBe(2000);
  });

  it.each([
    [{ initialDelayMs: -1 }, /initialDelayMs/],
    [{ maxDelayMs: 10 }, /maxDelayMs/],
    [{ multiplier: 0.5 }, /multiplier/],
    [{ jitter: 2 }, /jitter/],
    [{ initialDelayMs: Number.NaN }, /initialDelayMs/],
  ])('rejects nonsense options %o', (bad, message) => {
    expect(() => checkBackoffOptions({ ...DEFAULT_BACKOFF, ...bad })).toThrow(message);
  });
});
