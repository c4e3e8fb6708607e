/**
 * Positions in the stored output. Every stored line has a sequence number, unique in the store
 * and growing in the order lines were read (across processes and sessions), so "oldest first,
 * merged in time order with a stable order for equal times" is simply seq order, and a page
 * boundary is one number: paging by cursor neither skips nor repeats a line. A cursor is that
 * number, opaque on the wire (`c` and base 36). `before`/`after` also take an ISO time.
 */
import { LogQueryError } from './query-error';

/** A line's seq, or a time in ms since the epoch. */
export type Position = { seq: number } | { time: number };

/** The cursor of the line with sequence number `seq`. */
export function encodeCursor(seq: number): string {
  return `c${seq.toString(36)}`;
}

const CURSOR = /^c[0-9a-z]{1,11}$/;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** Parse a `before`/`after` value; a bad one is a `bad_params` naming `field`. */
export function parsePosition(value: string, field: string): Position {
  if (CURSOR.test(value)) {
    const seq = parseInt(value.slice(1), 36);
    if (Number.isSafeInteger(seq)) return { seq };
  } else if (ISO.test(value)) {
    const time = Date.parse(value);
    if (Number.isFinite(time)) return { time };
  }
  throw new LogQueryError('bad_params', `${field}: expected a cursor from a line or an ISO time, got ${JSON.stringify(value.slice(0, 40))}`);
}

/** Whether a line at (`seq`, `time`) lies strictly before `p`. */
export function isBefore(p: Position, seq: number, time: number): boolean {
  return 'seq' in p ? seq < p.seq : time < p.time;
}

/** Whether a line at (`seq`, `time`) lies strictly after `p`. */
export function isAfter(p: Position, seq: number, time: number): boolean {
  return 'seq' in p ? seq > p.seq : time > p.time;
}
