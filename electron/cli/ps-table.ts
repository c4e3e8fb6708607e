/** The table of `switchyard ps`: one row per process, columns aligned, blank where the list carries nothing. */
import type { ProcessInfo } from '../../shared/protocol/payloads/process';
import { paint, type Style } from './text-style';
import { formatDuration } from '../../shared/format';

const HEADERS = ['NAME', 'STATUS', 'HEALTH', 'PID', 'UPTIME', 'RESTARTS', 'CPU', 'MEM', 'PORTS'] as const;

/** The table as text (a header and one line per process), coloured when `colour`. */
export function formatPsTable(processes: readonly ProcessInfo[], now: number, colour: boolean): string {
  const rows = processes.map((p) => [
    p.id,
    statusText(p),
    p.health ?? '',
    p.pid === undefined ? '' : String(p.pid),
    uptime(p, now),
    String(p.restarts),
    p.cpuPercent === undefined ? '' : `${p.cpuPercent.toFixed(1)}%`,
    p.memoryBytes === undefined ? '' : bytes(p.memoryBytes),
    p.ports?.join(',') ?? '',
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[], styles: (Style | undefined)[] = []) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i] as number);
        const style = styles[i];
        return style && cell ? paint(cell, style, colour) + padded.slice(cell.length) : padded;
      })
      .join('  ')
      .trimEnd();
  const out = [line(HEADERS, HEADERS.map(() => 'bold'))];
  processes.forEach((p, i) => out.push(line(rows[i] as string[], [undefined, statusStyle(p), p.health === 'unhealthy' ? 'red' : p.health === 'healthy' ? 'green' : undefined])));
  return `${out.join('\n')}\n`;
}

/** "running", "exited 1", "stopped SIGTERM", "restarting in 2s", "waiting for db". */
export function statusText(p: ProcessInfo): string {
  switch (p.status) {
    case 'exited':
      return p.exitCode === undefined ? 'exited' : `exited ${p.exitCode}`;
    case 'stopped':
      return p.signal ? `stopped ${p.signal}` : 'stopped';
    case 'failed':
      return p.gaveUp ? 'failed (gave up)' : 'failed';
    case 'restarting':
      return p.delayMs === undefined ? 'restarting' : `restarting in ${formatDuration(p.delayMs)}`;
    case 'waiting':
      return p.waitingFor?.length ? `waiting for ${p.waitingFor.join(',')}` : 'waiting';
    default:
      return p.status;
  }
}

function statusStyle(p: ProcessInfo): Style | undefined {
  if (p.status === 'running') return 'green';
  if (p.status === 'failed' || (p.status === 'exited' && p.exitCode !== 0) || p.status === 'unreachable') return 'red';
  if (p.status === 'starting' || p.status === 'restarting' || p.status === 'waiting' || p.status === 'stopping') return 'yellow';
  return 'dim';
}

const ALIVE = new Set(['starting', 'running', 'stopping']);

function uptime(p: ProcessInfo, now: number): string {
  if (!ALIVE.has(p.status) || !p.startedAt) return '';
  const started = Date.parse(p.startedAt);
  // Whole seconds: "0s" right after a start, never a millisecond count.
  return Number.isFinite(started) ? formatDuration(Math.max(0, Math.floor((now - started) / 1000) * 1000)) : '';
}

export { formatDuration } from '../../shared/format';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
