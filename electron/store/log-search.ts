/**
 * `logs.search`: everything stored, newest first, a page at a time. Blocks of all the chosen
 * processes are taken newest first (by their last seq); after each chunk, matches newer than
 * every block still to scan are final and are handed out in seq order, so the first results
 * leave as soon as they are found and a page boundary never skips or repeats a match.
 *
 * A call is bounded: it returns when it has `limit` matches, when it found some and
 * `firstResultMs` passed, or when `budgetMs` (or `maxLinesPerCall`) is used up, with `more` and a
 * `cursor` to continue from. Between chunks it yields to the event loop. Plain queries run here
 * (`indexOf` is linear); regular expressions run in the worker of regex-runner.ts.
 */
import type { LogLine, LogsSearchParams, LogsSearchResult } from '../../shared/protocol';
import type { DecodedLines } from './line-batch';
import { MAX_PAGE_CHARS, toLogLine, type StoredLogs } from './log-read';
import { encodeCursor, isBefore, parsePosition } from './position';
import type { BlockRef, ProcessLog } from './process-log';
import { LogQueryError } from './query-error';
import type { RegexRunner } from './regex-runner';

/** Limits of one search call. */
export interface SearchLimits {
  /** Work between two yields to the event loop. */
  sliceMs: number;
  /** Work per call before it returns with `more`. */
  budgetMs: number;
  /** Once a call has a match, it returns after this long rather than fill the page. */
  firstResultMs: number;
  /** Lines scanned per call before it returns with `more`. */
  maxLinesPerCall: number;
  /** Lines sent to the regex worker at once. */
  chunkLines: number;
}

interface Candidate {
  seq: number;
  log: ProcessLog;
  lines: DecodedLines;
  index: number;
}

/** Bytes of text sent to the matcher at once. */
const CHUNK_BYTES = 8 * 1024 * 1024;

type Matcher = (blocks: DecodedLines[]) => Int32Array[] | Promise<Int32Array[]>;

