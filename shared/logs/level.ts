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
 * `JSON.parse`s: a JSON line's top-level keys are walked in place, skipping string values (so a
 * `"level"` inside a message string is never seen).
 */
import type { Level } from '../protocol/payloads/logs';

/** Nothing after this many characters of a line can change its level. */
export const LEVEL_SCAN_CHARS = 1024;
/** A plain-text line's level sits within its first this many visible characters. */
export const LEVEL_TEXT_HEAD = 160;
/**
 * A level word counts only within the first this many whitespace-separated chunks that hold a
 * word (timestamps, pids and bracketed numbers do not count), so that `[main] WARN`,
 * `npm ERR!` and `name - WARNING -` are found and `Connection failed with error` is not.
 */
const WORD_CHUNKS = 3;

/** Words that name a level (lower-cased), including the abbreviations of zerolog, .NET and glog-likes. */
const WORDS: Array<[string, Level]> = [
  ['error', 'error'], ['err', 'error'], ['eror', 'error'], ['fatal', 'error'], ['ftl', 'error'],
  ['critical', 'error'], ['crit', 'error'], ['crt', 'error'], ['panic', 'error'], ['pnc', 'error'],
  ['dpanic', 'error'], ['alert', 'error'], ['emerg', 'error'], ['emergency', 'error'], ['severe', 'error'],
  ['fail', 'error'],
  ['warn', 'warn'], ['warning', 'warn'], ['wrn', 'warn'],
  ['info', 'info'], ['inf', 'info'], ['information', 'info'], ['informational', 'info'], ['notice', 'info'],
  ['log', 'info'],
  ['debug', 'debug'], ['dbg', 'debug'], ['dbug', 'debug'],
  ['trace', 'trace'], ['trc', 'trace'], ['trce', 'trace'], ['verbose', 'trace'], ['vrb', 'trace'], ['silly', 'trace'],
];
/** Words too common in prose to count unless written in capitals (Postgres' `LOG:`). */
const CAPITALS_ONLY = new Set(['log', 'alert', 'notice']);
/** Full words (not abbreviations) that count further into the head when a colon follows (`main.c:3: error:`). */
const COLON_WORDS = ['error', 'warning', 'warn', 'fatal', 'critical', 'info', 'debug'];
const capitalized = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
// The case variants are keys of their own, so that a lookup is one slice and one Map.get.
/** `ERROR`: counts anywhere in the head. */
const CAPS = new Map(WORDS.map(([w, l]) => [w.toUpperCase(), l]));
/** `error`, `Error`: count as the first word only. */
const FIRST = new Map(WORDS.filter(([w]) => !CAPITALS_ONLY.has(w)).flatMap(([w, l]) => [[w, l], [capitalized(w), l]] as Array<[string, Level]>));
/** `error:`, `Warning:`: count in the head when a colon follows. */
const COLON = new Map(COLON_WORDS.flatMap((w) => [[w, FIRST.get(w) as Level], [capitalized(w), FIRST.get(w) as Level]]));
/** Any case, for the values of level fields. */
const VALUES = new Map(WORDS.flatMap(([w, l]) => [[w, l], [w.toUpperCase(), l], [capitalized(w), l]] as Array<[string, Level]>));
/** Single capitals of Rails (`E, [`), Android (`E/Tag`) and logcat's threadtime (`… 1234 E Tag`). */
const LETTERS: Record<string, Level> = { E: 'error', F: 'error', W: 'warn', I: 'info', D: 'debug', V: 'trace' };
/** Month and weekday names: part of a timestamp, not a word of the message. */
const DATE_WORDS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
/**
 * The first two letters (case folded) of every level word, as a 32×32 bit table: most words of
 * a message (`GET`, `Connection`, `started`) are turned away by it without a slice or a lookup.
 */
const PAIRS = new Uint8Array(32 * 32);
for (const [w] of WORDS) PAIRS[((w.charCodeAt(0) & 31) << 5) | (w.charCodeAt(1) & 31)] = 1;

/** Character classes of the ASCII range: bit 1 letter, 2 digit, 4 word (letter, digit, `_`), 8 logfmt key. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const digit = c >= 48 && c <= 57;
  const word = letter || digit || c === 95;
  CLASS[c] = (letter ? 1 : 0) | (digit ? 2 : 0) | (word ? 4 : 0) | (word || c === 46 || c === 45 || c === 64 ? 8 : 0);
}
/** Returned by {@link chunkLevel} when the line turns out to be logfmt (`key=`). */
const LOGFMT = 'logfmt';

