/**
 * The log view's filter (text, regular expression or `field=value`; stdout/stderr/both; levels;
 * a time range) and search matching, as predicates over held lines.
 */
import type { LinePredicate } from './line-index';
import type { LineStore } from './line-store';
import { fieldText, fieldValue, parseJsonLine } from './json-line';

/** Which streams the view shows. */
export type StreamFilter = 'both' | 'stdout' | 'stderr';

/** The level chips; `debug` also shows `trace`. */
export const LEVEL_CHIPS = ['error', 'warn', 'info', 'debug'] as const;
export type LevelChip = (typeof LEVEL_CHIPS)[number];

/** What the user set in the filter controls. */
export interface FilterSpec {
  /** Text to keep lines by; empty keeps every line. `key=value` terms (all of them) match fields. */
  text: string;
  /** Whether `text` is a regular expression. */
  regex: boolean;
  /** Which streams to show; gap, status and run rows always show, so a missing piece is never hidden. */
  stream: StreamFilter;
  /** Levels to show; empty shows every line, levelled or not. */
  levels?: readonly LevelChip[];
  /** Time range in ms since the epoch (inclusive); absent ends are open. */
  from?: number;
  to?: number;
}

/** A compiled filter: a predicate (null when nothing is filtered) or why the pattern is invalid. */
export interface CompiledFilter {
  predicate: LinePredicate | null;
  error: string | null;
}

/** The filter that keeps everything. */
export const NO_FILTER: FilterSpec = { text: '', regex: false, stream: 'both', levels: [] };

const FIELD_TERM = /^([A-Za-z_@][\w.@-]*)=(.*)$/;

/** The `key=value` terms of a filter text when every term is one, else null. */
export function fieldTerms(text: string): Array<{ key: string; value: string }> | null {
  const terms = text.trim().split(/\s+/);
  const out: Array<{ key: string; value: string }> = [];
  for (const t of terms) {
    const m = FIELD_TERM.exec(t);
    if (!m) return null;
    out.push({ key: m[1] as string, value: (m[2] as string).replace(/^"(.*)"$/, '$1') });
  }
  return out.length > 0 ? out : null;
}

/** Compile a filter spec into a line predicate; text matching is case-insensitive, like Dozzle's. */
export function compileFilter(spec: FilterSpec): CompiledFilter {
  let textTest: ((plain: string) => boolean) | null = null;
  if (spec.text.trim()) {
    const terms = spec.regex ? null : fieldTerms(spec.text);
    if (terms) textTest = fieldTest(terms);
    else if (spec.regex) {
      try {
        const re = new RegExp(spec.text, 'i');
        textTest = (s) => re.test(s);
      } catch (e) {
        return { predicate: () => true, error: e instanceof Error ? e.message : String(e) };
      }
    } else {
      const re = new RegExp(escapeRegExp(spec.text), 'i');
      textTest = (s) => re.test(s);
    }
  }
  const stream = spec.stream;
  const levels = levelMask(spec.levels ?? []);
  const from = spec.from ?? Number.NEGATIVE_INFINITY;
  const to = spec.to ?? Number.POSITIVE_INFINITY;
  const timed = spec.from !== undefined || spec.to !== undefined;
  if (!textTest && stream === 'both' && levels === 0 && !timed) return { predicate: null, error: null };
  const predicate: LinePredicate = (store: LineStore, abs: number): boolean => {
    if (timed) {
      const t = store.time(abs);
      if (t < from || t > to) return false;
    }
    if (store.kind(abs) !== 'out') return true;
    if (stream !== 'both' && store.stream(abs) !== stream) return false;
    if (levels !== 0 && (levels & (1 << store.levelCode(abs))) === 0) return false;
    return textTest ? textTest(store.plain(abs)) : true;
  };
  return { predicate, error: null };
}

/** Level chips as a mask over level codes (1 error ... 5 trace). */
function levelMask(chips: readonly LevelChip[]): number {
  let mask = 0;
  for (const c of chips) {
    if (c === 'error') mask |= 1 << 1;
    if (c === 'warn') mask |= 1 << 2;
    if (c === 'info') mask |= 1 << 3;
    if (c === 'debug') mask |= (1 << 4) | (1 << 5);
  }
  return mask;
}

/** `status=500`: a JSON line's field (or dotted path), or a logfmt pair, equal to the value (case-insensitive). */
function fieldTest(terms: Array<{ key: string; value: string }>): (plain: string) => boolean {
  const logfmt = terms.map(({ key, value }) => new RegExp(`(?:^|\\s)${escapeRegExp(key)}=(?:"${escapeRegExp(value)}"|${escapeRegExp(value)})(?=\\s|$)`, 'i'));
  const needles = terms.map((t) => t.value.toLowerCase());
  return (plain) => {
    // Cheap first: every value must occur somewhere in the line.
    const lower = plain.toLowerCase();
    for (const n of needles) if (!lower.includes(n)) return false;
    const json = parseJsonLine(plain);
    if (json) return terms.every(({ key, value }) => fieldText(fieldValue(json.fields, key)).toLowerCase() === value.toLowerCase());
    return logfmt.every((re) => re.test(plain));
  };
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A half-open range [start, end) of a match within a line's plain text. */
export interface MatchRange {
  start: number;
  end: number;
}

/** Where a search query matches a text, case-insensitively, without overlaps; at most `limit` of them (one row's highlights). */
export function findMatches(text: string, query: string, limit = 100): MatchRange[] {
  if (!query) return [];
  const hay = text.toLowerCase();
  const needle = query.toLowerCase();
  const out: MatchRange[] = [];
  let from = 0;
  for (;;) {
    const at = hay.indexOf(needle, from);
    if (at < 0 || out.length >= limit) return out;
    out.push({ start: at, end: at + needle.length });
    from = at + needle.length;
  }
}

/** A predicate for lines that contain the search query (case-insensitive), or null for no query. */
export function queryPredicate(query: string): LinePredicate | null {
  if (!query) return null;
  const re = new RegExp(escapeRegExp(query), 'i');
  const predicate: LinePredicate = (store, abs) => re.test(store.plain(abs));
  predicate.literal = re;
  return predicate;
}