/** `logs.search` over `source`. Rejects with LogQueryError for a bad query or position, or a regex that takes too long. */
export async function searchLines(source: StoredLogs, params: LogsSearchParams, limits: SearchLimits, regex: RegexRunner): Promise<LogsSearchResult> {
  const match = matcherFor(params, regex);
  const before = params.before !== undefined ? parsePosition(params.before, 'before') : undefined;
  // Lines stored after the search began belong to no page of it: pages stay consistent.
  const ceiling = source.lastSeq();
  const refs: Array<{ log: ProcessLog; ref: BlockRef }> = [];
  for (const log of source.select(params.processes)) {
    for (const ref of log.blocks()) if (before === undefined || isBefore(before, ref.block.firstSeq, ref.block.firstTime)) refs.push({ log, ref });
  }
  refs.sort((a, b) => b.ref.block.lastSeq - a.ref.block.lastSeq);

  const started = performance.now();
  let sliceStarted = started;
  const pending: Candidate[] = [];
  const matches: LogLine[] = [];
  let scanned = 0;
  let pageChars = 0;
  let next = 0;
  while (next < refs.length) {
    const chunk: Array<{ log: ProcessLog; lines: DecodedLines }> = [];
    // A chunk is bounded in lines and in bytes (a few huge lines are as much work as many short ones).
    for (let lines = 0, bytes = 0; next < refs.length && lines < limits.chunkLines && bytes < CHUNK_BYTES; ) {
      const item = refs[next++] as { log: ProcessLog; ref: BlockRef };
      const decoded = source.decode(item.ref, false);
      if (!decoded) continue;
      chunk.push({ log: item.log, lines: decoded });
      lines += decoded.count;
      bytes += decoded.bytes.length;
      scanned += decoded.count;
    }
    const hits = await match(chunk.map((c) => c.lines));
    chunk.forEach(({ log, lines }, b) => {
      for (const index of hits[b] ?? []) {
        const seq = lines.seq[index] as number;
        if (seq > ceiling || (before !== undefined && !isBefore(before, seq, lines.time[index] as number))) continue;
        pending.push({ seq, log, lines, index });
      }
    });
    const frontier = next < refs.length ? (refs[next] as { ref: BlockRef }).ref.block.lastSeq : -Infinity;
    pageChars = release(pending, frontier, matches, params.limit, pageChars);
    if (matches.length >= params.limit || pageChars >= MAX_PAGE_CHARS) {
      return { matches, more: pending.length > 0 || next < refs.length, scanned, cursor: (matches[matches.length - 1] as LogLine).cursor };
    }
    const now = performance.now();
    const spent = now - started;
    // Blocks of processes that print at once overlap in seq, so the next page re-reads the
    // newest of them: stop early only once the frontier has moved below where this page began.
    const progressed = before === undefined || !('seq' in before) || frontier + 1 < before.seq;
    if (next < refs.length && progressed && (spent >= limits.budgetMs || scanned >= limits.maxLinesPerCall || (matches.length > 0 && spent >= limits.firstResultMs))) {
      // Everything newer than the frontier was scanned; the next page begins just above it.
      return { matches, more: true, scanned, cursor: encodeCursor(frontier + 1) };
    }
    if (now - sliceStarted >= limits.sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
  return { matches, more: false, scanned };
}

/** Move the candidates newer than `frontier` into `out`, newest first, up to `limit` (and the page's size); returns the page's characters. */
function release(pending: Candidate[], frontier: number, out: LogLine[], limit: number, chars: number): number {
  pending.sort((a, b) => a.seq - b.seq);
  while (pending.length > 0 && out.length < limit && chars < MAX_PAGE_CHARS) {
    const top = pending[pending.length - 1] as Candidate;
    if (top.seq <= frontier) break;
    pending.pop();
    const line = toLine(top);
    out.push(line);
    chars += line.data.length;
  }
  return chars;
}

function toLine(c: Candidate): LogLine {
  return toLogLine(c.log.id, c.lines, c.index);
}

/** The matcher of a query: a compiled check of the regex (a bad one is `bad_params`), or a plain substring search. */
function matcherFor(params: LogsSearchParams, regex: RegexRunner): Matcher {
  const caseSensitive = params.caseSensitive === true;
  if (params.regex) {
    const flags = caseSensitive ? '' : 'i';
    try {
      // Compiling only parses (linear in the pattern); matching happens in the worker.
      new RegExp(params.query, flags);
    } catch (err) {
      throw new LogQueryError('bad_params', `query: not a valid regular expression: ${(err as Error).message}`);
    }
    return (blocks) => regex.match(params.query, flags, blocks);
  }
  if (caseSensitive) {
    const ascii = Buffer.byteLength(params.query) === params.query.length;
    const bytes = Buffer.from(params.query, 'latin1');
    // An ASCII query in an ASCII block: searched in the bytes, no string made at all.
    return (blocks) => blocks.map((d) => (d.ascii ? (ascii ? byteHits(d, bytes) : NONE) : plainHits(d, params.query)));
  }
  // Case-insensitive: the query as a literal regex with `i` (linear: no quantifier, nothing to
  // backtrack), which folds case like the regex search does and allocates no lower-cased copy.
  const literal = new RegExp(params.query.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), 'gi');
  return (blocks) => blocks.map((d) => literalHits(d, literal));
}

const NONE = new Int32Array(0);

/** Lines of the ASCII block `d` containing the ASCII `needle`: Buffer.indexOf over its bytes (byte offsets are character offsets). */
function byteHits(d: DecodedLines, needle: Buffer): Int32Array {
  return collectHits(d, () => {
    const bytes = d.bytes;
    return (from) => {
      const pos = bytes.indexOf(needle, from);
      return pos < 0 ? null : [pos, pos + needle.length];
    };
  });
}

/** Lines of `d` containing `needle`: one indexOf over the whole block. */
function plainHits(d: DecodedLines, needle: string): Int32Array {
  return collectHits(d, () => {
    const text = d.text;
    return (from) => {
      const pos = text.indexOf(needle, from);
      return pos < 0 ? null : [pos, pos + needle.length];
    };
  });
}

/** Lines of `d` matched by the literal `re` (flag `g`). */
function literalHits(d: DecodedLines, re: RegExp): Int32Array {
  return collectHits(d, () => {
    const text = d.text;
    return (from) => {
      re.lastIndex = from;
      const m = re.exec(text);
      return m ? [m.index, m.index + m[0].length] : null;
    };
  });
}

/**
 * The lines holding a hit, given `search()`: a function that finds the next hit `[start, end)` at
 * or after `from` in the block's text. A block without a hit never has its per-line meta decoded.
 * A hit running into the next line is not a hit (a later one starting in the same line would run
 * past it too), so the search goes on at the next line.
 */
function collectHits(d: DecodedLines, search: () => (from: number) => [number, number] | null): Int32Array {
  let next = search();
  let hit = next(0);
  if (!hit) return NONE;
  const bytes = d.bytes;
  const starts = d.starts;
  // Decoding the meta may have found a bad frame and dropped its text: search the rest again.
  if (d.bytes !== bytes) {
    next = search();
    hit = next(0);
  }
  const hits: number[] = [];
  let line = 0;
  while (hit) {
    while ((starts[line + 1] as number) <= hit[0]) line++;
    if (hit[1] <= (starts[line + 1] as number)) hits.push(line);
    line++;
    if (line >= d.count) break;
    hit = next(starts[line] as number);
  }
  return Int32Array.from(hits);
}
