/** How durations read, in the dashboard and the CLI alike (one format everywhere). */

/** `850ms`, `42s`, `3m 12s`, `2h 05m`, `4d 03h`: the two largest units, the second padded. */
export function formatDuration(ms: number): string {
  if (ms < 1000 && ms > 0) return `${Math.round(ms)}ms`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${pad(h % 24)}h`;
}
