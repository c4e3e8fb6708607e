// The input gate: a per-client rate limit that refills with time and leaves other clients alone.
import { expect, it } from 'vitest';
import { InputGuard } from './input-guard';

const alice = { clientId: 'c1', userId: 'alice', role: 'operator' as const };
const bob = { clientId: 'c2', userId: 'bob', role: 'operator' as const };

it('refuses a client past its burst until time refills it, without touching other clients', () => {
  let now = 0;
  const guard = new InputGuard({ perSecond: 10, burst: 3, now: () => now });
  for (let i = 0; i < 3; i++) guard.admit('process.input', alice);
  expect(() => guard.admit('process.input', alice)).toThrow(expect.objectContaining({ code: 'rate_limited' }));
  guard.admit('process.resize', bob);
  now += 100; // one token back
  guard.admit('process.input', alice);
  expect(() => guard.admit('process.input', alice)).toThrow(expect.objectContaining({ code: 'rate_limited' }));
  expect(guard.refused).toBe(2);
});
