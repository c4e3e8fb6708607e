/**
 * The level a line states about itself (CONTRACT.md, "Output kept, understood and typed into"):
 * a JSON line's `level`/`lvl`/`severity` field (pino's and bunyan's numbers too), a logfmt line's
 * `level=`, or a conventional level word near the start (`WARN:`, `[error]`, Python's
 * `WARNING:root:`, Rails' `I, [… #1]  INFO -- :`, Go's `2023/10/12 10:00:00 INFO`, glog's `E0101`,
 * journald's `<3>`). Never a word deep inside the message: `… failed with error` is not an error,
 * and neither is a JSON `msg` that says "error".
 *
 * This runs on every output line in the supervisor (up to a million a second), so it reads at
 * most {@link LEVEL_SCAN_CHARS} characters, walks them once with `charCodeAt`, allocates only for
 * the few candidate words it looks up, uses no regular expression over the line and never
 * `JSON.parse`s. Each kind of line has its reader: json-level.ts, logfmt-level.ts and
 * text-level.ts, over the names of level-names.ts and the character classes of
 * level-characters.ts.
 */
import type { Level } from '../protocol/payloads/logs';
import { stripAnsi } from './ansi';
import { skipSpace } from './level-characters';
import { levelFromSeverity } from './level-names';
import { jsonLevel } from './json-level';
import { textLevel } from './text-level';

export { levelFromNumber } from './level-names';
export { LEVEL_TEXT_HEAD } from './text-level';

/** Nothing after this many characters of a line can change its level. */
export const LEVEL_SCAN_CHARS = 1024;

/** The level a line states, or undefined. Never throws, whatever the string. */
export function detectLevel(line: string): Level | undefined {
  if (typeof line !== 'string' || line.length === 0) return undefined;
  let s = line.length > LEVEL_SCAN_CHARS ? line.slice(0, LEVEL_SCAN_CHARS) : line;
  if (s.indexOf('\x1b') !== -1) s = stripAnsi(s);
  const i = skipSpace(s, 0);
  const c = s.charCodeAt(i);
  if (c === 123 /* { */) return jsonLevel(s, i + 1);
  if (c === 60 /* < */) {
    const level = syslogPriority(s, i);
    if (level) return level;
  }
  return textLevel(s, i);
}

/** `<N>message` (sd-daemon) or a syslog PRI `<134>`: severity is N mod 8. */
function syslogPriority(s: string, i: number): Level | undefined {
  let n = 0;
  let j = i + 1;
  for (; j < s.length && j < i + 4; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (j === i + 1 || s.charCodeAt(j) !== 62 /* > */ || n > 191) return undefined;
  return levelFromSeverity(n % 8);
}
