/**
 * Recent samples for the charts: one time axis and, per name, the values at those times (null
 * where a name had no value then). Bounded: the oldest sample goes when a new one comes past
 * `max`. Copies on write, so a store holding one stays immutable for React.
 */

/** Samples over time: `t` in seconds since the epoch (uPlot's unit), `values` per series name. */
export interface Series {
  t: number[];
  values: Record<string, (number | null)[]>;
}

/** A series with no samples and no keys yet (a new one per caller: series are appended in place). */
export function emptySeries(): Series {
  return { t: [], values: {} };
}

/** The series with one more sample at `timeMs`; names absent from `sample` get null. */
export function appendSample(s: Series, timeMs: number, sample: Record<string, number | undefined>, max: number): Series {
  const drop = s.t.length >= max ? s.t.length - max + 1 : 0;
  const t = [...s.t.slice(drop), timeMs / 1000];
  const values: Record<string, (number | null)[]> = {};
  for (const name of new Set([...Object.keys(s.values), ...Object.keys(sample)])) {
    const prev = s.values[name] ?? new Array<null>(s.t.length).fill(null);
    const v = sample[name];
    const next = [...prev.slice(drop), v === undefined ? null : v];
    if (next.some((x) => x !== null)) values[name] = next; // a name gone for the whole window is forgotten
  }
  return { t, values };
}
