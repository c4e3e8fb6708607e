import { describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../shared/protocol/payloads/process';
import { formatDuration, formatPsTable, statusText } from './ps-table';
import { parseSince } from './since';

const base: ProcessInfo = { id: 'web', command: 'x', cwd: '/', status: 'running', restarts: 0, autostart: true, restartMode: 'never', linesOut: 0, bytesOut: 0, skipped: 0, coalesced: 0, pauses: 0, paused: false };
const NOW = Date.parse('2026-12-01T10:00:00Z');

describe('formatPsTable', () => {
  it('aligns the columns and shows what the list carries, blank where it carries nothing', () => {
    const table = formatPsTable(
      [
        { ...base, pid: 4242, startedAt: '2026-12-01T09:56:48Z', health: 'healthy', cpuPercent: 12.345, memoryBytes: 52_428_800, ports: [3000, 9229], restarts: 2 },
        { ...base, id: 'worker-long-name', status: 'exited', exitCode: 1, startedAt: '2026-12-01T09:00:00Z' },
      ],
      NOW,
      false,
    );
    expect(table).toBe(
      [
        'NAME              STATUS    HEALTH   PID   UPTIME  RESTARTS  CPU    MEM     PORTS',
        'web               running   healthy  4242  3m 12s  2         12.3%  50 MiB  3000,9229',
        'worker-long-name  exited 1                         0',
        '',
      ].join('\n'),
    );
  });

  it('colours status and health on a terminal without breaking the alignment', () => {
    const table = formatPsTable([{ ...base, pid: 1 }], NOW, true);
    expect(table).toContain('\x1b[32mrunning\x1b[0m ');
    // eslint-disable-next-line no-control-regex -- escapes are what is removed
    expect(table.replace(/\x1b\[\d+m/g, '')).toBe(formatPsTable([{ ...base, pid: 1 }], NOW, false));
  });

  it('says each status with what it carries', () => {
    expect(statusText({ ...base, status: 'stopped', signal: 'SIGTERM' })).toBe('stopped SIGTERM');
    expect(statusText({ ...base, status: 'restarting', delayMs: 2000 })).toBe('restarting in 2s');
    expect(statusText({ ...base, status: 'waiting', waitingFor: ['db', 'cache'] })).toBe('waiting for db,cache');
    expect(statusText({ ...base, status: 'failed', gaveUp: true })).toBe('failed (gave up)');
  });

  it('durations', () => {
    expect([0, 850, 42_000, 192_000, 7_500_000, 4 * 86_400_000 + 3 * 3_600_000].map(formatDuration)).toEqual(['0s', '850ms', '42s', '3m 12s', '2h 05m', '4d 03h']);
  });
});

describe('parseSince', () => {
  it('a duration ago, or a date and time; a bare number is refused', () => {
    expect(parseSince('10m', NOW)?.toISOString()).toBe('2026-12-01T09:50:00.000Z');
    expect(parseSince('1.5h', NOW)?.toISOString()).toBe('2026-12-01T08:30:00.000Z');
    expect(parseSince('2026-12-01T08:00:00Z', NOW)?.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(parseSince('90', NOW)).toBeUndefined();
    expect(parseSince('soon', NOW)).toBeUndefined();
  });
});
