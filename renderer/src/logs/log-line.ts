/** One row of the log view as components draw it, and the ANSI stripping rule. */
import type { Level } from '../../../shared/protocol/payloads/logs';
import type { LineKind, LineStream } from './line-meta';

export type { LineKind as LogLineKind } from './line-meta';

/** One row of the log view, made only for the rows on screen (the held lines live in stores). */
export interface ViewLine {
  /** Unique and stable across `\r` replacement and merges, for React keys. */
  readonly key: string;
  /** The process it belongs to. */
  readonly processId: string;
  /** The text as received, ANSI escapes kept. */
  readonly text: string;
  readonly stream: LineStream;
  /** Milliseconds since the epoch: the hub's time, or the arrival time when the hub sent none. */
  readonly time: number;
  readonly kind: LineKind;
  readonly level?: Level;
  /** The process's run (0: unknown). */
  readonly run: number;
}

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and lone escapes.

export { stripAnsi } from '../../../shared/logs/ansi';
