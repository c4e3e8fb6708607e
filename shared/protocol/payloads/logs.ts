/**
 * Stored and understood output (CONTRACT.md, "Output kept, understood and typed into"): a line's
 * level, the `Line` of `logs.read` and `logs.search`, and their params and results.
 */
import { z } from 'zod';

/** Levels a line may carry, most severe first. */
export const LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;
export const LevelSchema = z.enum(LEVELS);
export type Level = z.infer<typeof LevelSchema>;

const LEVEL_SET: ReadonlySet<unknown> = new Set(LEVELS);
/** Whether a value is a level: a set lookup, cheap enough for every line (no schema parse). */
export function isLevel(value: unknown): value is Level {
  return LEVEL_SET.has(value);
}

export const OutputStreamSchema = z.enum(['stdout', 'stderr']);
/** The output stream a line came from. */
export type OutputStream = z.infer<typeof OutputStreamSchema>;

/** One stored line. */
export const LogLineSchema = z.strictObject({
  /** The process id (qualified `<id>@<node>` on a shared engine). */
  process: z.string(),
  /** The process's run, counted from 1. */
  run: z.number().int(),
  /** ISO time the line was read. */
  time: z.string(),
  stream: OutputStreamSchema,
  level: z.optional(LevelSchema),
  data: z.string(),
  /** A stable position for paging (`before`/`after` take it); opaque. */
  cursor: z.optional(z.string()),
});
export type LogLine = z.infer<typeof LogLineSchema>;

/** A run of a process, as the store knows it (for the separator line "run 3 · started … · exited 1"). */
export const RunInfoSchema = z.strictObject({
  process: z.string(),
  run: z.number().int(),
  startedAt: z.string(),
  endedAt: z.optional(z.string()),
  exitCode: z.optional(z.number().int()),
  signal: z.optional(z.string()),
  lines: z.number().int(),
});
export type RunInfo = z.infer<typeof RunInfoSchema>;

const processesParam = z.optional(z.array(z.string()).max(1000));
/** A cursor from a line, or an ISO time. */
const positionParam = z.optional(z.string().max(200));

/** `logs.read`: stored lines, oldest first, merged across processes in time order. */
export const LogsReadParamsSchema = z.strictObject({
  processes: processesParam,
  /** Lines strictly before this cursor or time (the page above). */
  before: positionParam,
  /** Lines strictly after this cursor or time (the page below). */
  after: positionParam,
  limit: z.number().int().min(1).max(10_000),
});
export type LogsReadParams = z.infer<typeof LogsReadParamsSchema>;

export const LogsReadResultSchema = z.strictObject({
  lines: z.array(LogLineSchema),
  /** Whether more lines lie beyond this page (before it when `before` was given, else after it). */
  more: z.boolean(),
  /** The runs the lines belong to. */
  runs: z.optional(z.array(RunInfoSchema)),
});
export type LogsReadResult = z.infer<typeof LogsReadResultSchema>;

/** `logs.search`: everything stored, newest first. */
export const LogsSearchParamsSchema = z.strictObject({
  query: z.string().min(1).max(1000),
  /** `query` is a JavaScript regular expression. Default false (plain text). */
  regex: z.optional(z.boolean()),
  /** Default false. */
  caseSensitive: z.optional(z.boolean()),
  processes: processesParam,
  /** Continue before this cursor (the `cursor` of the last match of the previous page). */
  before: positionParam,
  limit: z.number().int().min(1).max(10_000),
});
export type LogsSearchParams = z.infer<typeof LogsSearchParamsSchema>;

export const LogsSearchResultSchema = z.strictObject({
  matches: z.array(LogLineSchema),
  /** Whether older matches may remain (ask again with `before` = `cursor`). */
  more: z.boolean(),
  /**
   * Where to continue: the `before` of the next page (present when `more`). It is the last
   * match's cursor, or, when a page ended on its time budget, the point the scan reached (so a
   * page may hold few or no matches and still say `more`).
   */
  cursor: z.optional(z.string()),
  /** Lines scanned for this page. */
  scanned: z.optional(z.number().int()),
});
export type LogsSearchResult = z.infer<typeof LogsSearchResultSchema>;
