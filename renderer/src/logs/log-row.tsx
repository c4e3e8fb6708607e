/**
 * One row of the log view: optional timestamp, process prefix, a quiet stderr mark, and the
 * coloured text; a JSON line compactly (level, time, message, then its other fields) and
 * expandable to all of its fields; a run's separator; a gap or status note. The row's colour
 * comes from its level, not from its stream.
 */
import { memo } from 'react';
import { AnsiText } from './ansi-text';
import { isLevel, otherFields, parseJsonLine, type JsonLine } from './json-line';
import { stripAnsi, type ViewLine } from './log-line';
import { processColourVar } from '../state/process-colours';

/** Props of {@link LogRow}. */
export interface LogRowProps {
  line: ViewLine;
  showTimestamp: boolean;
  /** Show the process name in front (the merged view). */
  showPrefix: boolean;
  query: string;
  /** The search match the user navigated to. */
  current: boolean;
  /** Whether a JSON line shows all its fields. */
  expanded: boolean;
  onToggle(key: string): void;
  /** The separator text of a run row ("run 3 · started 18:20:01 · exited 1"). */
  describeRun(processId: string, run: number): string;
}

/** Local wall-clock time with milliseconds, e.g. 14:03:07.125. */
export function formatTime(time: number | string): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return String(time);
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
export const LogRow = memo(function LogRow({ line, showTimestamp, showPrefix, query, current, expanded, onToggle, describeRun }: LogRowProps) {
  const ts = showTimestamp && <span className="log-ts">{formatTime(line.time)} </span>;
  const prefix = showPrefix && (
    <span className="log-prefix" style={{ color: `var(${processColourVar(line.processId)}, hsl(${processHue(line.processId)} 60% var(--prefix-lightness)))` }}>
      {line.processId} │{' '}
    </span>
  );
  if (line.kind === 'gap') {
    return (
      <div className="log-line log-gap" data-testid="log-gap" role="note" data-process={line.processId}>
        <span aria-hidden="true">⚠ </span>
        {ts}
        {line.text}
      </div>
    );
  }
  if (line.kind === 'run') {
    return (
      <div className="log-line log-run" data-testid="log-run" role="separator" data-process={line.processId} data-run={line.run}>
        {prefix}
        <span className="log-run-text">{describeRun(line.processId, line.run)}</span>
      </div>
    );
  }
  const json = line.kind === 'out' && line.text.includes('{') ? parseJsonLine(stripAnsi(line.text)) : null;
  const level = line.level ?? (json && isLevel(json.level) ? json.level : undefined);
  const classes = ['log-line', `log-${line.stream}`];
  if (level) classes.push(`log-level-${level}`);
  if (line.kind === 'status') classes.push('log-status');
  if (current) classes.push('log-current');
  if (json) classes.push('log-json');
  return (
    <div
      className={classes.join(' ')}
      data-testid={line.kind === 'status' ? 'log-status' : 'log-line'}
      data-stream={line.stream}
      data-process={line.processId}
      data-level={level}
      aria-current={current || undefined}
    >
      {ts}
      {prefix}
      {line.stream === 'stderr' && (
        <span className="log-stderr-mark" title="stderr">
          <span className="sr-only">stderr: </span>
        </span>
      )}
      {json && (
        <button type="button" className="log-expand" aria-expanded={expanded} aria-label={expanded ? 'Collapse fields' : 'Expand fields'} onClick={() => onToggle(line.key)}>
          {expanded ? '▾' : '▸'}
        </button>
      )}
      <span className="log-text" data-testid="log-text">
        {line.kind === 'status' ? `● ${line.text}` : json ? <JsonSummary json={json} query={query} /> : <AnsiText text={line.text} query={query} />}
      </span>
      {json && expanded && <JsonFields json={json} />}
    </div>
  );
});

/** level, time and message first, then the other fields as `key=value`. */
function JsonSummary({ json, query }: { json: JsonLine; query: string }) {
  const rest = otherFields(json)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return (
    <>
      {json.level && <span className={`log-json-level log-json-level-${json.level}`}>{json.level.toUpperCase()} </span>}
      {json.time && <span className="log-json-time">{json.time} </span>}
      {json.message !== undefined && (
        <span className="log-json-msg">
          <AnsiText text={json.message} query={query} />{' '}
        </span>
      )}
      <span className="log-json-rest">
        <AnsiText text={rest} query={query} />
      </span>
    </>
  );
}

/** Every field of a JSON line, one per row. */
function JsonFields({ json }: { json: JsonLine }) {
  return (
    <dl className="log-json-fields" data-testid="log-json-fields">
      {Object.entries(json.fields).map(([k, v]) => (
        <div key={k} className="log-json-field">
          <dt>{k}</dt>
          <dd>
            <AnsiText text={typeof v === 'string' ? v : JSON.stringify(v, null, 1)} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
