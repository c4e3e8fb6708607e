// The input gate: a per-client rate limit, and an audit trail folded per window (never keystrokes).
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/protocol';
import { InputGuard } from './input-guard';

const alice = { clientId: 'c1', userId: 'alice', role: 'operator' as const };
const bob = { clientId: 'c2', userId: 'bob', role: 'operator' as const };

describe('InputGuard', () => {
  it('refuses a client past its burst until time refills it, without touching other clients', () => {
    let now = 0;
    const guard = new InputGuard({ perSecond: 10, burst: 3, now: () => now });
    for (let i = 0; i < 3; i++) guard.admit('process.input', alice);
    expect(() => guard.admit('process.input', alice)).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    guard.admit('process.input', bob);
    now += 100; // one token back
    guard.admit('process.input', alice);
    expect(guard.refused).toBe(1);
  });

  it('records the first write at once and folds later ones into one entry per window', () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const entries: AuditEvent[] = [];
    const guard = new InputGuard({ auditWindowMs: 60_000, audit: (e) => entries.push(e), now: () => now });
    guard.record('process.input', 'sh', alice, 3);
    for (let i = 0; i < 10; i++) guard.record('process.input', 'sh', alice, 1);
    guard.record('process.input', 'db', alice, 5);
    expect(entries.map((e) => [e.target, e.detail])).toEqual([
      ['sh', 'first write, 3 bytes'],
      ['db', 'first write, 5 bytes'],
    ]);
    now += 61_000;
    guard.record('process.input', 'sh', alice, 2);
    expect(entries[2]).toMatchObject({ kind: 'audit', action: 'process.input', target: 'sh', userId: 'alice', role: 'operator', clientId: 'c1', ok: true, detail: '11 writes, 12 bytes since 2026-12-01T10:00:00.000Z' });
  });
});
