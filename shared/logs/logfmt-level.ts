/** The level of a logfmt line (`time=… level=warn msg="…"`), read pair by pair in place, over the line's head as bytes (level.ts). */
import type { Level } from '../protocol/payloads/logs';
import { asciiWord, isKeyChar } from './level-characters';
import { valueLevel } from './level-names';
import { stringEnd } from './json-level';

/** logfmt keys that hold a level (`at=` is Heroku's router). */
const LOGFMT_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel', 'log_level', 'log.level', 'at']);
/** The first two letters of those keys (case folded), as the level words' pairs in level-names.ts. */
const PAIRS_KEYS = new Uint8Array(32 * 32);
for (const key of LOGFMT_KEYS) PAIRS_KEYS[((key.charCodeAt(0) & 31) << 5) | (key.charCodeAt(1) & 31)] = 1;

/** Walk `key=value` pairs (values bare or quoted) until a level key; anything else ends the walk. */
export function logfmtLevel(b: Uint8Array, i: number, end: number): Level | undefined {
  while (i < end) {
    while (b[i] === 32 || b[i] === 9) i++;
    const eq = indexOfByte(b, 61 /* = */, i, end);
    if (eq <= i || eq - i > 32) return undefined;
    for (let k = i; k < eq; k++) if (!isKeyChar(b[k] as number)) return undefined;
    const isLevel = keyLevel(b, i, eq);
    if (b[eq + 1] === 34) {
      const e = stringEnd(b, eq + 2, end);
      if (isLevel) return valueLevel(b, eq + 2, e < 0 ? end : e);
      if (e < 0) return undefined;
      i = e + 1;
    } else {
      let e = indexOfByte(b, 32, eq, end);
      if (e === -1) e = end;
      if (isLevel) return valueLevel(b, eq + 1, e);
      i = e;
    }
  }
  return undefined;
}

/** The first `c` in `b[i, end)`, or -1. Not `b.indexOf`: past `end` the head holds older lines' bytes. */
function indexOfByte(b: Uint8Array, c: number, i: number, end: number): number {
  for (; i < end; i++) if (b[i] === c) return i;
  return -1;
}

function keyLevel(b: Uint8Array, a: number, e: number): boolean {
  return e - a <= 9 && e - a >= 2 && PAIRS_KEYS[(((b[a] as number) & 31) << 5) | ((b[a + 1] as number) & 31)] === 1 && LOGFMT_KEYS.has(asciiWord(b, a, e).toLowerCase());
}
