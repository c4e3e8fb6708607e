/**
 * Times as the dashboard shows them: the wire's ISO strings become numbers in this one place, and
 * every clock reads 24-hour HH:MM:SS, whatever the browser's locale (the hub panel once said
 * 6:25:24 PM beside a log saying 18:25:24).
 */

/** ms since the epoch of an ISO time; undefined when absent or unreadable. */
export function msOf(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local wall-clock time, 24-hour: `18:25:24` (with `ms`: `18:25:24.120`). */
export function formatClock(time: number | string | undefined, ms = false): string {
  const t = typeof time === 'string' ? msOf(time) : time;
  if (t === undefined) return '';
  const d = new Date(t);
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return ms ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

export { formatDuration } from '../../../shared/format';