/** JSON keys that hold a level (lower-cased; `PRIORITY` is journald's export, checked apart). */
const JSON_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel', 'log_level', 'log.level', 'levelname', 'level_name', '@l', '@level']);
/** logfmt keys that hold a level (`at=` is Heroku's router). */
const LOGFMT_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel', 'log_level', 'log.level', 'at']);
/** The first two letters of those keys (case folded), as in {@link PAIRS}. */
const PAIRS_KEYS = new Uint8Array(32 * 32);
for (const key of LOGFMT_KEYS) PAIRS_KEYS[((key.charCodeAt(0) & 31) << 5) | (key.charCodeAt(1) & 31)] = 1;

/** The level a line states, or undefined. Never throws, whatever the string. */
export function detectLevel(line: string): Level | undefined {
  if (typeof line !== 'string' || line.length === 0) return undefined;
  let s = line.length > LEVEL_SCAN_CHARS ? line.slice(0, LEVEL_SCAN_CHARS) : line;
  if (s.indexOf('\x1b') !== -1) s = stripAnsi(s);
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const c = s.charCodeAt(i);
  if (c === 123 /* { */) return jsonLevel(s, i + 1);
  if (c === 60 /* < */) {
    const level = syslogPriority(s, i);
    if (level) return level;
  }
  return textLevel(s, i);
}

/** A pino/bunyan number: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
export function levelFromNumber(n: number): Level | undefined {
  if (!(n >= 10) || n > 100) return undefined;
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  return 'trace';
}

/** Syslog severity 0..7 (journald's `<3>` prefix and its `PRIORITY` field). */
function levelFromSeverity(n: number): Level | undefined {
  if (n <= 3) return 'error';
  if (n === 4) return 'warn';
  if (n <= 6) return 'info';
  return n === 7 ? 'debug' : undefined;
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

/**
 * The level word `s[a, b)`, or undefined. `first` admits `error`/`Error` besides `ERROR` (the
 * first word of a line); otherwise only capitals count.
 */
function wordLevel(s: string, a: number, b: number, first: boolean): Level | undefined {
  const n = b - a;
  if (n < 3 || n > 13 || PAIRS[((s.charCodeAt(a) & 31) << 5) | (s.charCodeAt(a + 1) & 31)] === 0) return undefined;
  const word = s.slice(a, b);
  return CAPS.get(word) ?? (first ? FIRST.get(word) : undefined);
}

/** The level of a value's leading letters (`"INFO"`, `WARN+2`, `"Information"`), any usual case. */
function valueLevel(s: string, a: number, end: number): Level | undefined {
  let b = a;
  while (b < end && b - a <= 13 && isLetter(s.charCodeAt(b))) b++;
  if (b === a || b - a > 13) return undefined;
  const word = s.slice(a, b);
  return VALUES.get(word) ?? VALUES.get(word.toLowerCase());
}

// ---------------------------------------------------------------------------------------- JSON

/**
 * Walk the top-level keys of a JSON object from just after its `{`, skipping values in place,
 * until a level key or the end of the scanned prefix. Malformed input ends the walk (undefined).
 */
function jsonLevel(s: string, i: number): Level | undefined {
  const end = s.length;
  for (let keys = 0; keys < 64; keys++) {
    i = skipSpace(s, i);
    if (s.charCodeAt(i) !== 34 /* " */) return undefined;
    const keyEnd = stringEnd(s, i + 1);
    if (keyEnd < 0) return undefined;
    const keyStart = i + 1;
    i = skipSpace(s, keyEnd + 1);
    if (s.charCodeAt(i) !== 58 /* : */) return undefined;
    i = skipSpace(s, i + 1);
    const keyLength = keyEnd - keyStart;
    if (keyLength >= 2 && keyLength <= 10) {
      const key = s.slice(keyStart, keyEnd);
      const level = JSON_KEYS.has(key.toLowerCase()) ? jsonValueLevel(s, i, false) : key === 'PRIORITY' ? jsonValueLevel(s, i, true) : undefined;
      if (level) return level;
    }
    i = skipValue(s, i);
    if (i < 0 || i >= end) return undefined;
    i = skipSpace(s, i);
    if (s.charCodeAt(i) !== 44 /* , */) return undefined;
    i++;
  }
  return undefined;
}

function jsonValueLevel(s: string, i: number, syslog: boolean): Level | undefined {
  const c = s.charCodeAt(i);
  if (c === 34 /* " */) {
    const e = stringEnd(s, i + 1);
    if (e < 0) return undefined;
    if (syslog) return e === i + 2 ? levelFromSeverity(s.charCodeAt(i + 1) - 48) : undefined;
    return valueLevel(s, i + 1, e);
  }
  if (c >= 48 && c <= 57) {
    let n = 0;
    for (let j = i; j < s.length && j < i + 4; j++) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    return syslog ? levelFromSeverity(n) : levelFromNumber(n);
  }
  return undefined;
}

/** Index of the closing quote of a JSON string whose content starts at `i`, or -1. */
function stringEnd(s: string, i: number): number {
  for (;;) {
    const q = s.indexOf('"', i);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let k = q - 1; k >= i && s.charCodeAt(k) === 92; k--) backslashes++;
    if ((backslashes & 1) === 0) return q;
    i = q + 1;
  }
}

