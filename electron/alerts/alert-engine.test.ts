// Every rule end to end: real child processes under the real Supervisor (its probes and its
// level detection included), whose hub is the real Hub on port 0 tapped by the alert engine; a
// real ws client subscribed to `alerts` checks what arrives against AlertEventSchema.
import { afterEach, describe, expect, it } from 'vitest';
import { AlertEventSchema, type AlertEvent, type Message } from '../../shared/protocol';
import { startHub, TestClient, until, VIEWER_TOKEN } from '../hub/test-helpers';
import { Supervisor } from '../supervisor/supervisor';
import type { ProcessDefinition } from '../supervisor/process-definition';
import { freePort } from '../platform/test-support/free-port';
import { parseAlertRules } from './alert-rules';
import { Alerting } from './alerting';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(rules: unknown, definitions: ProcessDefinition[], throttleMs = 60_000) {
  const alerting = new Alerting({ rules: parseAlertRules(rules, 'test.yaml'), throttleMs });
  const { hub, url, port } = await startHub({ onMethodCall: (c) => alerting.audit.onCall(c) });
  alerting.attach(hub);
  cleanups.push(() => hub.close(), () => alerting.close());
  const client = await TestClient.open(url);
  cleanups.push(() => client.close());
  await client.subscribe('alerts');
  const supervisor = new Supervisor({ hub: alerting.tap(hub), watchdog: false, definitions, settleMs: 200 });
  cleanups.push(() => supervisor.close());
  const alerts = (): AlertEvent[] => client.on('alerts', 'event').map((m: Message) => AlertEventSchema.parse(m.data));
  return { alerting, hub, port, client, supervisor, alerts };
}

