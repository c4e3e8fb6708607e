/** The log view's filter (text or regular expression, stdout/stderr/both) and search matching. */
import type { LogLine } from './log-line';

/** Which streams the view shows. */
export type StreamFilter = 'both' | 'stdout' | 'stderr';

/** What the user typed into the filter controls. */
export interface FilterSpec {
  /** Text to keep lines by; empty keeps every line. */
  text: string;
  /** Whether `text` is a regular expression. */
  regex: boolean;
  /** Which streams to show; gap and status rows always show, so a missing piece is never hidden. */
  stream: StreamFilter;
}

/** A compiled filter: a predicate (null when nothing is filtered) or why the pattern is invalid. */
export interface CompiledFilter {
  predicate: ((line: LogLine) => boolean) | null;
  error: string | null;
}

/** The filter that keeps everything. */
export const NO_FILTER: FilterSpec = { text: '', regex: false, stream: 'both' };

/** Compile a filter spec into a line predicate; case-insensitive, like Dozzle's. */
export function compileFilter(spec: FilterSpec): CompiledFilter {
  let textTest: ((s: string) => boolean) | null = null;
  if (spec.text) {
    if (spec.regex) {
      try {
        const re = new RegExp(spec.text, 'i');
        textTest = (s) => re.test(s);
      } catch (e) {
        return { predicate: () => true, error: e instanceof Error ? e.message : String(e) };
      }
    } else {
      const needle = spec.text.toLowerCase();
      textTest = (s) => s.toLowerCase().includes(needle);
    }
  }
  const stream = spec.stream;
  if (!textTest && stream === 'both') return { predicate: null, error: null };
  const predicate = (line: LogLine): boolean => {
    if (line.kind !== 'out') return true;
    if (stream !== 'both' && line.stream !== stream) return false;
    return textTest ? textTest(line.plain) : true;
  };
  return { predicate, error: null };
}

/** A half-open range [start, end) of a match within a line's plain text. */
export interface MatchRange {
  start: number;
  end: number;
}

/** Where a search query matches a text, case-insensitively, without overlaps. */
export function findMatches(text: string, query: string): MatchRange[] {
  if (!query) return [];
  const hay = text.toLowerCase();
  const needle = query.toLowerCase();
  const out: MatchRange[] = [];
  let from = 0;
  for (;;) {
    const at = hay.indexOf(needle, from);
    if (at < 0) return out;
    out.push({ start: at, end: at + needle.length });
    from = at + needle.length;
  }
}

/** Whether a line matches a search query. */
export function lineMatches(line: LogLine, query: string): boolean {
  return query !== '' && line.plain.toLowerCase().includes(query.toLowerCase());
}
