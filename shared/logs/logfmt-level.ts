/** The level of a logfmt line (`time=… level=warn msg="…"`), read pair by pair in place. */
import type { Level } from '../protocol/payloads/logs';
import { isKeyChar } from './level-characters';
import { valueLevel } from './level-names';
import { stringEnd } from './json-level';

/** logfmt keys that hold a level (`at=` is Heroku's router). */
const LOGFMT_KEYS = new Set(['level', 'lvl', 'severity', 'loglevel', 'log_level', 'log.level', 'at']);
/** The first two letters of those keys (case folded), as the level words' pairs in level-names.ts. */
const PAIRS_KEYS = new Uint8Array(32 * 32);
for (const key of LOGFMT_KEYS) PAIRS_KEYS[((key.charCodeAt(0) & 31) << 5) | (key.charCodeAt(1) & 31)] = 1;

/** Walk `key=value` pairs (values bare or quoted) until a level key; anything else ends the walk. */
export function logfmtLevel(s: string, i: number, end: number): Level | undefined {
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
