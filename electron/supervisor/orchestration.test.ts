// Orchestration with real processes (issue #15): dependency order and conditions, readiness and
// liveness probes, refused graphs, stop order, and starting a dependant by hand.
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../shared/protocol';
import { parseConfig } from './config-file';
import { DefinitionError } from './definition-basics';
import { freePort } from '../platform/test-support/free-port';
import { NODE, fixture, runCleanups, setup, sleep } from './test-support';

afterEach(runCleanups);

describe('dependsOn', () => {
  it('starts an api only after its db became healthy (tcp readiness), waiting before', async () => {
    const port = await freePort();
    const { hub, sup } = setup([
      { id: 'db', command: `${NODE} ${fixture('late-server.mjs')} 2000 ${port}`, readiness: { kind: 'tcp', port, periodMs: 200, timeoutMs: 500, initialDelayMs: 0, failureThreshold: 100 } },
      { id: 'api', command: 'echo api up; sleep 1000', dependsOn: { db: 'healthy' } },
    ]);
    sup.start();
    await hub.waitStatus('api', 'waiting');
    const waiting = sup.get('api');
    expect(waiting).toMatchObject({ status: 'waiting', waitingFor: ['db'], dependsOn: [{ id: 'db', condition: 'healthy', met: false }] });
    expect(waiting.reason).toMatch(/^waiting for db \(healthy\): not healthy yet/);
    expect(Date.parse(waiting.waitingSince as string)).toBeGreaterThan(0);
    expect(sup.get('db').health).toBe('checking');

    await hub.waitStatus('api', 'running', 1, 15_000);
    const db = sup.get('db');
    const api = sup.get('api');
    expect(db.health).toBe('healthy');
    expect(hub.lines('db').map((l) => l.line)).toContain(`listening ${port}`);
    // the order on the wire: db healthy, then api starting
    const seqOf = (id: string, pred: (d: Record<string, unknown>) => boolean): number =>
      hub.messages.find((m) => m.channel === `process:${id}` && m.type === 'process_status' && pred(m.data as Record<string, unknown>))?.seq ?? -1;
    expect(seqOf('db', (d) => d.health === 'healthy')).toBeLessThan(seqOf('api', (d) => d.status === 'starting'));
    expect(Date.parse(api.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(db.healthyAt as string));
    expect(Date.parse(db.healthyAt as string) - Date.parse(db.startedAt as string)).toBeGreaterThanOrEqual(1900);
    expect(api.dependsOn).toEqual([{ id: 'db', condition: 'healthy', met: true }]);
    expect(api.waitingFor).toBeUndefined();
  }, 20_000);

  it('runs a migration to completion first; a failed one leaves its dependant waiting with the reason', async () => {
    const { hub, sup } = setup([
      { id: 'migrate', command: 'sleep 0.3; echo migrated' },
      { id: 'api', command: 'echo api up; sleep 1000', dependsOn: { migrate: 'completed' } },
      { id: 'bad-migrate', command: 'sleep 0.2; exit 3' },
      { id: 'worker', command: 'sleep 1000', dependsOn: { 'bad-migrate': 'completed' } },
    ]);
    sup.start();
    await hub.waitStatus('api', 'running');
    const migrated = hub.messages.findIndex((m) => m.channel === 'process:migrate' && m.type === 'process_status' && (m.data as { status: string }).status === 'exited');
    const apiStarting = hub.messages.findIndex((m) => m.channel === 'process:api' && (m.data as { status?: string }).status === 'starting');
    expect(migrated).toBeGreaterThan(-1);
    expect(apiStarting).toBeGreaterThan(migrated);
    expect(sup.get('migrate')).toMatchObject({ status: 'exited', exitCode: 0 });

    await hub.waitFor(() => /exited with code 3/.test(sup.get('worker').reason ?? ''), 'the reason of worker');
    const worker = sup.get('worker');
    expect(worker).toMatchObject({ status: 'waiting', waitingFor: ['bad-migrate'] });
    expect(worker.reason).toBe('waiting for bad-migrate (completed): exited with code 3 and will not restart');
    await sleep(300);
    expect(hub.statuses('worker').some((s) => s.status === 'starting')).toBe(false); // never started half-ready
  });

  it('the list shorthand means started; a dependency that gives up is named in the reason', async () => {
    const { hub, sup } = setup([
      {
        id: 'crashy',
        command: 'exit 1',
        restart: { mode: 'on-failure', initialDelayMs: 100, maxRestarts: 1 },
        readiness: { kind: 'log', pattern: 'never', periodMs: 100, timeoutMs: 100, initialDelayMs: 0, failureThreshold: 3 },
      },
      { id: 'app', command: 'sleep 1000', dependsOn: { crashy: 'healthy' } },
      { id: 'side', command: 'sleep 1000', dependsOn: { app: 'started' } },
    ]);
    sup.start();
    await hub.waitFor(() => /gave up restarting/.test(sup.get('app').reason ?? ''), 'app to name the dependency that gave up', 10_000);
    expect(sup.get('app').reason).toBe('waiting for crashy (healthy): exited with code 1 and gave up restarting');
    expect(sup.get('side')).toMatchObject({ status: 'waiting', waitingFor: ['app'], reason: 'waiting for app (started): is waiting for crashy' });
    expect(sup.get('crashy').gaveUp).toBe(true);

    const shorthand = parseConfig('processes:\n  a: sleep 1\n  b: { command: sleep 1, dependsOn: [a] }\n', '/tmp/x.yaml');
    expect(shorthand[1]?.dependsOn).toEqual({ a: 'started' });
  });

  it('refuses a cycle and an unknown id at start, naming them, and starts nothing', () => {
    const cyclic = setup([
      { id: 'a', command: 'sleep 1000', dependsOn: { b: 'started' } },
      { id: 'b', command: 'sleep 1000', dependsOn: { c: 'started' } },
      { id: 'c', command: 'sleep 1000', dependsOn: { a: 'started' } },
      { id: 'free', command: 'sleep 1000' },
    ]);
    expect(() => cyclic.sup.start()).toThrow(DefinitionError);
    expect(() => cyclic.sup.start()).toThrow('dependency cycle: "a" -> "b" -> "c" -> "a"');
    const unknown = setup([
      { id: 'api', command: 'sleep 1000', dependsOn: { db: 'healthy', cache: 'started' } },
      { id: 'web', command: 'sleep 1000' },
    ]);
    expect(() => unknown.sup.start()).toThrow(/"api" depends on "db", which is not defined; process "api" depends on "cache", which is not defined/);
    expect(cyclic.hub.messages).toEqual([]);
    expect(unknown.hub.messages).toEqual([]);
    expect(cyclic.sup.list().every((p) => p.status === 'stopped' && p.pid === undefined)).toBe(true);

    // and in a config file, before anything runs
    const yaml = 'processes:\n  a: { command: x, dependsOn: { b: started } }\n  b: { command: x, dependsOn: [a] }\n  c: { command: x, dependsOn: { a: healthy } }\n';
    expect(() => parseConfig(yaml, 'switchyard.yaml')).toThrow(
      'switchyard.yaml: process "c" depends on "a" being healthy, but "a" has no readiness probe; dependency cycle: "a" -> "b" -> "a"; nothing was started',
    );
  });

  it('starting a dependant by hand starts what it needs first, and says so', async () => {
    const { hub, sup } = setup([
      { id: 'db', command: `${NODE} ${fixture('late-server.mjs')} 300 0`, autostart: false, readiness: { kind: 'log', pattern: '^listening \\d+', periodMs: 60_000, timeoutMs: 100, initialDelayMs: 0, failureThreshold: 3 } },
      { id: 'api', command: 'sleep 1000', autostart: false, dependsOn: { db: 'healthy' } },
    ]);
    sup.start();
    expect(sup.list().map((p) => p.status)).toEqual(['stopped', 'stopped']);
    const answer = (await hub.call('process.start', { id: 'api' })) as ProcessInfo;
    expect(answer).toMatchObject({ status: 'waiting', waitingFor: ['db'] });
    expect(answer.reason).toMatch(/^waiting for db \(healthy\)/);
    expect(sup.get('db').status).toBe('running');
    // a log readiness probe passes on the line itself, not at the next period (a minute here)
    await hub.waitStatus('api', 'running', 1, 20_000);
    expect(sup.get('db').health).toBe('healthy');
  });

  it('stops dependants before what they depend on', async () => {
    const { hub, sup } = setup([
      { id: 'db', command: 'sleep 1000' },
      // the api takes its time to stop: without the order, db would be stopped first
      { id: 'api', command: `exec ${NODE} -e "process.on('SIGTERM', () => setTimeout(() => process.exit(0), 400)); setInterval(() => {}, 1000); console.log('ready')"`, dependsOn: { db: 'started' } },
    ]);
    sup.start();
    await hub.waitFor(() => hub.lines('api').length > 0, 'api ready');
    await sup.close();
    const stoppedAt = (id: string): number => hub.messages.findIndex((m) => m.channel === `process:${id}` && (m.data as { status?: string }).status === 'stopped');
    expect(stoppedAt('api')).toBeGreaterThan(-1);
    expect(stoppedAt('db')).toBeGreaterThan(stoppedAt('api'));
  });
});

describe('probes', () => {
  it('a failing liveness probe restarts its process under its policy, saying why', async () => {
    const { hub, sup } = setup([
      {
        id: 'zombie-ish',
        command: 'echo started; sleep 1000',
        restart: { mode: 'on-failure', initialDelayMs: 100, maxRestarts: 5 },
        liveness: { kind: 'exec', command: 'echo "not today" >&2; exit 1', periodMs: 100, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 2 },
      },
      { id: 'fine', command: 'sleep 1000', liveness: { kind: 'exec', command: 'true', periodMs: 100, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 1 } },
    ]);
    sup.start();
    await hub.waitStatus('zombie-ish', 'restarting');
    const restarting = hub.statuses('zombie-ish').find((s) => s.status === 'restarting');
    expect(restarting?.reason).toBe('liveness probe failed: `echo "not today" >&2; exit 1` exited with code 1: not today');
    const exited = hub.statuses('zombie-ish').find((s) => s.status === 'exited');
    expect(exited).toMatchObject({ signal: 'SIGTERM', reason: restarting?.reason });
    await hub.waitFor(() => hub.lines('zombie-ish').filter((l) => l.line === 'started').length >= 2, 'the second run');
    expect(hub.statuses('fine').map((s) => s.status)).toEqual(['starting', 'running']);
  });

  it('health: an http readiness probe turns healthy on 2xx, unhealthy after failureThreshold failures', async () => {
    const port = await freePort();
    const { hub, sup } = setup([
      { id: 'web', command: `${NODE} ${fixture('late-server.mjs')} 0 ${port}`, readiness: { kind: 'http', url: `http://127.0.0.1:${port}/health`, periodMs: 100, timeoutMs: 500, initialDelayMs: 0, failureThreshold: 3 } },
      { id: 'never', command: 'sleep 1000', readiness: { kind: 'tcp', port: 1, periodMs: 50, timeoutMs: 200, initialDelayMs: 0, failureThreshold: 2 } },
    ]);
    sup.start();
    await hub.waitFor(() => sup.get('web').health === 'healthy', 'web healthy');
    await hub.waitFor(() => sup.get('never').health === 'unhealthy', 'never unhealthy');
    const unhealthy = hub.statuses('never').find((s) => s.health === 'unhealthy');
    expect(unhealthy?.reason).toMatch(/^readiness probe failed: connect to (127\.0\.0\.1|::1):1: ECONNREFUSED/);
    expect(sup.get('web').healthyAt).toBeDefined();
    expect(sup.get('never').healthyAt).toBeUndefined();
    await sup.stopProcess('web');
    expect(sup.get('web').health).toBe('unhealthy'); // no run answers the probe now (readiness-verdicts.test.ts: every state)
    expect(sup.get('web').healthyAt).toBeUndefined();
  });
});
