/**
 * The level word near the start of a plain-text line (`WARN:`, `[error]`, Python's
 * `WARNING:root:`, Rails' `I, [… #1]  INFO -- :`, Go's `2023/10/12 10:00:00 INFO`, glog's
 * `E0101`), never one deep inside the message: timestamps, pids and bracketed ids are stepped
 * over, and only the first few chunks that hold a word count. Reads the line's head as bytes
 * (level.ts).
 */
import type { Level } from '../protocol/payloads/logs';
import { asciiWord, CLASS, isLetter, isWordChar } from './level-characters';
import { COLON, LETTERS, wordLevel } from './level-names';
import { logfmtLevel } from './logfmt-level';

/** A plain-text line's level sits within its first this many visible characters (UTF-8 bytes). */
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

/**
 * Where {@link chunkWords} stopped reading. An object's field rather than a module `let`: V8
 * stores to a mutated module variable through a slow path, and this is written for every chunk
 * of every output line. The scan is synchronous and never re-entered.
 */
const scan = { stoppedAt: 0 };

/**
 * The level word near the start of a plain-text (or logfmt) line: a walk over its first
 * whitespace-separated chunks that reads each chunk once, up to its first word or two.
 */
export function textLevel(b: Uint8Array, i: number, lineEnd: number): Level | undefined {
  const end = Math.min(lineEnd, LEVEL_TEXT_HEAD);
  let wordChunks = 0;
  for (let chunkIndex = 0; chunkIndex < 10 && wordChunks < WORD_CHUNKS; chunkIndex++) {
    let c = b[i] as number;
    while (c === 32 || c === 9) c = b[++i] as number;
    if (i >= end) return undefined;
    if (chunkIndex === 0 && glogLetter(b, i)) return LETTERS[String.fromCharCode(c)];
    const bracketed = c === 91 || c === 40;
    // The chunk's first letter or digit decides what it is.
    let k = i;
    let cls = 0;
    for (; k < end; c = b[++k] as number) {
      if (c === 32 || c === 9) break;
      cls = CLASS[c] as number;
      if ((cls & 3) !== 0) break;
    }
    if (k >= end || c === 32 || c === 9) {
      i = k; // punctuation only (`-`, `|`, `--`): not a word of the message
      continue;
    }
    // A timestamp's or an id's chunk: `2024-01-01`, `[12:00:00]`, `#1234]`, `[pool-1-thread-3]`, `(node:1234)`.
    if ((cls & 2) !== 0 || (bracketed && hasDigit(b, k, end))) {
      i = chunkEnd(b, k, end);
      continue;
    }
    const found = chunkWords(b, i, k, end, wordChunks === 0, chunkIndex > 0);
    if (found === LOGFMT) return logfmtLevel(b, i, end);
    if (found !== undefined && found !== null) return found;
    if (found === undefined) wordChunks++;
    i = chunkEnd(b, scan.stoppedAt, end);
  }
  return undefined;
}

/** Whether a digit comes before the next space within 40 characters (a bracketed id or time). */
function hasDigit(b: Uint8Array, k: number, end: number): boolean {
  const stop = Math.min(end, k + 40);
  for (; k < stop; k++) {
    const c = b[k] as number;
    if (c >= 48 && c <= 57) return true;
    if (c === 32 || c === 9) return false;
  }
  return false;
}

/** Index of the space or tab that ends the chunk `k` is in (or `end`). */
function chunkEnd(b: Uint8Array, k: number, end: number): number {
  for (; k < end; k++) {
    const c = b[k];
    if (c === 32 || c === 9) return k;
  }
  return end;
}

/**
 * The level among the first words of the chunk that starts at `i` and whose first letter is at
 * `k` (a second word only after `.`, `/` or `:`, as in `local.ERROR:`); undefined when none
 * counts, null when the chunk is a timestamp's word (`Oct`), {@link LOGFMT} when it is a logfmt
 * `key=`. Sets `scan.stoppedAt`.
 */
function chunkWords(b: Uint8Array, i: number, k: number, end: number, firstChunk: boolean, afterPrefix: boolean): Level | typeof LOGFMT | undefined | null {
  for (let words = 0; ; words++) {
    const a = k;
    while (k < end && k - a <= 13 && isWordChar(b[k] as number)) k++;
    scan.stoppedAt = k;
    if (k - a > 13) return undefined;
    // Past the head's end the bytes are zeros (level.ts): no mark, no letter.
    const next = b[k] as number;
    // `error-prone` is one word, not the level `error`.
    if (next === 45 && isLetter(b[k + 1] as number)) return undefined;
    const chunkDone = k >= end || next === 32 || next === 9;
    // `Oct 12 10:00:00` and `Mon Jan 01`: a timestamp's words, not the message's.
    if (k - a === 3 && words === 0 && chunkDone && isDateWord(b, a)) return null;
    const first = firstChunk && words === 0;
    // `time=…`, `log.level=…`: the line is logfmt, read as pairs.
    if (next === 61 /* = */ && firstChunk && a === i) return LOGFMT;
    if (first && k - a === 1) {
      const letter = LETTERS[String.fromCharCode(b[a] as number)];
      // `I, [` and `E/Tag` anywhere first; a lone `E ` only after a timestamp (`I think` is prose).
      if (letter && (next === 44 || next === 47 || (afterPrefix && chunkDone))) return letter;
    }
    const level = wordLevel(b, a, k, first);
    if (level) return level;
    if (next === 58 /* : */ && k - a >= 4 && k - a <= 8) {
      const colon = COLON.get(asciiWord(b, a, k));
      if (colon) return colon;
    }
    if (words === 1 || (next !== 46 && next !== 47 && next !== 58)) return undefined;
    // The next word of the chunk, after at most four marks.
    const from = k;
    k++;
    while (k < end && !isWordChar(b[k] as number)) {
      const c = b[k];
      if (c === 32 || c === 9 || ++k - from > 4) return undefined;
    }
    if (k >= end) return undefined;
  }
}

function isDateWord(b: Uint8Array, a: number): boolean {
  const c = b[a] as number;
  const d = b[a + 1] as number;
  return c >= 65 && c <= 90 && d >= 97 && d <= 122 && DATE_WORDS.has(asciiWord(b, a, a + 3));
}

/** glog/klog's `E0101 ` (severity letter, month and day, then a space). */
function glogLetter(b: Uint8Array, i: number): boolean {
  const c = b[i + 5];
  if (c !== 32 && c !== 9) return false;
  const letter = String.fromCharCode(b[i] as number);
  if (!LETTERS[letter] || letter === 'V') return false;
  for (let k = i + 1; k < i + 5; k++) {
    const d = b[k] as number;
    if (d < 48 || d > 57) return false;
  }
  return true;
}
