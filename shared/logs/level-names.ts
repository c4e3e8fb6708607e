/**
 * What names a level: the level words of the usual loggers (with the case each may be written
 * in), the single letters of Rails, Android and glog, and the numbers of pino, bunyan and syslog.
 */
import type { Level } from '../protocol/payloads/logs';
import { asciiWord, isLetter } from './level-characters';

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
export const COLON = new Map(COLON_WORDS.flatMap((w) => [[w, FIRST.get(w) as Level], [capitalized(w), FIRST.get(w) as Level]]));
/** Any case, for the values of level fields. */
const VALUES = new Map(WORDS.flatMap(([w, l]) => [[w, l], [w.toUpperCase(), l], [capitalized(w), l]] as Array<[string, Level]>));
/** Single capitals of Rails (`E, [`), Android (`E/Tag`) and logcat's threadtime (`… 1234 E Tag`). */
export const LETTERS: Record<string, Level> = { E: 'error', F: 'error', W: 'warn', I: 'info', D: 'debug', V: 'trace' };
/**
 * The first two letters (case folded) of every level word, as a 32×32 bit table: most words of
 * a message (`GET`, `Connection`, `started`) are turned away by it without a slice or a lookup.
 */
const PAIRS = new Uint8Array(32 * 32);
for (const [w] of WORDS) PAIRS[((w.charCodeAt(0) & 31) << 5) | (w.charCodeAt(1) & 31)] = 1;

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
export function levelFromSeverity(n: number): Level | undefined {
  if (n <= 3) return 'error';
  if (n === 4) return 'warn';
  if (n <= 6) return 'info';
  return n === 7 ? 'debug' : undefined;
}

/**
 * The level word of the bytes `b[a, e)`, or undefined. `first` admits `error`/`Error` besides
 * `ERROR` (the first word of a line); otherwise only capitals count.
 */
export function wordLevel(b: Uint8Array, a: number, e: number, first: boolean): Level | undefined {
  const n = e - a;
  if (n < 3 || n > 13 || PAIRS[(((b[a] as number) & 31) << 5) | ((b[a + 1] as number) & 31)] === 0) return undefined;
  const word = asciiWord(b, a, e);
  return CAPS.get(word) ?? (first ? FIRST.get(word) : undefined);
}

/** The level of a value's leading letters (`"INFO"`, `WARN+2`, `"Information"`), any usual case. */
export function valueLevel(b: Uint8Array, a: number, end: number): Level | undefined {
  let e = a;
  while (e < end && e - a <= 13 && isLetter(b[e] as number)) e++;
  if (e === a || e - a > 13) return undefined;
  const word = asciiWord(b, a, e);
  return VALUES.get(word) ?? VALUES.get(word.toLowerCase());
}
