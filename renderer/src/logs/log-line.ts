/** One row of the log view: a line of output, a gap mark or a status note. */

/** What a row is: process output, a mark where history is missing, or a status change. */
export type LogLineKind = 'out' | 'gap' | 'status';

/** One row of the log view. Immutable: a `\r` update replaces the object, keeping its id. */
export interface LogLine {
  /** Unique and stable across `\r` replacement, for React keys. */
  readonly id: number;
  /** The process it belongs to. */
  readonly processId: string;
  /** The text as received, ANSI escapes kept. */
  readonly text: string;
  /** The text without ANSI escapes, for filtering, search, copy and download. */
  readonly plain: string;
  /** Which stream the line came from; gap and status rows are 'system'. */
  readonly stream: 'stdout' | 'stderr' | 'system';
  /** RFC 3339 time from the hub, or the arrival time when the hub sent none. */
  readonly timestamp: string;
  /** See {@link LogLineKind}. */
  readonly kind: LogLineKind;
}

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and lone escapes.
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Text without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI_RE, '') : text;
}
