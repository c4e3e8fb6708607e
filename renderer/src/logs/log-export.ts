/** The shown lines as text, for copy and for the `.log` download. */
import type { LineIndex } from './line-index';
import type { LogLine } from './log-line';

/** Options of {@link linesToText}. */
export interface ExportOptions {
  timestamps: boolean;
  prefix: boolean;
}

/** Plain text (no ANSI) of every line of a view, as shown. */
export function linesToText(view: LineIndex<LogLine>, options: ExportOptions): string {
  const out: string[] = [];
  for (let i = 0; i < view.length; i++) {
    const line = view.at(i);
    if (!line) continue;
    let text = line.kind === 'gap' ? `--- ${line.plain} ---` : line.plain;
    if (line.stream === 'stderr') text = `[stderr] ${text}`;
    if (options.prefix) text = `${line.processId} | ${text}`;
    // Full RFC 3339 times in files: they sort and survive time zones.
    if (options.timestamps) text = `${line.timestamp} ${text}`;
    out.push(text);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** A file name like `web-2026-11-30T14-03-07.log`. */
export function logFileName(viewName: string, now: Date): string {
  const safe = viewName.replace(/[^A-Za-z0-9_-]/g, '_') || 'logs';
  return `${safe}-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.log`;
}
