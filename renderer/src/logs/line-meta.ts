/**
 * What a held line is besides its text, packed into one byte per line (the stream, the kind of
 * row, whether its text holds escapes) and one for its level, so that a million lines cost two
 * bytes of metadata here instead of an object each.
 */
import { LEVELS, type Level } from '../../../shared/protocol/payloads/logs';

/** Which stream a row came from; gap, status and run rows are 'system'. */
export type LineStream = 'stdout' | 'stderr' | 'system';

/**
 * What a row is: process output, a mark where history is missing, a status note, or the
 * separator at the start of a run ("run 3 · started 18:20:01 · exited 1").
 */
export type LineKind = 'out' | 'gap' | 'status' | 'run';

const STREAM_CODES: readonly LineStream[] = ['stdout', 'stderr', 'system'];
const KIND_CODES: readonly LineKind[] = ['out', 'gap', 'status', 'run'];
/** Set when the text holds an escape (ESC), so plain text needs stripping only then. */
const HAS_ESCAPE = 0x10;

/** Pack a row's stream, kind and escape flag into one byte. */
export function packFlags(stream: LineStream, kind: LineKind, hasEscape: boolean): number {
  return STREAM_CODES.indexOf(stream) | (KIND_CODES.indexOf(kind) << 2) | (hasEscape ? HAS_ESCAPE : 0);
}

export function streamOf(flags: number): LineStream {
  return STREAM_CODES[flags & 3] ?? 'stdout';
}

export function kindOf(flags: number): LineKind {
  return KIND_CODES[(flags >> 2) & 3] ?? 'out';
}

export function hasEscape(flags: number): boolean {
  return (flags & HAS_ESCAPE) !== 0;
}

/** A level as a byte: 0 for none, else 1 + its place in {@link LEVELS} (error = 1). */
export function packLevel(level: Level | undefined): number {
  return level ? LEVELS.indexOf(level) + 1 : 0;
}

export function levelOf(code: number): Level | undefined {
  return code > 0 ? LEVELS[code - 1] : undefined;
}

/** Number of level codes (none plus each level), for per-level counts. */
export const LEVEL_CODES = LEVELS.length + 1;
