/**
 * The level word near the start of a plain-text line (`WARN:`, `[error]`, Python's
 * `WARNING:root:`, Rails' `I, [… #1]  INFO -- :`, Go's `2023/10/12 10:00:00 INFO`, glog's
 * `E0101`), never one deep inside the message: timestamps, pids and bracketed ids are stepped
 * over, and only the first few chunks that hold a word count.
 */
import type { Level } from '../protocol/payloads/logs';
import { CLASS, isLetter, isWordChar } from './level-characters';
import { COLON, LETTERS, wordLevel } from './level-names';
import { logfmtLevel } from './logfmt-level';

/** A plain-text line's level sits within its first this many visible characters. */
export const LEVEL_TEXT_HEAD = 160;
/**
 * A level word counts only within the first this many whitespace-separated chunks that hold a
 * word (timestamps, pids and bracketed numbers do not count), so that `[main] WARN`,
 * `npm ERR!` and `name - WARNING -` are found and `Connection failed with error` is not.
 */
const WORD_CHUNKS = 3;
/** Month and weekday names: part of a timestamp, not a word of the message. */
const DATE_WORDS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
/** Returned by {@link chunkWords} when the line turns out to be logfmt (`key=`). */
const LOGFMT = 'logfmt';

/** Where {@link chunkWords} stopped reading (module state: the scan is synchronous and never re-entered). */
let stoppedAt = 0;
/** The line's first tab at or after the scan's start, -2 until looked for (module state, as above). */
let tabAt = -2;

/**
 * The level word near the start of a plain-text (or logfmt) line: a walk over its first
 * whitespace-separated chunks that reads each chunk once, up to its first word or two.
 */
export function textLevel(s: string, i: number): Level | undefined {
  const end = Math.min(s.length, LEVEL_TEXT_HEAD);
  tabAt = -2;
  let wordChunks = 0;
  for (let chunkIndex = 0; chunkIndex < 10 && wordChunks < WORD_CHUNKS; chunkIndex++) {
    let c = s.charCodeAt(i);
    while (c === 32 || c === 9) c = s.charCodeAt(++i);
    if (i >= end) return undefined;
    if (chunkIndex === 0 && glogLetter(s, i)) return LETTERS[s.charAt(i)];
    const bracketed = c === 91 || c === 40;
    // The chunk's first letter or digit decides what it is.
    let k = i;
    let cls = 0;
    for (; k < end; c = s.charCodeAt(++k)) {
      if (c === 32 || c === 9) break;
      cls = c < 128 ? (CLASS[c] as number) : 0;
      if ((cls & 3) !== 0) break;
    }
    if (k >= end || c === 32 || c === 9) {
      i = k; // punctuation only (`-`, `|`, `--`): not a word of the message
      continue;
    }
    // A timestamp's or an id's chunk: `2024-01-01`, `[12:00:00]`, `#1234]`, `[pool-1-thread-3]`, `(node:1234)`.
    if ((cls & 2) !== 0 || (bracketed && hasDigit(s, k, end))) {
      i = chunkEnd(s, k, end);
      continue;
    }
    const found = chunkWords(s, i, k, end, wordChunks === 0, chunkIndex > 0);
    if (found === LOGFMT) return logfmtLevel(s, i, end);
    if (found !== undefined && found !== null) return found;
    if (found === undefined) wordChunks++;
    i = chunkEnd(s, stoppedAt, end);
  }
  return undefined;
}

/** Whether a digit comes before the next space within 40 characters (a bracketed id or time). */
function hasDigit(s: string, k: number, end: number): boolean {
  const stop = Math.min(end, k + 40);
  for (; k < stop; k++) {
    const c = s.charCodeAt(k);
    if (c >= 48 && c <= 57) return true;
    if (c === 32 || c === 9) return false;
  }
  return false;
}

