/**
 * Results as figures: one figure (a case and a measured quantity) holds one value per run for
 * each contender, so that ratios can be paired run by run (both measured in the same round, on
 * the same machine, under the same noise) before the median is taken.
 */

/** Median of the finite numbers in `values`, or null. */
export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** A collection of figures for one scenario. */
export class Figures {
  constructor(scenario) {
    this.scenario = scenario;
    this.list = [];
    this.byKey = new Map();
  }

  /**
   * Declare a figure. `goal` is `{ text, met(values, ratio) }` where `values` maps contender → per-run
   * values and `ratio` is the median paired hub/seed ratio (null when the seed has no value).
   */
  define(key, { caseName, figure, unit = '', digits = 0, goal, ratio = true, note }) {
    const f = { key, scenario: this.scenario, case: caseName, figure, unit, digits, goal, ratio, note, values: {} };
    this.list.push(f);
    this.byKey.set(key, f);
    return f;
  }

  /** Record contender's value of a figure for run `run`. */
  set(key, contender, run, value) {
    const f = this.byKey.get(key);
    if (!f) throw new Error(`no figure ${key}`);
    (f.values[contender] ??= [])[run] = value;
  }

  /** Mark a contender skipped (with the reason) for a figure. */
  skip(key, contender, reason) {
    const f = this.byKey.get(key);
    (f.skipped ??= {})[contender] = reason;
  }

  /** Figures with medians, paired ratios and goal verdicts. */
  summarize() {
    return this.list.map((f) => {
      const medians = Object.fromEntries(Object.entries(f.values).map(([c, v]) => [c, median(v)]));
      const hub = f.values.hub ?? [];
      const seed = f.values.seed ?? [];
      const pairs = hub.map((h, i) => (typeof h === 'number' && typeof seed[i] === 'number' && seed[i] !== 0 ? h / seed[i] : null));
      const ratioToSeed = f.ratio ? median(pairs) : null;
      const met = f.goal ? f.goal.met(f.values, ratioToSeed, medians) : null;
      return {
        scenario: f.scenario,
        case: f.case,
        figure: f.figure,
        unit: f.unit,
        digits: f.digits,
        runs: f.values,
        median: medians,
        ratioToSeed,
        goal: f.goal?.text ?? null,
        met,
        skipped: f.skipped ?? {},
        note: f.note ?? null,
      };
    });
  }
}

/** Goal helpers. */
export const goals = {
  /** Every run of the hub lost nothing. */
  noLoss: (text = 'nothing lost, ever') => ({ text, met: (v) => (v.hub ?? []).length > 0 && v.hub.every((x) => x === 0) }),
  /** The hub's median is below `limit`. */
  below: (limit, text) => ({ text, met: (_v, _r, m) => m.hub !== null && m.hub !== undefined && m.hub < limit }),
  /** The hub's median is at least `limit`. */
  atLeast: (limit, text) => ({ text, met: (_v, _r, m) => m.hub !== null && m.hub !== undefined && m.hub >= limit }),
  /** The paired ratio to the seed is at least `limit`. */
  ratioAtLeast: (limit, text) => ({ text, met: (_v, r) => r !== null && r >= limit }),
};