describe('alert rules through the supervisor and the hub', () => {
  it('crash: a non-zero exit fires once with rule, process and message; a clean exit does not', async () => {
    const { supervisor, alerts } = await setup(undefined, [
      { id: 'bad', command: 'exit 3' },
      { id: 'good', command: 'true' },
    ]);
    supervisor.start();
    await until(() => alerts().length >= 1 && supervisor.get('good').status === 'exited', 'the crash alert', 10_000);
    expect(alerts()).toEqual([expect.objectContaining({ kind: 'alert', rule: 'crash', ruleIndex: 0, process: 'bad', message: 'bad exited with code 3', count: 1 })]);
  });

  it('crash: a signal nobody asked for is a crash; a stop is not', async () => {
    const { supervisor, alerts } = await setup(undefined, [
      { id: 'killed', command: 'kill -9 $$' },
      { id: 'stopped', command: 'sleep 30' },
    ]);
    supervisor.start();
    await until(() => alerts().length >= 1, 'the crash alert', 10_000);
    await supervisor.stopProcess('stopped');
    expect(alerts().map((a) => [a.rule, a.process])).toEqual([['crash', 'killed']]);
    expect(alerts()[0]?.message).toMatch(/^killed (was killed by SIGKILL|exited with code 137)/);
  });

  it('exit: any exit of the process, clean or not, named by the rule', async () => {
    const { supervisor, alerts } = await setup([{ on: 'exit', process: 'job' }], [
      { id: 'job', command: 'echo done' },
      { id: 'other', command: 'true' },
    ]);
    supervisor.start();
    await until(() => alerts().length >= 1 && supervisor.get('other').status === 'exited', 'the exit alert', 10_000);
    expect(alerts()).toEqual([expect.objectContaining({ rule: 'exit', ruleIndex: 0, process: 'job', message: 'job exited cleanly (code 0)', count: 1 })]);
  });

  it('gave_up: fires once when the restart policy gives up; the crashes before it are throttled into one with a count', async () => {
    const restart = { mode: 'on-failure' as const, initialDelayMs: 20, multiplier: 1, maxDelayMs: 20, maxRestarts: 3, resetAfterMs: 60_000 };
    const { supervisor, alerts } = await setup(undefined, [{ id: 'loop', command: 'exit 2', restart }], 1500);
    supervisor.start();
    await until(() => alerts().some((a) => a.rule === 'gave_up'), 'the gave_up alert', 10_000);
    const gaveUp = alerts().filter((a) => a.rule === 'gave_up');
    expect(gaveUp).toEqual([expect.objectContaining({ ruleIndex: 1, process: 'loop', message: 'loop gave up after 3 restarts in a row', count: 1 })]);
    // Four crashes (the first run and three restarts): one alert at once, the other three folded.
    await until(() => alerts().filter((a) => a.rule === 'crash').length === 2, 'the folded crash alert', 5000);
    expect(alerts().filter((a) => a.rule === 'crash').map((a) => a.count)).toEqual([1, 3]);
  });

  it('match: a line matching the pattern, for one process; repeats are throttled with a count', async () => {
    const { supervisor, alerts, alerting } = await setup([{ on: 'match', process: 'api', pattern: 'FATAL|panic' }], [
      { id: 'api', command: 'echo ok; echo "\x1b[31mFATAL\x1b[0m: disk full"; echo "panic: again"; echo "FATAL: thrice"; sleep 30' },
      { id: 'other', command: 'echo FATAL elsewhere; sleep 30' },
    ], 800);
    supervisor.start();
    await until(() => alerts().length >= 1, 'the match alert', 10_000);
    expect(alerts()[0]).toEqual(expect.objectContaining({ rule: 'match', ruleIndex: 0, process: 'api', message: 'api: FATAL: disk full', count: 1 }));
    await until(() => alerts().length >= 2, 'the folded match alert', 5000);
    expect(alerts()[1]).toEqual(expect.objectContaining({ process: 'api', message: 'api: FATAL: thrice', count: 2 }));
    expect(alerts().every((a) => a.process === 'api')).toBe(true);
    expect(alerting.engine.counters()).toMatchObject({ published: 2, throttled: 2 });
  });

  it('match: by level, as the supervisor detects it in JSON and plain lines; an error rule ignores warnings', async () => {
    const { supervisor, alerts } = await setup([{ on: 'match', level: 'error' }], [
      { id: 'web', command: `echo '{"level":"info","msg":"fine"}'; echo '{"level":"warn","msg":"careful"}'; echo '{"level":"error","msg":"db down"}'; sleep 30` },
      { id: 'db', command: 'echo "all good"; echo "ERROR could not bind"; sleep 30' },
    ]);
    supervisor.start();
    await until(() => alerts().length >= 2, 'the level alerts', 10_000);
    expect(alerts().map((a) => [a.rule, a.process, a.message, a.level]).sort()).toEqual([
      ['match', 'db', 'db: ERROR could not bind', 'error'],
      ['match', 'web', 'web: {"level":"error","msg":"db down"}', 'error'],
    ]);
  });

  it('silence: a running process that prints nothing for the given time fires once', async () => {
    const { supervisor, alerts } = await setup([{ on: 'silence', process: 'quiet', seconds: 1 }], [
      { id: 'quiet', command: 'echo hello; sleep 30' },
      { id: 'chatty', command: 'while true; do echo tick; sleep 0.2; done' },
    ]);
    supervisor.start();
    await until(() => alerts().length >= 1, 'the silence alert', 10_000);
    expect(alerts()[0]).toEqual(expect.objectContaining({ rule: 'silence', process: 'quiet', message: 'quiet printed nothing for 1 s', count: 1 }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(alerts()).toHaveLength(1); // once per silence, not once per check
  });

  it('unhealthy: a readiness probe that keeps failing fires once with the reason', async () => {
    const closed = await freePort(); // nothing listens there
    const { supervisor, alerts } = await setup([{ on: 'unhealthy' }], [
      { id: 'db', command: 'sleep 30', readiness: { kind: 'tcp', port: closed, periodMs: 50, timeoutMs: 200, initialDelayMs: 0, failureThreshold: 2 } },
      { id: 'fine', command: 'sleep 30' },
    ]);
    supervisor.start();
    await until(() => alerts().length >= 1, 'the unhealthy alert', 10_000);
    expect(supervisor.get('db').health).toBe('unhealthy');
    await new Promise((r) => setTimeout(r, 300)); // more failed checks: still the one alert
    expect(alerts()).toEqual([expect.objectContaining({ rule: 'unhealthy', ruleIndex: 0, process: 'db', count: 1, message: expect.stringMatching(/^db is unhealthy: readiness probe failed: /) })]);
  });

  it('alerts.list answers the latest alerts with the counters, to viewers too', async () => {
    const { supervisor, alerts, port } = await setup(undefined, [{ id: 'bad', command: 'exit 1' }]);
    supervisor.start();
    await until(() => alerts().length >= 1, 'the crash alert', 10_000);
    const viewer = await TestClient.open(`ws://127.0.0.1:${port}/ws`, { token: VIEWER_TOKEN });
    cleanups.push(() => viewer.close());
    const res = await viewer.request('alerts.list');
    expect((res.data as { alerts: AlertEvent[] }).alerts.map((a) => a.process)).toEqual(['bad']);
    expect((res.data as { counters: object }).counters).toMatchObject({ published: 1 });
  });

  it('a client may not publish to the alerts channel', async () => {
    const { client } = await setup(undefined, []);
    client.send({ type: 'publish', channel: 'alerts', data: { kind: 'alert' } });
    const err = await client.waitFor((m) => m.type === 'error');
    expect(err.data).toMatch(/reserved/);
  });
});
