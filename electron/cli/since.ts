/** `logs --since T`: a duration ago (`30s`, `10m`, `2h`, `1d`, `500ms`) or a date and time Date.parse reads. */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The moment `raw` names, measured from `now` (ms since the epoch); undefined when it names none. */
export function parseSince(raw: string, now: number): Date | undefined {
  const duration = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(raw.trim());
  if (duration) return new Date(now - Number(duration[1]) * (UNITS[duration[2] as string] as number));
  // A bare number is ambiguous (seconds? a year?): a unit is required.
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  const time = Date.parse(raw);
  return Number.isFinite(time) ? new Date(time) : undefined;
}
