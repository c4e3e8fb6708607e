/** RFC 3339 timestamps for messages, formatted at most once per millisecond (a hot path: every line). */
let cachedMs = -1;
let cachedIso = '';

/** The current time as an ISO 8601 / RFC 3339 string. */
export function timestamp(): string {
  return timestampAt(Date.now());
}

/** A time (ms since the epoch) as an ISO 8601 / RFC 3339 string; the same ms formats once. */
export function timestampAt(ms: number): string {
  if (ms !== cachedMs) {
    cachedMs = ms;
    cachedIso = new Date(ms).toISOString();
  }
  return cachedIso;
}
