/** How a process status reads in the sidebar and in the log. */
import type { ProcessInfo } from './process-info';

/** A short description of a status: "exited (code 1)", "stopped (SIGTERM)", "failed: not found". */
export function statusDetail(p: Partial<ProcessInfo>): string {
  const status = p.status ?? 'unknown';
  switch (status) {
    case 'exited':
      return p.exitCode !== undefined ? `exited (code ${p.exitCode})` : 'exited';
    case 'stopped':
      return p.signal ? `stopped (${p.signal})` : 'stopped';
    case 'failed':
      return p.reason ? `failed: ${p.reason}` : 'failed';
    case 'restarting':
      return p.delayMs !== undefined ? `restarting in ${Math.ceil(p.delayMs / 1000)} s` : 'restarting';
    default:
      return status;
  }
}

/** The note a status change leaves in the log. */
export function statusNote(id: string, p: Partial<ProcessInfo>): string {
  const pid = p.status === 'running' && p.pid !== undefined ? ` (pid ${p.pid})` : '';
  return `${id} ${statusDetail(p)}${pid}`;
}

/** Whether a process is up (so Stop makes sense rather than Start). */
export function isActive(status: string): boolean {
  return status === 'running' || status === 'starting' || status === 'restarting';
}

/** "2h 03m", "4m 05s", "12s": an uptime for the sidebar. */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}
