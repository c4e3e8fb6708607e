import { describe, expect, it } from 'vitest';
import { processInfo } from '../test-support/fixtures';
import { applyStatus, readProcessList, readStatus } from './process-list';

describe('process list on the wire', () => {
  it('reads the list event and the process.list array with the shared schema', () => {
    const web = processInfo({ id: 'web', pid: 3, startedAt: '2026-12-01T18:00:00.000Z' });
    expect(readProcessList({ kind: 'list', processes: [web] })).toEqual({ ok: true, list: [web] });
    expect(readProcessList([web])).toEqual({ ok: true, list: [web] });
  });

  it('says what is wrong with a payload instead of guessing', () => {
    expect(readProcessList('nonsense')).toMatchObject({ ok: false });
    expect(readProcessList([{ id: 'a', status: 'running' }])).toMatchObject({ ok: false, error: expect.stringMatching(/^0\.command/) });
    expect(readProcessList([{ ...processInfo({ id: 'a' }), status: 'dancing' }])).toMatchObject({ ok: false, error: expect.stringMatching(/^0\.status/) });
    expect(readStatus({ status: 'running', pid: 'x' })).toBeNull();
  });

  it('a status replaces the previous status fields and dates starts and ends', () => {
    const crashed = processInfo({ id: 'w', status: 'exited', exitCode: 2, reason: 'gave up after 5 restarts in a row', restarts: 5 });
    const running = applyStatus(crashed, { status: 'running', pid: 9 }, '2026-12-01T18:00:05.000Z');
    expect(running).toMatchObject({ status: 'running', pid: 9, restarts: 5, startedAt: '2026-12-01T18:00:05.000Z' });
    expect(running.exitCode).toBeUndefined();
    expect(running.reason).toBeUndefined();
    const stopping = applyStatus(running, { status: 'stopping', killAt: '2026-12-01T18:00:10.000Z' }, '2026-12-01T18:00:07.000Z');
    expect(stopping).toMatchObject({ status: 'stopping', killAt: '2026-12-01T18:00:10.000Z', startedAt: '2026-12-01T18:00:05.000Z' });
    expect(stopping.pid).toBeUndefined();
    expect(applyStatus(stopping, { status: 'stopped', signal: 'SIGTERM' }, '2026-12-01T18:00:08.000Z')).toMatchObject({ endedAt: '2026-12-01T18:00:08.000Z', signal: 'SIGTERM' });
  });
});
