/** The shown lines as text, for copy and for the `.log` download. */
import type { LineIndex } from './line-index';
import type { LogBook } from './log-book';
import { formatTime } from './log-row';

/** Options of {@link linesToText}. */
export interface ExportOptions {
  timestamps: boolean;
  prefix: boolean;
}

/** Plain text (no ANSI) of every line of a view (its filter, levels and time range), as shown. */
export function linesToText(book: LogBook, view: LineIndex, options: ExportOptions): string {
  const out: string[] = [];
  const source = view.source;
  for (let i = 0; i < view.length; i++) {
    const pos = view.positionAt(i);
    const store = source.storeAt(pos);
    if (!store) continue;
    const abs = source.absAt(pos);
    const kind = store.kind(abs);
    const processId = source.processIdAt(pos);
    let text = kind === 'gap' ? `--- ${store.plain(abs)} ---` : kind === 'run' ? `--- ${book.runs.describe(processId, store.run(abs), formatTime)} ---` : store.plain(abs);
    if (store.stream(abs) === 'stderr') text = `[stderr] ${text}`;
    if (options.prefix) text = `${processId} | ${text}`;
    // Full RFC 3339 times in files: they sort and survive time zones.
    if (options.timestamps) text = `${new Date(store.time(abs)).toISOString()} ${text}`;
    out.push(text);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** A file name like `web-2026-11-30T14-03-07.log`. */
export function logFileName(viewName: string, now: Date): string {
  const safe = viewName.replace(/[^A-Za-z0-9_-]/g, '_') || 'logs';
  return `${safe}-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.log`;
}
