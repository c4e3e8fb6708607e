/**
 * The level of a JSON line, read without `JSON.parse`: its top-level keys are walked in place
 * and string values skipped, so a `"level"` inside a message string is never seen, and nothing is
 * allocated but the few keys short enough to be a level's.
 */
import type { Level } from '../protocol/payloads/logs';
import { isSpace, skipSpace } from './level-characters';
import { levelFromNumber, levelFromSeverity, valueLevel } from './level-names';

/** JSON keys that hold a level (lower-cased; `PRIORITY` is journald's export, checked apart). */
const JSON_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel', 'log_level', 'log.level', 'levelname', 'level_name', '@l', '@level']);

/**
 * Walk the top-level keys of a JSON object from just after its `{`, skipping values in place,
 * until a level key or the end of the scanned prefix. Malformed input ends the walk (undefined).
 */
export function jsonLevel(s: string, i: number): Level | undefined {
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
export function stringEnd(s: string, i: number): number {
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
