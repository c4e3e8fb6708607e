import { describe, expect, it } from 'vitest';
import { ClientError } from '../../shared/client/client-error';
import { DashboardController } from './dashboard-controller';
import { ALL_PROCESSES, LogBook } from './logs/log-book';
import { createDashboardStore } from './state/dashboard-store';
import { AnsweringHubConnection, FakeHubConnection, manualScheduler } from './test-support/fake-hub-connection';
import { clientStatsFixture, hubStats, processInfo } from './test-support/fixtures';

const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(options: { knownRole?: 'operator'; checkSession?: () => Promise<'valid' | 'refused' | 'unreachable'> } = {}) {
  const conn = new FakeHubConnection();
  conn.answers.set('process.list', [
    processInfo({ id: 'web', status: 'running', pid: 42, restarts: 1, startedAt: '2026-11-30T12:00:00Z' }),
    processInfo({ id: 'worker', status: 'exited', exitCode: 1 }),
  ]);
  const store = createDashboardStore();
  const book = new LogBook({ maxLines: 1000 });
  const clock = manualScheduler();
  const controller = new DashboardController(conn, store, book, { schedule: clock.schedule, ...options });
  controller.start();
  return { conn, store, book, clock, controller };
}

describe('DashboardController', () => {
  it('says that starting a process starts what it needs first', async () => {
    const conn = new FakeHubConnection();
    conn.answers.set('process.list', [
      processInfo({ id: 'db', status: 'stopped' }),
      processInfo({ id: 'api', status: 'stopped', dependsOn: [{ id: 'db', condition: 'healthy', met: false }] }),
    ]);
    conn.answers.set('process.start', processInfo({ id: 'api', status: 'waiting', waitingFor: ['db'] }));
    const store = createDashboardStore();
    const controller = new DashboardController(conn, store, new LogBook({ maxLines: 100 }), { schedule: manualScheduler().schedule });
    controller.start();
    conn.setStatus({ kind: 'connected' });
    await settle();
    expect(await controller.startProcess('api')).toBe(true);
    expect(store.getState().notice).toBe('Starting api starts what it needs first: db; api waits until it is ready.');
  });

  it('lists processes on connect and subscribes to each process channel', async () => {
    const { conn, store } = setup();
    expect(conn.started).toBe(true);
    conn.setStatus({ kind: 'connected' });
    await settle();
    expect(store.getState().processes.map((p) => [p.id, p.status, p.pid, p.restarts])).toEqual([
      ['web', 'running', 42, 1],
      ['worker', 'exited', undefined, 0],
    ]);
    expect(conn.subscribed()).toEqual(expect.arrayContaining(['processes', 'hub:stats', 'process:web', 'process:worker']));
  });

  it('applies output once per frame, not once per line', async () => {
    const { conn, store, book, clock } = setup();
    conn.setStatus({ kind: 'connected' });
    await settle();
    const before = store.getState().logVersion;
    for (let i = 0; i < 500; i++) conn.emit('process:web', { type: 'process_output', data: `line ${i}`, stream: i % 2 ? 'stderr' : 'stdout' });
    expect(book.lines('web').length).toBe(0);
    clock.tick();
    expect(book.lines('web').length).toBe(500);
    expect(book.lines('web')[1]?.stream).toBe('stderr');
    expect(store.getState().logVersion).toBe(before + 1);
  });

  it('draws a replay of history in large batches, and all of it once every channel has caught up', async () => {
    const conn = new AnsweringHubConnection();
    conn.answers.set('process.list', [processInfo({ id: 'web' }), processInfo({ id: 'worker', status: 'exited' })]);
    const store = createDashboardStore();
    const book = new LogBook({ maxLines: 1000 });
    const clock = manualScheduler();
    // A frozen clock and timers that never fire: only the replay's end may draw again.
    const timers = { setTimeout: () => 0, clearTimeout: () => {} };
    const controller = new DashboardController(conn, store, book, { schedule: clock.schedule, now: () => 0, renderGate: { timers } });
    controller.start();
    conn.setStatus({ kind: 'connected' });
    await settle();
    const before = store.getState().logVersion;
    conn.answer('process:web', 3);
    conn.emit('process:web', { type: 'process_output', data: 'one', seq: 1 });
    clock.tick();
    expect(store.getState().logVersion).toBe(before + 1); // the first lines show at once
    conn.emit('process:web', { type: 'process_output', data: 'two', seq: 2 });
    clock.tick();
    conn.emit('process:web', { type: 'process_output', data: 'three', seq: 3 });
    clock.tick();
    expect(store.getState().logVersion).toBe(before + 1); // process:worker has not answered yet
    conn.answer('process:worker', 0);
    // Nothing of process:worker's to replay: the replay ends with the answer, and draws.
    expect(store.getState().logVersion).toBe(before + 2);
    expect(book.lines('web').length).toBe(3);
    conn.emit('process:web', { type: 'process_output', data: 'four', seq: 4 });
    clock.tick();
    expect(store.getState().logVersion).toBe(before + 3); // live output: every batch
    expect(book.lines('web').length).toBe(4);
    conn.emit('process:web', { type: 'process_output', data: 'five', seq: 5 });
    clock.tick();
    expect(store.getState().logVersion).toBe(before + 4);
    controller.close();
  });

  it('takes process status from process_status messages and notes it in the log', async () => {
    const { conn, store, book, clock } = setup();
    conn.setStatus({ kind: 'connected' });
    await settle();
    conn.emit('process:worker', { type: 'process_status', data: { status: 'running', pid: 7 }, timestamp: '2026-11-30T12:00:05Z' });
    clock.tick();
    const worker = store.getState().processes.find((p) => p.id === 'worker');
    expect(worker).toMatchObject({ status: 'running', pid: 7, startedAt: '2026-11-30T12:00:05Z' });
    expect(worker?.exitCode).toBeUndefined();
    expect(book.lines('worker').at(-1)).toMatchObject({ kind: 'status', text: 'worker running (pid 7)' });
    // A stop in its grace period says when SIGKILL follows; a payload the schema refuses is skipped.
    conn.emit('process:worker', { type: 'process_status', data: { status: 'stopping', killAt: '2026-11-30T12:00:09Z' }, timestamp: '2026-11-30T12:00:06Z' });
    conn.emit('process:worker', { type: 'process_status', data: { status: 'running', pid: 'seven' } });
    clock.tick();
    expect(store.getState().processes.find((p) => p.id === 'worker')).toMatchObject({ status: 'stopping', killAt: '2026-11-30T12:00:09Z' });

  });

  it('reads the processes channel and follows added and removed processes', async () => {
    const { conn, store } = setup();
    conn.emit('processes', { type: 'event', data: { kind: 'list', processes: [processInfo({ id: 'web', status: 'stopped', signal: 'SIGTERM' }), processInfo({ id: 'adhoc', status: 'starting' })] } });
    expect(store.getState().processes.map((p) => p.id)).toEqual(['web', 'adhoc']);
    expect(conn.subscribed()).toContain('process:adhoc');
    conn.emit('processes', { type: 'event', data: { kind: 'list', processes: [processInfo({ id: 'adhoc', status: 'running' })] } });
    expect(conn.subscribed()).not.toContain('process:web');
    // A list this dashboard cannot read is reported, not guessed at.
    conn.emit('processes', { type: 'event', data: { kind: 'list', processes: [{ id: 'x', status: 'running' }] } });
    expect(store.getState().processes.map((p) => p.id)).toEqual(['adhoc']);
    expect(store.getState().notice).toMatch(/cannot read \(processes\.0\.command/);
  });

  it('marks a gap in the log of the channel that lost history', async () => {
    const { conn, book, clock } = setup();
    conn.gap({ channel: 'process:web', resumed: true, reason: 'not_retained' });
    conn.gap({ channel: 'chat', resumed: true });
    clock.tick();
    expect(book.lines('web').at(-1)?.kind).toBe('gap');
    expect(book.lines(ALL_PROCESSES).length).toBe(1);
  });

  it('learns its role and its own client from hub.whoami', async () => {
    const a = setup();
    a.conn.answers.set('hub.whoami', { role: 'viewer' });
    a.conn.setStatus({ kind: 'connected' });
    await settle();
    expect(a.store.getState().role).toBe('viewer');

    // whoami's client id marks our own row in the hub panel.
    const d = setup({ knownRole: 'operator' });
    d.conn.answers.set('hub.whoami', { role: 'operator', clientId: 'c2' });
    d.conn.setStatus({ kind: 'connected' });
    await settle();
    d.conn.emit('hub:stats', { type: 'event', data: hubStats({ clientList: [clientStatsFixture({ id: 'c1', role: 'viewer' }), clientStatsFixture({ id: 'c2' })] }) });
    expect(d.store.getState().stats?.clientList.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(d.store.getState().selfClientId).toBe('c2');

    const c = setup();
    c.conn.setStatus({ kind: 'connected' });
    await settle();
    await settle();
    expect(c.store.getState().role).toBeNull();
  });

  it('ends the session when the hub refuses the session cookie, instead of spinning', async () => {
    let checks = 0;
    const { conn, store } = setup({ checkSession: async () => (checks++ === 0 ? 'valid' : 'refused') });
    conn.setStatus({ kind: 'connected' });
    await settle();
    conn.setStatus({ kind: 'reconnecting', attempt: 2, delayMs: 2000, nextAttemptAt: Date.now() + 2000, sessionSuspect: false });
    await settle();
    expect(store.getState().connection.kind).toBe('reconnecting');
    conn.setStatus({ kind: 'reconnecting', attempt: 4, delayMs: 4000, nextAttemptAt: Date.now() + 4000, sessionSuspect: true });
    await settle();
    expect(store.getState().connection).toMatchObject({ kind: 'session-ended', neverLoggedIn: false });
    expect(conn.closed).toBe(true);
  });

  it('says at once that a page opened without a session is not logged in (not that a session ended)', async () => {
    const { conn, store } = setup({ checkSession: async () => 'refused' });
    await settle();
    expect(store.getState().connection).toMatchObject({ kind: 'session-ended', neverLoggedIn: true });
    expect(conn.closed).toBe(true);
  });

  it('says each failure of a request once: the method, then the cause', async () => {
    const { conn, store, controller } = setup({ knownRole: 'operator' });
    const fail = (error: Error) => () => {
      throw error;
    };
    conn.answers.set('process.add', fail(new ClientError('conflict', 'process "web" already exists', 'process.add')));
    expect(await controller.addProcess('web', 'true')).toBe(false);
    expect(store.getState().notice).toBe('process.add failed: process "web" already exists');
    conn.answers.set('process.add', fail(new ClientError('bad_params', 'process.add: process "x": field "command": must be a string', 'process.add')));
    expect(await controller.addProcess('x', '')).toBe(false);
    expect(store.getState().notice).toBe('process.add: process "x": field "command": must be a string');
  });

  it('keeps reconnecting while the hub is merely unreachable', async () => {
    const { conn, store } = setup({ checkSession: async () => 'unreachable' });
    conn.setStatus({ kind: 'reconnecting', attempt: 4, delayMs: 4000, nextAttemptAt: Date.now() + 4000, sessionSuspect: true });
    await settle();
    expect(store.getState().connection.kind).toBe('reconnecting');
    expect(conn.closed).toBe(false);
  });

  it('sends operator requests and reports failures as a notice', async () => {
    const { conn, store, controller } = setup({ knownRole: 'operator' });
    conn.answers.set('process.restart', { ok: true });
    conn.answers.set('hub.loginLink', { url: 'http://127.0.0.1:7420/login?ticket=abc', expiresAt: '2026-12-01T18:40:00.000Z' });
    expect(await controller.restartProcess('web')).toBe(true);
    expect(await controller.stopProcess('web')).toBe(false);
    expect(store.getState().notice).toMatch(/process.stop failed/);
    expect(await controller.loginLink('viewer')).toEqual({ url: 'http://127.0.0.1:7420/login?ticket=abc', expiresAt: '2026-12-01T18:40:00.000Z' });
    expect(conn.requests.map((r) => [r.method, r.params])).toEqual([
      ['process.restart', { id: 'web' }],
      ['process.stop', { id: 'web' }],
      ['hub.loginLink', { role: 'viewer' }],
    ]);
    expect(store.getState().role).toBe('operator');
  });

  it('loads the alert and audit lists at connect, takes live ones from their channels, and hands new live alerts on', async () => {
    const live: string[] = [];
    const conn = new FakeHubConnection();
    const crash = { kind: 'alert', rule: 'crash', ruleIndex: 0, process: 'web', message: 'web exited with code 1', time: '2026-12-01T18:00:00.000Z', count: 1 };
    conn.answers.set('process.list', []);
    conn.answers.set('alerts.list', { alerts: [crash], counters: { published: 1, throttled: 0, webhookSent: 0, webhookFailures: 0, webhookDropped: 0 } });
    conn.answers.set('audit.list', { entries: [{ kind: 'audit', action: 'process.stop', target: 'web', userId: 'alice', role: 'operator', clientId: 'c1', time: '2026-12-01T17:59:00.000Z', ok: true }] });
    const store = createDashboardStore({ alertsSeenAt: 0 });
    const controller = new DashboardController(conn, store, new LogBook({ maxLines: 10 }), { schedule: manualScheduler().schedule, onLiveAlert: (a) => live.push(a.message) });
    controller.start();
    conn.setStatus({ kind: 'connected' });
    await settle();
    expect(store.getState().alerts).toHaveLength(1);
    expect(store.getState().audit.map((e) => e.action)).toEqual(['process.stop']);
    conn.emit('alerts', { type: 'event', data: crash }); // already known: not new
    conn.emit('alerts', { type: 'event', data: { ...crash, time: '2026-12-01T18:01:00.000Z', count: 4 } });
    conn.emit('alerts', { type: 'event', data: { kind: 'alert', rule: 'nonsense' } });
    conn.emit('audit', { type: 'event', data: { kind: 'audit', action: 'process.start', target: 'web', userId: 'alice', role: 'operator', clientId: 'c1', time: '2026-12-01T18:02:00.000Z', ok: true } });
    expect(live).toEqual(['web exited with code 1']);
    expect(store.getState().alerts.map((a) => a.count)).toEqual([1, 4]);
    expect(store.getState().unreadAlerts).toBe(2);
    expect(store.getState().audit.map((e) => e.action)).toEqual(['process.stop', 'process.start']);
    controller.close();
  });
});
