/** One row of the log view: optional timestamp, process prefix, stream mark and the coloured text. */
import { memo } from 'react';
import { AnsiText } from './ansi-text';
import type { LogLine } from './log-line';

/** Props of {@link LogRow}. */
export interface LogRowProps {
  line: LogLine;
  showTimestamp: boolean;
  /** Show the process name in front (the merged view). */
  showPrefix: boolean;
  query: string;
  /** The search match the user navigated to. */
  current: boolean;
}

/** Local wall-clock time with milliseconds, e.g. 14:03:07.125. */
export function formatTime(timestamp: string): string {
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** A stable hue per process name, so a merged view tells processes apart at a glance. */
export function processHue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 360;
}

/** One log row; memoised so a batch re-renders only rows whose line changed. */
export const LogRow = memo(function LogRow({ line, showTimestamp, showPrefix, query, current }: LogRowProps) {
  if (line.kind === 'gap') {
    return (
      <div className="log-line log-gap" data-testid="log-gap" role="note" data-process={line.processId}>
        <span aria-hidden="true">⚠ </span>
        {showTimestamp && <span className="log-ts">{formatTime(line.timestamp)} </span>}
        {line.text}
      </div>
    );
  }
  const classes = ['log-line', `log-${line.stream}`];
  if (line.kind === 'status') classes.push('log-status');
  if (current) classes.push('log-current');
  // stderr is marked by colour and a bar (CSS), not by text, so a line's text stays exactly the output.
  return (
    <div
      className={classes.join(' ')}
      data-testid={line.kind === 'status' ? 'log-status' : 'log-line'}
      data-stream={line.stream}
      data-process={line.processId}
      title={line.stream === 'stderr' ? 'stderr' : undefined}
      aria-current={current || undefined}
    >
      {showTimestamp && <span className="log-ts">{formatTime(line.timestamp)} </span>}
      {showPrefix && (
        <span className="log-prefix" style={{ color: `var(--proc-${line.processId}, hsl(${processHue(line.processId)} 60% var(--prefix-lightness)))` }}>
          {line.processId} │{' '}
        </span>
      )}
      {line.stream === 'stderr' && <span className="sr-only">stderr: </span>}
      <span className="log-text" data-testid="log-text">
        {line.kind === 'status' ? `● ${line.text}` : <AnsiText text={line.text} query={query} />}
      </span>
    </div>
  );
});
