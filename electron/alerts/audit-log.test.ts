// Every control action leaves one audit entry, whoever made it: here a plain `ws` client (a
// script) drives the real Hub and the real Supervisor; a second one reads the `audit` channel.
import { afterEach, describe, expect, it } from 'vitest';
import { AuditEventSchema, type AuditEvent } from '../../shared/protocol';
import { startHub, TestClient, until, VIEWER_TOKEN } from '../hub/test-helpers';
import { Supervisor } from '../supervisor/supervisor';
import { Alerting } from './alerting';
import { formatAuditEntry } from './audit-format';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(foldMs = 10_000) {
  const alerting = new Alerting({ audit: { foldMs } });
  const { hub, url } = await startHub({ onMethodCall: (c) => alerting.audit.onCall(c) });
  alerting.attach(hub);
  cleanups.push(() => hub.close(), () => alerting.close());
  const supervisor = new Supervisor({ hub: alerting.tap(hub), watchdog: false, definitions: [{ id: 'web', command: 'cat > /dev/null', stdin: true }], settleMs: 200 });
  cleanups.push(() => supervisor.close());
  supervisor.start();
  const reader = await TestClient.open(url, { token: VIEWER_TOKEN });
  cleanups.push(() => reader.close());
  await reader.subscribe('audit');
  const script = await TestClient.open(url);
  cleanups.push(() => script.close());
  const entries = (): AuditEvent[] => reader.on('audit', 'event').map((m) => AuditEventSchema.parse(m.data));
  return { alerting, hub, url, reader, script, entries };
}

describe('audit of control actions', () => {
  it('records start, stop, restart, add, remove, login link and disconnect from a script, with who, what and when', async () => {
    const { script, entries, url, hub } = await setup();
    const victim = await TestClient.open(url, { token: VIEWER_TOKEN });
    cleanups.push(() => victim.close());
    await until(() => hub.stats().clientList.length === 3, 'three clients', 5000);
    const victimId = hub.stats().clientList.find((c) => c.userId === 'victor' && c.subscriptions.length === 0)?.id as string;

    const before = Date.now();
    for (const [method, params] of [
      ['process.stop', { id: 'web' }],
      ['process.start', { id: 'web' }],
      ['process.restart', { id: 'web' }],
      ['process.add', { id: 'extra', command: 'sleep 30' }],
      ['process.remove', { id: 'extra' }],
      ['hub.loginLink', { role: 'viewer' }],
      ['hub.disconnect', { clientId: victimId }],
      ['process.list', undefined],
      ['hub.stats', undefined],
    ] as const) {
      const res = await script.request(method, params);
      expect(res, method).not.toHaveProperty('error');
    }
    await until(() => entries().length >= 7, 'seven entries', 5000);
    expect(entries().map((e) => [e.action, e.target, e.userId, e.role, e.ok])).toEqual([
      ['process.stop', 'web', 'alice', 'operator', true],
      ['process.start', 'web', 'alice', 'operator', true],
      ['process.restart', 'web', 'alice', 'operator', true],
      ['process.add', 'extra', 'alice', 'operator', true],
      ['process.remove', 'extra', 'alice', 'operator', true],
      ['hub.loginLink', 'viewer', 'alice', 'operator', true],
      ['hub.disconnect', victimId, 'alice', 'operator', true],
    ]);
    const scriptId = entries()[0]?.clientId;
    expect(hub.client(scriptId as string)?.userId).toBe('alice');
    for (const e of entries()) expect(Date.parse(e.time)).toBeGreaterThanOrEqual(before - 1000);
    expect(entries()[3]?.detail).toBe('sleep 30');
    // The link itself (a credential) is never in the record.
    expect(JSON.stringify(entries())).not.toMatch(/ticket=/);
    expect(formatAuditEntry(entries()[2] as AuditEvent)).toMatch(/^\S+Z {2}alice \(operator, \S+\) {2}process\.restart web {2}ok$/);
  });

  it('records refusals too: a viewer trying to stop, an unknown process', async () => {
    const { script, entries, url } = await setup();
    const viewer = await TestClient.open(url, { token: VIEWER_TOKEN });
    cleanups.push(() => viewer.close());
    expect(await viewer.request('process.stop', { id: 'web' })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await script.request('process.restart', { id: 'nope' })).toMatchObject({ error: { code: 'not_found' } });
    await until(() => entries().length >= 2, 'two entries', 5000);
    expect(entries().map((e) => [e.action, e.target, e.userId, e.ok, e.detail])).toEqual([
      ['process.stop', 'web', 'victor', false, 'forbidden'],
      ['process.restart', 'nope', 'alice', false, 'not_found'],
    ]);
  });

  it('a flood of refused calls from one client is folded: it cannot wash the real entries out', async () => {
    const { script, entries, url, alerting } = await setup(300);
    const viewer = await TestClient.open(url, { token: VIEWER_TOKEN });
    cleanups.push(() => viewer.close());
    for (let i = 0; i < 50; i++) await viewer.request('process.stop', { id: `p${i}` });
    await script.request('process.stop', { id: 'web' });
    await until(() => entries().length >= 3, 'the folded refusals', 5000);
    expect(entries().map((e) => [e.action, e.target, e.userId, e.ok, e.detail])).toEqual([
      ['process.stop', 'p0', 'victor', false, 'forbidden'],
      ['process.stop', 'web', 'alice', true, undefined],
      ['process.stop', 'p49', 'victor', false, '49 more refused, last: forbidden'],
    ]);
    expect(alerting.audit.list()).toHaveLength(3);
  });

  it('input to a terminal: the first keystroke at once, the burst folded into one entry, never the content', async () => {
    const { script, entries, hub, alerting } = await setup(300);
    await until(() => hub.stats().clientList.length === 2, 'two clients', 5000);
    for (const data of ['s', 'e', 'c', 'r', 'e', 't\r']) await script.request('process.input', { id: 'web', data });
    await until(() => entries().length >= 2, 'the folded entry', 5000);
    expect(entries().map((e) => [e.action, e.target, e.detail])).toEqual([
      ['process.input', 'web', '1 bytes'],
      ['process.input', 'web', '5 more inputs, 6 bytes'],
    ]);
    expect(JSON.stringify(entries())).not.toContain('secret');
    // audit.list has the same entries, for `switchyard logs --audit`.
    const listed = await script.request('audit.list');
    expect((listed.data as { entries: AuditEvent[] }).entries).toEqual(alerting.audit.list());
  });

  it('a client may not publish to the audit channel (no forged entries)', async () => {
    const { script } = await setup();
    script.send({ type: 'publish', channel: 'audit', data: { kind: 'audit', action: 'process.stop' } });
    expect((await script.waitFor((m) => m.type === 'error')).data).toMatch(/reserved/);
  });
});
