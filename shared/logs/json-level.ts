/**
 * The level of a JSON line, read without `JSON.parse`: its top-level keys are walked in place
 * and string values skipped, so a `"level"` inside a message string is never seen, and nothing is
 * allocated but the few keys short enough to be a level's. Reads the line's head as bytes
 * (level.ts); a JSON string's quotes and backslashes are never part of a multi-byte character.
 */
import type { Level } from '../protocol/payloads/logs';
import { asciiWord, isSpace, skipSpace } from './level-characters';
import { levelFromNumber, levelFromSeverity, valueLevel } from './level-names';

/** JSON keys that hold a level (lower-cased; `PRIORITY` is journald's export, checked apart). */
const JSON_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel', 'log_level', 'log.level', 'levelname', 'level_name', '@l', '@level']);

/**
 * Walk the top-level keys of a JSON object from just after its `{`, skipping values in place,
 * until a level key or the end of the scanned head. Malformed input ends the walk (undefined).
 */
export function jsonLevel(b: Uint8Array, i: number, end: number): Level | undefined {
  for (let keys = 0; keys < 64; keys++) {
    i = skipSpace(b, i, end);
    if (b[i] !== 34 /* " */) return undefined;
    const keyEnd = stringEnd(b, i + 1, end);
    if (keyEnd < 0) return undefined;
    const keyStart = i + 1;
    i = skipSpace(b, keyEnd + 1, end);
    if (b[i] !== 58 /* : */) return undefined;
    i = skipSpace(b, i + 1, end);
    const keyLength = keyEnd - keyStart;
    if (keyLength >= 2 && keyLength <= 10) {
      const key = asciiWord(b, keyStart, keyEnd);
      const level = JSON_KEYS.has(key.toLowerCase()) ? jsonValueLevel(b, i, end, false) : key === 'PRIORITY' ? jsonValueLevel(b, i, end, true) : undefined;
      if (level) return level;
    }
    i = skipValue(b, i, end);
    if (i < 0 || i >= end) return undefined;
    i = skipSpace(b, i, end);
    if (b[i] !== 44 /* , */) return undefined;
    i++;
  }
  return undefined;
}

function jsonValueLevel(b: Uint8Array, i: number, end: number, syslog: boolean): Level | undefined {
  const c = b[i] as number;
  if (c === 34 /* " */) {
    const e = stringEnd(b, i + 1, end);
    if (e < 0) return undefined;
    if (syslog) return e === i + 2 ? levelFromSeverity((b[i + 1] as number) - 48) : undefined;
    return valueLevel(b, i + 1, e);
  }
  if (c >= 48 && c <= 57) {
    let n = 0;
    for (let j = i; j < end && j < i + 4; j++) {
      const d = (b[j] as number) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    return syslog ? levelFromSeverity(n) : levelFromNumber(n);
  }
  return undefined;
}

/** Index of the closing quote of a JSON string whose content starts at `i`, or -1 (none before `end`). */
export function stringEnd(b: Uint8Array, i: number, end: number): number {
  for (let q = i; q < end; q++) {
    const c = b[q];
    if (c === 92 /* \ */) q++; // the escaped character is skipped, a quote too
    else if (c === 34) return q;
  }
  return -1;
}

/** Index just after the JSON value starting at `i` (strings, objects and arrays nested), or -1. */
function skipValue(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c === 34) {
    const e = stringEnd(b, i + 1, end);
    return e < 0 ? -1 : e + 1;
  }
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let j = i; j < end; j++) {
      const d = b[j];
      if (d === 34) {
        j = stringEnd(b, j + 1, end);
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
  while (j < end) {
    const d = b[j] as number;
    if (d === 44 || d === 125 || d === 93 || isSpace(d)) break;
    j++;
  }
  return j === i ? -1 : j;
}