/** Index just after the JSON value starting at `i` (strings, objects and arrays nested), or -1. */
function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 34) {
    const e = stringEnd(s, i + 1);
    return e < 0 ? -1 : e + 1;
  }
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s.charCodeAt(j);
      if (d === 34) {
        j = stringEnd(s, j + 1);
        if (j < 0) return -1;
      } else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < s.length) {
    const d = s.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || isSpace(d)) break;
    j++;
  }
  return j === i ? -1 : j;
}

// ------------------------------------------------------------------------------- plain text

/** Where {@link chunkWords} stopped reading (module state: the scan is synchronous and never re-entered). */
let stoppedAt = 0;
/** The line's first tab at or after the scan's start, -2 until looked for (module state, as above). */
let tabAt = -2;

/**
 * The level word near the start of a plain-text (or logfmt) line: a walk over its first
 * whitespace-separated chunks that reads each chunk once, up to its first word or two.
 */
function textLevel(s: string, i: number): Level | undefined {
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

// ---------------------------------------------------------------------------------------- logfmt

/** Walk `key=value` pairs (values bare or quoted) until a level key; anything else ends the walk. */
function logfmtLevel(s: string, i: number, end: number): Level | undefined {
  while (i < end) {
    let c = s.charCodeAt(i);
    while (c === 32 || c === 9) c = s.charCodeAt(++i);
    const eq = s.indexOf('=', i);
    if (eq <= i || eq >= end || eq - i > 32) return undefined;
    for (let k = i; k < eq; k++) if (!isKeyChar(s.charCodeAt(k))) return undefined;
    const isLevel = keyLevel(s, i, eq);
    if (s.charCodeAt(eq + 1) === 34) {
      const e = stringEnd(s, eq + 2);
      if (isLevel) return valueLevel(s, eq + 2, e < 0 ? end : e);
      if (e < 0) return undefined;
      i = e + 1;
    } else {
      let e = s.indexOf(' ', eq);
      if (e === -1 || e > end) e = end;
      if (isLevel) return valueLevel(s, eq + 1, e);
      i = e;
    }
  }
  return undefined;
}

function keyLevel(s: string, a: number, b: number): boolean {
  return b - a <= 9 && b - a >= 2 && PAIRS_KEYS[((s.charCodeAt(a) & 31) << 5) | (s.charCodeAt(a + 1) & 31)] === 1 && LOGFMT_KEYS.has(s.slice(a, b).toLowerCase());
}

// ---------------------------------------------------------------------------------------- ANSI

/** `s` without its ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`, two-byte escapes). */
export function stripAnsi(s: string): string {
  let out = '';
  let from = 0;
  let i = s.indexOf('\x1b');
  while (i !== -1) {
    out += s.slice(from, i);
    let j = i + 1;
    const kind = s.charCodeAt(j);
    if (kind === 91 /* [ */) {
      j++;
      while (j < s.length) {
        const c = s.charCodeAt(j++);
        if (c >= 0x40 && c <= 0x7e) break;
      }
    } else if (kind === 93 /* ] */) {
      j++;
      while (j < s.length) {
        const c = s.charCodeAt(j++);
        if (c === 7) break;
        if (c === 27 && s.charCodeAt(j) === 92) {
          j++;
          break;
        }
      }
    } else if (j < s.length) {
      j++;
    }
    from = j;
    i = s.indexOf('\x1b', j);
  }
  return out + s.slice(from);
}

// ------------------------------------------------------------------------------------ characters

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}
function isLetter(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 1) !== 0;
}
function isWordChar(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 4) !== 0;
}
function isKeyChar(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 8) !== 0;
}
function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}
