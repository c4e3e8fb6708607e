/**
 * JSON log lines (pino, bunyan, slog's JSON handler, winston...): recognised by their shape,
 * shown compactly with the level, the time and the message first, and their other fields on
 * demand; `field=value` filters look into them. Parsing happens only for rows on screen and for
 * lines a field filter tests.
 */
import type { Level } from '../../../shared/protocol/payloads/logs';

/** A JSON line's fields, and the three that are shown first. */
export interface JsonLine {
  fields: Record<string, unknown>;
  level?: string;
  time?: string;
  message?: string;
  /** The names of the fields shown first (left out of the rest). */
  leading: readonly string[];
}

const LEVEL_KEYS = ['level', 'lvl', 'severity', 'loglevel'];
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', 't'];
const MESSAGE_KEYS = ['msg', 'message', '@message', 'event'];
/** Longest line parsed as JSON: a bigger object is shown as text. */
const MAX_JSON_CHARS = 65_536;

/** The object a line holds, or null when it is not one JSON object. */
export function parseJsonLine(plain: string): JsonLine | null {
  const text = plain.trim();
  if (text.length < 2 || text.length > MAX_JSON_CHARS || text[0] !== '{' || text[text.length - 1] !== '}') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const fields = value as Record<string, unknown>;
  const leading: string[] = [];
  const pick = (keys: readonly string[]): string | undefined => {
    for (const k of keys) {
      const v = fields[k];
      if (v !== undefined && v !== null && typeof v !== 'object') {
        leading.push(k);
        return String(v);
      }
    }
    return undefined;
  };
  const level = pick(LEVEL_KEYS);
  const time = pick(TIME_KEYS);
  const message = pick(MESSAGE_KEYS);
  return { fields, level: level === undefined ? undefined : levelWord(level), time, message, leading };
}

/** pino's numbers (10 trace ... 60 fatal) and level words, as the dashboard's levels. */
function levelWord(v: string): string {
  const n = Number(v);
  if (Number.isFinite(n) && v.trim() !== '') {
    if (n >= 50) return 'error';
    if (n >= 40) return 'warn';
    if (n >= 30) return 'info';
    if (n >= 20) return 'debug';
    return 'trace';
  }
  return v.toLowerCase();
}

/** A field by name, or by a dotted path into nested objects (`req.method`). */
export function fieldValue(fields: Record<string, unknown>, path: string): unknown {
  if (path in fields) return fields[path];
  let v: unknown = fields;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** A field's value as the filter compares it and the expanded row shows it. */
export function fieldText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return JSON.stringify(v);
}

/** The fields after the leading ones, flattened one level for the expanded row. */
export function otherFields(json: JsonLine): Array<[string, string]> {
  return Object.entries(json.fields)
    .filter(([k]) => !json.leading.includes(k))
    .map(([k, v]) => [k, fieldText(v)]);
}

/** Whether a level word is one the dashboard colours by. */
export function isLevel(word: string | undefined): word is Level {
  return word === 'error' || word === 'warn' || word === 'info' || word === 'debug' || word === 'trace';
}
