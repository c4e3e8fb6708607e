// The merge of alerts.list and audit.list answers across nodes (the nodes themselves: node-router.test.ts).
import { describe, expect, it } from 'vitest';
import { ALERTS_KEPT, AUDIT_KEPT, type AlertEvent, type AuditEvent } from '../../shared/protocol';
import { MethodError } from '../hub/methods';
import { alertsAcross, auditAcross } from './merged-events';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
const alert = (process: string, ms: number): AlertEvent => ({ kind: 'alert', rule: 'crash', ruleIndex: 0, process, message: process, time: at(ms), count: 1 });
const entry = (target: string, ms: number): AuditEvent => ({ kind: 'audit', action: 'process.stop', target, userId: 'u', role: 'operator', clientId: 'c', time: at(ms), ok: true });
const counters = { published: 1, throttled: 2, webhookSent: 3, webhookFailures: 4, webhookDropped: 5 };

describe('alerts and audit across nodes', () => {
  it('keeps the latest entries of all nodes, oldest first, no more than one node answers', async () => {
    // Each node holds a full list; their times interleave.
    const lists: Record<string, AlertEvent[]> = {
      a: Array.from({ length: ALERTS_KEPT }, (_, i) => alert(`p${i}@a`, 2 * i)),
      b: Array.from({ length: ALERTS_KEPT }, (_, i) => alert(`p${i}@b`, 2 * i + 1)),
    };
    const merged = await alertsAcross(['a', 'b'], async (node) => ({ alerts: lists[node] as AlertEvent[], counters }));
    expect(merged.alerts).toHaveLength(ALERTS_KEPT);
    expect(merged.alerts[0]?.process).toBe(`p${ALERTS_KEPT / 2}@a`);
    expect(merged.alerts.at(-1)?.process).toBe(`p${ALERTS_KEPT - 1}@b`);
    expect(merged.alerts.map((x) => Date.parse(x.time))).toEqual([...merged.alerts.map((x) => Date.parse(x.time))].sort((x, y) => x - y));
    expect(merged.counters).toEqual({ published: 2, throttled: 4, webhookSent: 6, webhookFailures: 8, webhookDropped: 10 });
    const audit = await auditAcross(['a', 'b'], async (node) => ({ entries: Array.from({ length: AUDIT_KEPT }, (_, i) => entry(`${i}@${node}`, i)) }));
    expect(audit.entries).toHaveLength(AUDIT_KEPT);
    // Equal times: node a's entry before node b's.
    expect(audit.entries.slice(-2).map((e) => e.target)).toEqual([`${AUDIT_KEPT - 1}@a`, `${AUDIT_KEPT - 1}@b`]);
  });

  it('leaves out a node that is gone, and fails on any other error', async () => {
    const gone = async (node: string) => {
      if (node === 'b') throw new MethodError('unavailable', 'node b is unreachable');
      return { entries: [entry('x@a', 1)] };
    };
    expect((await auditAcross(['a', 'b'], gone)).entries.map((e) => e.target)).toEqual(['x@a']);
    await expect(
      auditAcross(['a', 'b'], async (node) => {
        if (node === 'b') throw new MethodError('timeout', 'node b did not answer');
        return { entries: [] };
      }),
    ).rejects.toMatchObject({ code: 'timeout' });
  });
});
