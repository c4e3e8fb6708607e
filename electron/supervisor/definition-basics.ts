/**
 * The small pieces every definition validator shares: the error type, durations and the
 * record check. Their own file so that process-definition.ts and orchestration-definition.ts can
 * both use them without importing each other.
 */

/** A definition that is wrong; the message names the source, the process and the field. */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

/**
 * A duration in milliseconds: a non-negative number, or a string such as `250ms`, `5s`, `2m`.
 * Throws {@link DefinitionError} prefixed with `where`.
 */
export function duration(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
    if (m) return Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1);
  }
  throw new DefinitionError(`${where}: must be a duration in ms (a number, or a string like "500ms", "5s")`);
}

/** A plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
