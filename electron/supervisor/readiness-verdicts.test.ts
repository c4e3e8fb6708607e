// What a readiness probe means beyond one run, through a real Supervisor and real child processes:
// every process with a readiness probe has `health` in the list whatever its state (CONTRACT.md,
// "Process definitions beyond the Procfile"), and a dependency that never becomes healthy leaves
// its dependant waiting with a reason that names it and says why.
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessInfoSchema, type ProcessInfo } from '../../shared/protocol';
import type { ProbeSpec } from './orchestration-definition';
import { freePort } from '../platform/test-support/free-port';
import { runCleanups, setup, sleep } from './test-support';

afterEach(runCleanups);

/** A tcp probe on a port nothing listens on: every check fails at once. */
async function failingProbe(failureThreshold = 2): Promise<ProbeSpec> {
  return { kind: 'tcp', port: await freePort(), periodMs: 50, timeoutMs: 200, initialDelayMs: 0, failureThreshold };
}

describe('health in the process list', () => {
  it('is there for every process with a readiness probe, in every state; never for one without', async () => {
    const probe = await failingProbe();
    const { hub, sup } = setup([
      { id: 'never-started', command: 'sleep 1000', autostart: false, readiness: probe },
      { id: 'dep', command: 'sleep 1000', readiness: probe },
      { id: 'waits', command: 'sleep 1000', dependsOn: { dep: 'healthy' }, readiness: probe },
      { id: 'done', command: 'exit 0', readiness: probe },
      { id: 'again', command: 'exit 1', restart: { mode: 'always', initialDelayMs: 30_000 }, readiness: probe },
      { id: 'missing', command: 'no-such-command-for-switchyard-tests', readiness: probe },
      { id: 'plain', command: 'sleep 1000' },
      { id: 'plain-done', command: 'exit 0' },
    ]);
    const byId = (): Record<string, ProcessInfo> => Object.fromEntries(sup.list().map((p) => [p.id, ProcessInfoSchema.parse(p)]));
    const health = (): Record<string, string | undefined> => Object.fromEntries(Object.values(byId()).map((p) => [p.id, `${p.status}/${p.health ?? '-'}`]));
    expect(health()['never-started']).toBe('stopped/unhealthy');
    sup.start();
    await hub.waitFor(() => {
      const h = health();
      return h.done === 'exited/unhealthy' && h.again === 'restarting/checking' && h.missing === 'failed/unhealthy' && h.dep === 'running/unhealthy' && h['plain-done'] === 'exited/-';
    }, `every state reached: ${JSON.stringify(health())}`);
    expect(health()).toEqual({
      'never-started': 'stopped/unhealthy', // nothing runs that could pass its probe
      dep: 'running/unhealthy', // its run's verdict: failureThreshold checks failed
      waits: 'waiting/checking', // a run is on its way
      done: 'exited/unhealthy',
      again: 'restarting/checking',
      missing: 'failed/unhealthy',
      plain: 'running/-',
      'plain-done': 'exited/-',
    });
    // The list's verdict of a process that is not running is not a probe that failed: no status
    // message says `unhealthy` for an exit or a failure, so an `unhealthy` alert never fires for one.
    for (const id of ['done', 'missing', 'again']) expect(hub.statuses(id).filter((s) => s.health === 'unhealthy')).toEqual([]);
    await sup.stopProcess('dep');
    expect(health().dep).toBe('stopped/unhealthy');
  });
});

describe('a dependency that never becomes healthy', () => {
  it('leaves its dependant waiting, with a reason naming it and its failing probe', async () => {
    const { hub, sup } = setup([
      { id: 'db', command: 'sleep 1000', readiness: await failingProbe(2) },
      { id: 'api', command: 'echo api up; sleep 1000', dependsOn: { db: 'healthy' } },
    ]);
    sup.start();
    const expected = /^waiting for db \(healthy\): never became healthy, its readiness probe fails: connect to (127\.0\.0\.1|::1):\d+: ECONNREFUSED/;
    await hub.waitFor(() => expected.test(sup.get('api').reason ?? ''), `api waiting with the reason (now: ${sup.get('api').reason})`);
    expect(sup.get('db')).toMatchObject({ status: 'running', health: 'unhealthy' });
    expect(sup.get('api')).toMatchObject({ status: 'waiting', waitingFor: ['db'], dependsOn: [{ id: 'db', condition: 'healthy', met: false }] });
    // The reason went out on the wire, and the dependant was never started half-ready.
    expect(hub.statuses('api').some((s) => s.status === 'waiting' && expected.test(s.reason ?? ''))).toBe(true);
    await sleep(300); // more failed checks: still waiting, still not started
    expect(sup.get('api').status).toBe('waiting');
    expect(hub.statuses('api').map((s) => s.status)).not.toContain('starting');
    expect(hub.lines('api')).toEqual([]);
  });
});
