/**
 * Results as figures: one figure (a case and a measured quantity) holds one value per run for
 * each contender, so that comparisons can be paired run by run (both measured in the same round,
 * on the same machine, under the same noise) before the median is taken.
 */

/** Median of the finite numbers in `values`, or null. */
export function median(values) {
  const v = (values ?? []).filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * The median over runs of `a` compared with `b` in the same run: `a ÷ b` (op 'ratio') or
 * `a − b` (op 'diff'); null when no run has both.
 */
export function pairedMedian(values, { of, to, op = 'ratio' }) {
  const a = values[of] ?? [];
  const b = values[to] ?? [];
  const pairs = a.map((x, i) => {
    const y = b[i];
    if (typeof x !== 'number' || typeof y !== 'number') return null;
    if (op === 'diff') return x - y;
    return y === 0 ? null : x / y;
  });
  return median(pairs);
}

/** The key a pair's value is found under in a summary's `paired`: "hub/seed", "hub-raw". */
export const pairKey = ({ of, to, op = 'ratio' }) => `${of}${op === 'diff' ? '-' : '/'}${to}`;

/** A collection of figures for one scenario. */
export class Figures {
  constructor(scenario) {
    this.scenario = scenario;
    this.list = [];
    this.byKey = new Map();
  }

  /**
   * Declare a figure. A goal is `{ text, met(values, ratioToSeed, medians, paired), issue? }`:
   * `values` maps contender → per-run values, `ratioToSeed` is the paired hub ÷ seed (null
   * without the seed), `medians` contender → median, `paired` pairKey → paired median; `issue`
   * names the goal of issue #20 it checks (1 to 7), for the summary table. `goals` takes
   * several. `pairs` lists the comparisons shown (default hub ÷ seed when `ratio` is true).
   */
  define(key, { caseName, figure, unit = '', digits = 0, goal, goals: list, ratio = true, pairs, note, format }) {
    const all = [...(goal ? [goal] : []), ...(list ?? [])];
    const f = { key, scenario: this.scenario, case: caseName, figure, unit, digits, goals: all, pairs: pairs ?? (ratio ? [{ of: 'hub', to: 'seed' }] : []), note, format, values: {} };
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

  /** Figures with medians, paired comparisons and goal verdicts. */
  summarize() {
    return this.list.map((f) => {
      const medians = Object.fromEntries(Object.entries(f.values).map(([c, v]) => [c, median(v)]));
      const paired = Object.fromEntries(f.pairs.map((p) => [pairKey(p), pairedMedian(f.values, p)]));
      const ratioToSeed = paired['hub/seed'] ?? null;
      const goals = f.goals.map((g) => ({ text: g.text, issue: g.issue ?? null, who: g.who ?? 'hub', met: g.met(f.values, ratioToSeed, medians, paired) ?? null }));
      return {
        scenario: f.scenario,
        key: f.key,
        case: f.case,
        figure: f.figure,
        unit: f.unit,
        digits: f.digits,
        runs: f.values,
        median: medians,
        ratioToSeed,
        pairs: f.pairs.map((p) => ({ ...p, op: p.op ?? 'ratio', value: paired[pairKey(p)] })),
        // The first goal's text and verdict, as the first round's JSON had them.
        goal: goals[0]?.text ?? null,
        met: goals[0]?.met ?? null,
        goals,
        skipped: f.skipped ?? {},
        note: f.note ?? null,
        format: f.format ?? null,
      };
    });
  }
}

const hasMedian = (m, c) => m[c] !== null && m[c] !== undefined;

/** Goal helpers; `issue` tags the goal of issue #20 a goal checks. */
export const goals = {
  /** Every run of each of `who` lost nothing. */
  noLoss: (text = 'nothing lost, ever', { who = ['hub'], issue } = {}) => ({
    text,
    issue,
    who: who[0],
    met: (v) => who.every((c) => (v[c] ?? []).length > 0 && v[c].every((x) => x === 0)),
  }),
  /** The median of `who` is below `limit`. */
  below: (limit, text, { who = 'hub', issue } = {}) => ({ text, issue, who, met: (_v, _r, m) => (hasMedian(m, who) ? m[who] < limit : null) }),
  /** The median of `who` is at most `limit`. */
  atMost: (limit, text, { who = 'hub', issue } = {}) => ({ text, issue, who, met: (_v, _r, m) => (hasMedian(m, who) ? m[who] <= limit : null) }),
  /** The median of `who` is at least `limit`. */
  atLeast: (limit, text, { who = 'hub', issue } = {}) => ({ text, issue, who, met: (_v, _r, m) => (hasMedian(m, who) ? m[who] >= limit : null) }),
  /** The paired ratio to the seed is at least `limit`. */
  ratioAtLeast: (limit, text, { issue } = {}) => ({ text, issue, met: (_v, r) => r !== null && r >= limit }),
  /**
   * Every listed pair's paired median passes `test` (null while any is missing: a peer that
   * did not run cannot be beaten).
   */
  paired: (pairList, test, text, { issue } = {}) => ({
    text,
    issue,
    who: pairList[0]?.of ?? 'hub',
    met: (_v, _r, _m, paired) => {
      const values = pairList.map((p) => paired[pairKey(p)]);
      return values.some((x) => x === null || x === undefined) ? null : values.every(test);
    },
  }),
};
