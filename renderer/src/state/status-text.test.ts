import { describe, expect, it } from 'vitest';
import { formatClock } from './clock';
import { colourIndexes, PALETTE_SIZE } from './process-colours';
import { statusDetail, statusTone } from './status-text';

describe('what a status says', () => {
  it('gave up, stopping with its SIGKILL countdown, a clean exit apart from a crash', () => {
    expect(statusDetail({ status: 'exited', exitCode: 2, restarts: 5, reason: 'gave up after 5 restarts in a row' })).toBe('gave up after 5 restarts (code 2)');
    expect(statusDetail({ status: 'exited', exitCode: 2, restarts: 5, gaveUp: true })).toBe('gave up after 5 restarts (code 2)');
    expect(statusDetail({ status: 'stopping', killAt: '2026-12-01T18:00:03.000Z' }, Date.parse('2026-12-01T18:00:00.200Z'))).toBe('stopping… (SIGKILL in 3 s)');
    expect(statusDetail({ status: 'exited', exitCode: 0 })).toBe('exited (code 0)');
    expect(statusTone({ status: 'exited', exitCode: 0 })).toBe('clean');
    expect(statusTone({ status: 'exited', exitCode: 1 })).toBe('bad');
    expect(statusTone({ status: 'exited', exitCode: 2, gaveUp: true })).toBe('bad');
    expect(statusDetail({ status: 'exited', exitCode: 137, signal: 'SIGKILL' })).toBe('killed by SIGKILL');
    expect(statusDetail({ status: 'waiting', waitingFor: ['db', 'cache'] })).toBe('waiting for db, cache');
  });

  it('one clock: 24-hour HH:MM:SS', () => {
    const t = new Date(2026, 11, 1, 18, 5, 4, 120).getTime();
    expect(formatClock(t)).toBe('18:05:04');
    expect(formatClock(new Date(t).toISOString(), true)).toBe('18:05:04.120');
    expect(formatClock(undefined)).toBe('');
  });

  it('neighbours never share a colour; the colour follows the list order, so it is the same after a reload', () => {
    const ids = Array.from({ length: 12 }, (_, i) => ({ id: `p${i}` }));
    const colours = [...colourIndexes(ids).values()];
    for (let i = 1; i < colours.length; i++) expect(colours[i]).not.toBe(colours[i - 1]);
    expect(new Set(colours.slice(0, PALETTE_SIZE)).size).toBe(PALETTE_SIZE);
    expect([...colourIndexes(ids).values()]).toEqual(colours);
  });
});
