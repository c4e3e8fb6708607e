/**
 * The level a line states about itself (CONTRACT.md, "Output kept, understood and typed into"):
 * a JSON line's `level`/`lvl`/`severity` field (pino's and bunyan's numbers too), a logfmt line's
 * `level=`, or a conventional level word near the start (`WARN:`, `[error]`, Python's
 * `WARNING:root:`, Rails' `I, [… #1]  INFO -- :`, Go's `2023/10/12 10:00:00 INFO`, glog's `E0101`,
 * journald's `<3>`). Never a word deep inside the message: `… failed with error` is not an error,
 * and neither is a JSON `msg` that says "error".
 *
 * This runs on every output line in the supervisor (up to a million a second). The line's head
 * (at most {@link LEVEL_SCAN_CHARS}) is copied once, as UTF-8, into a byte array, and the readers
 * walk those bytes: reading a string character by character costs a call per character once the
 * readers have seen strings of several representations (sliced, joined, flat, one- and two-byte,
 * as every supervisor does), about 2 µs a line in serve, where the bytes cost the same whatever
 * the string. No regular expression over the line, no `JSON.parse`; strings are made only for the
 * few candidate words looked up. Each kind of line has its reader: json-level.ts,
 * logfmt-level.ts and text-level.ts, over the names of level-names.ts and the character classes
 * of level-characters.ts. Every non-ASCII character is bytes of 128 and above, which no reader
 * takes for a letter, a digit or punctuation.
 */
import type { Level } from '../protocol/payloads/logs';
import { stripAnsi } from './ansi';
import { skipSpace } from './level-characters';
import { levelFromSeverity } from './level-names';
import { jsonLevel } from './json-level';
import { textLevel } from './text-level';

export { levelFromNumber } from './level-names';
export { LEVEL_TEXT_HEAD } from './text-level';

/** Nothing after this many characters (UTF-8 bytes, where a character takes several) of a line can change its level. */
export const LEVEL_SCAN_CHARS = 1024;

/**
 * Zeros the readers may look at past the head's end: none looks further than this ahead of
 * where it stands, so a read past the end sees 0 (no class) instead of an older line's bytes.
 */
const LOOKAHEAD = 8;
/** The head of the line being read. Detection is synchronous and never re-entered, so one array serves every call. */
const head = new Uint8Array(LEVEL_SCAN_CHARS + LOOKAHEAD);
/** What the copy may fill: the head less its lookahead. */
const headRoom = head.subarray(0, LEVEL_SCAN_CHARS);
const encoder = new TextEncoder();

/** The level a line states, or undefined. Never throws, whatever the string. */
export function detectLevel(line: string): Level | undefined {
  if (typeof line !== 'string' || line.length === 0) return undefined;
  let s = line.length > LEVEL_SCAN_CHARS ? line.slice(0, LEVEL_SCAN_CHARS) : line;
  if (s.indexOf('\x1b') !== -1) s = stripAnsi(s);
  const end = encoder.encodeInto(s, headRoom).written;
  head.fill(0, end, end + LOOKAHEAD);
  const i = skipSpace(head, 0, end);
  const c = head[i];
  if (c === 123 /* { */) return jsonLevel(head, i + 1, end);
  if (c === 60 /* < */) {
    const level = syslogPriority(head, i);
    if (level) return level;
  }
  return textLevel(head, i, end);
}

/** `<N>message` (sd-daemon) or a syslog PRI `<134>`: severity is N mod 8. */
function syslogPriority(b: Uint8Array, i: number): Level | undefined {
  let n = 0;
  let j = i + 1;
  for (; j < i + 4; j++) {
    const d = (b[j] as number) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (j === i + 1 || b[j] !== 62 /* > */ || n > 191) return undefined;
  return levelFromSeverity(n % 8);
}