/** Index of the space or tab that ends the chunk `k` is in (or `end`). */
function chunkEnd(s: string, k: number, end: number): number {
  // Most chunks of a line's head are short: a few steps here are cheaper than the call into
  // indexOf, which takes over for a long one (a URL, a path).
  const stop = Math.min(end, k + 12);
  for (; k < stop; k++) {
    const c = s.charCodeAt(k);
    if (c === 32 || c === 9) return k;
  }
  if (stop === end) return end;
  let j = s.indexOf(' ', stop);
  if (j === -1 || j > end) j = end;
  if (tabAt === -2) tabAt = s.indexOf('\t', stop);
  if (tabAt !== -1 && tabAt < stop) tabAt = s.indexOf('\t', stop);
  return tabAt !== -1 && tabAt < j ? tabAt : j;
}

/**
 * The level among the first words of the chunk that starts at `i` and whose first letter is at
 * `k` (a second word only after `.`, `/` or `:`, as in `local.ERROR:`); undefined when none
 * counts, null when the chunk is a timestamp's word (`Oct`), {@link LOGFMT} when it is a logfmt
 * `key=`. Sets {@link stoppedAt}.
 */
function chunkWords(s: string, i: number, k: number, end: number, firstChunk: boolean, afterPrefix: boolean): Level | typeof LOGFMT | undefined | null {
  for (let words = 0; ; words++) {
    const a = k;
    while (k < end && k - a <= 13 && isWordChar(s.charCodeAt(k))) k++;
    stoppedAt = k;
    if (k - a > 13) return undefined;
    const next = s.charCodeAt(k);
    // `error-prone` is one word, not the level `error`.
    if (next === 45 && isLetter(s.charCodeAt(k + 1))) return undefined;
    const chunkDone = k >= end || next === 32 || next === 9;
    // `Oct 12 10:00:00` and `Mon Jan 01`: a timestamp's words, not the message's.
    if (k - a === 3 && words === 0 && chunkDone && isDateWord(s, a)) return null;
    const first = firstChunk && words === 0;
    // `time=…`, `log.level=…`: the line is logfmt, read as pairs.
    if (next === 61 /* = */ && firstChunk && a === i) return LOGFMT;
    if (first && k - a === 1) {
      const letter = LETTERS[s.charAt(a)];
      // `I, [` and `E/Tag` anywhere first; a lone `E ` only after a timestamp (`I think` is prose).
      if (letter && (next === 44 || next === 47 || (afterPrefix && chunkDone))) return letter;
    }
    const level = wordLevel(s, a, k, first);
    if (level) return level;
    if (next === 58 /* : */ && k - a >= 4 && k - a <= 8) {
      const colon = COLON.get(s.slice(a, k));
      if (colon) return colon;
    }
    if (words === 1 || (next !== 46 && next !== 47 && next !== 58)) return undefined;
    // The next word of the chunk, after at most four marks.
    const from = k;
    k++;
    while (k < end && !isWordChar(s.charCodeAt(k))) {
      const c = s.charCodeAt(k);
      if (c === 32 || c === 9 || ++k - from > 4) return undefined;
    }
    if (k >= end) return undefined;
  }
}

function isDateWord(s: string, a: number): boolean {
  const c = s.charCodeAt(a);
  const d = s.charCodeAt(a + 1);
  return c >= 65 && c <= 90 && d >= 97 && d <= 122 && DATE_WORDS.has(s.slice(a, a + 3));
}

/** glog/klog's `E0101 ` (severity letter, month and day, then a space). */
function glogLetter(s: string, i: number): boolean {
  const c = s.charCodeAt(i + 5);
  if (c !== 32 && c !== 9) return false;
  const letter = s.charAt(i);
  if (!LETTERS[letter] || letter === 'V') return false;
  for (let k = i + 1; k < i + 5; k++) {
    const d = s.charCodeAt(k);
    if (d < 48 || d > 57) return false;
  }
  return true;
}
