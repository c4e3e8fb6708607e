import { describe, expect, it } from 'vitest';
import { DashboardController } from './dashboard-controller';
import { ALL_PROCESSES, LogBook } from './logs/log-book';
import { createDashboardStore } from './state/dashboard-store';
import type { SubscribedInfo } from './connection/hub-connection';
import { FakeHubConnection, manualScheduler } from './test-support/fake-hub-connection';

/** A fake that also reports the hub's `subscribed` answers. */
class AnsweringHub extends FakeHubConnection {
  private readonly answered = new Set<(info: SubscribedInfo) => void>();
  onSubscribed(listener: (info: SubscribedInfo) => void): () => void {
    this.answered.add(listener);
    return () => this.answered.delete(listener);
  }
  answer(channel: string, seq: number): void {
    for (const l of this.answered) l({ channel, seq });
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(options: { knownRole?: 'operator'; checkSession?: () => Promise<'valid' | 'refused' | 'unreachable'> } = {}) {
  const conn = new FakeHubConnection();
  conn.answers.set('process.list', [
    { id: 'web', status: 'running', pid: 42, restarts: 1, startedAt: '2026-11-30T12:00:00Z', extra: { ignored: true } },
    { id: 'worker', status: 'exited', exitCode: 1 },
  ]);
  const store = createDashboardStore();
  const book = new LogBook({ maxLines: 1000 });
  const clock = manualScheduler();
  const controller = new DashboardController(conn, store, book, { schedule: clock.schedule, ...options });
  controller.start();
  return { conn, store, book, clock, controller };
}

describe('DashboardController', () => {
  it('lists processes on connect and subscribes to each process channel', async () => {
    const { conn, store } = setup();
    expect(conn.started).toBe(true);
    conn.setStatus({ kind: 'connected' });
    await settle();
    expect(store.getState().processes.map((p) => [p.id, p.status, p.pid, p.restarts])).toEqual([
      ['web', 'running', 42, 1],
      ['worker', 'exited', undefined, undefined],
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
    const conn = new AnsweringHub();
    conn.answers.set('process.list', [{ id: 'web', status: 'running' }, { id: 'worker', status: 'exited' }]);
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
    conn.emit('process:web', { type: 'process_output', data: 'four', seq: 4 });
    clock.tick();
    expect(store.getState().logVersion).toBe(before + 2);
    expect(book.lines('web').length).toBe(4);
    conn.emit('process:web', { type: 'process_output', data: 'five', seq: 5 });
    clock.tick();
    expect(store.getState().logVersion).toBe(before + 3); // live output: every batch
    controller.close();
  });

  it('takes process status from process_status messages and notes it in the log', async () => {
    const { conn, store, book, clock } = setup();
    conn.setStatus({ kind: 'connected' });
    await settle();
    conn.emit('process:worker', { type: 'process_status', data: { status: 'running', pid: 7 }, timestamp: '2026-11-30T12:00:05Z' });
    clock.tick();
    const worker = store.getState().processes.find((p) => p.id === 'worker');
    expect(worker).toMatchObject({ status: 'running', pid: 7, startedAt: Date.parse('2026-11-30T12:00:05Z') });
    expect(book.lines('worker').at(-1)).toMatchObject({ kind: 'status', text: 'worker running (pid 7)' });
  });

  it('reads the processes channel and follows added and removed processes', async () => {
    const { conn, store } = setup();
    conn.emit('processes', { type: 'event', data: { kind: 'list', processes: [{ id: 'web', status: 'stopped', signal: 'SIGTERM' }, { id: 'adhoc', status: 'starting' }] } });
    expect(store.getState().processes.map((p) => p.id)).toEqual(['web', 'adhoc']);
    expect(conn.subscribed()).toContain('process:adhoc');
    conn.emit('processes', { type: 'event', data: { kind: 'list', processes: [{ id: 'adhoc', status: 'running' }] } });
    expect(conn.subscribed()).not.toContain('process:web');
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
    d.conn.emit('hub:stats', { type: 'event', data: { clientList: [{ id: 'c1', role: 'viewer', subscriptions: [] }, { id: 'c2', role: 'operator', subscriptions: ['processes'] }], channelList: [] } });
    expect(d.store.getState().stats?.clients.map((c) => c.self)).toEqual([false, true]);

    const c = setup();
    c.conn.setStatus({ kind: 'connected' });
    await settle();
    await settle();
    expect(c.store.getState().role).toBeNull();
  });

  it('ends the session when the hub refuses the session cookie, instead of spinning', async () => {
    const { conn, store } = setup({ checkSession: async () => 'refused' });
    conn.setStatus({ kind: 'reconnecting', attempt: 2, delayMs: 2000, nextAttemptAt: Date.now() + 2000, sessionSuspect: false });
    await settle();
    expect(store.getState().connection.kind).toBe('reconnecting');
    conn.setStatus({ kind: 'reconnecting', attempt: 4, delayMs: 4000, nextAttemptAt: Date.now() + 4000, sessionSuspect: true });
    await settle();
    expect(store.getState().connection.kind).toBe('session-ended');
    expect(conn.closed).toBe(true);
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
    conn.answers.set('hub.loginLink', { url: 'http://127.0.0.1:7420/login?ticket=abc' });
    expect(await controller.restartProcess('web')).toBe(true);
    expect(await controller.stopProcess('web')).toBe(false);
    expect(store.getState().notice).toMatch(/process.stop failed/);
    expect(await controller.loginLink('viewer')).toBe('http://127.0.0.1:7420/login?ticket=abc');
    expect(conn.requests.map((r) => [r.method, r.params])).toEqual([
      ['process.restart', { id: 'web' }],
      ['process.stop', { id: 'web' }],
      ['hub.loginLink', { role: 'viewer' }],
    ]);
    expect(store.getState().role).toBe('operator');
  });
});
