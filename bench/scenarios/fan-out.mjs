/**
 * Scenario 1, fan-out bursts: one channel, a burst published in-process as fast as the
 * publisher can loop, delivered to every subscriber. Delivered per second counts from the
 * first message's publish stamp to the last receipt. Switchyard twice: to `switchyard.v1`
 * clients (batched frames) against the seed, and to plain clients (one message per frame)
 * against raw `ws`, which frames the same way (issue #20, goal 2).
 */
import { Figures, goals } from '../lib/figures.mjs';
import { inRounds } from '../lib/rounds.mjs';
import { gcText, openSession } from '../lib/session.mjs';

const SEED = { of: 'hub', to: 'seed' };
const PLAIN = { of: 'plain', to: 'raw' };
const CASES = [
  { id: 'b100', name: '100 subscribers, burst of 2,000 × 100 B', subscribers: 100, n: 2000 },
  { id: 'b1000', name: '1,000 subscribers, burst of 200 × 100 B', subscribers: 1000, n: 200 },
];

/** Run the fan-out bursts; resolves with the scenario's figures. */
export async function fanOut({ runs, contenders, log, cases }) {
  const chosen = CASES.filter((c) => !cases || cases.includes(c.id));
  const figures = new Figures('1. Fan-out bursts');
  const pairs = [SEED, PLAIN];
  for (const c of chosen) {
    figures.define(`${c.id}.rate`, {
      caseName: c.name,
      figure: 'delivered/s',
      digits: 0,
      pairs,
      goals: [
        // The seed's rate only counts where it loses nothing (it drops most of the 100-subscriber burst).
        {
          text: '≥ 1.5× the seed where the seed loses nothing',
          met: (v, ratio) => {
            const seedLost = figures.byKey.get(`${c.id}.lost`).values.seed ?? [];
            if (seedLost.length === 0) return null;
            return seedLost.some((x) => x > 0) ? null : ratio !== null && ratio >= 1.5;
          },
        },
        goals.paired([PLAIN], (r) => r >= 1, 'plain clients: ≥ raw ws', { issue: 2 }),
      ],
    });
    figures.define(`${c.id}.lost`, { caseName: c.name, figure: 'lost (by sequence)', ratio: false, goal: goals.noLoss('nothing lost, ever (either framing)', { who: ['hub', 'plain'] }) });
    figures.define(`${c.id}.p50`, { caseName: c.name, figure: 'p50 latency', unit: 'ms', digits: 1, pairs });
    figures.define(`${c.id}.p99`, { caseName: c.name, figure: 'p99 latency', unit: 'ms', digits: 1, pairs });
    figures.define(`${c.id}.cpu`, { caseName: c.name, figure: 'server CPU', unit: 's', digits: 2, pairs });
  }
  for (const c of chosen) {
    log(`fan-out: ${c.name}`);
    await inRounds({ runs, contenders, log, tag: `fanout-${c.id}`, onSkip: (name, reason) => figures.skip(`${c.id}.rate`, name, reason) }, async (name, contender, run) => {
      const session = await openSession(contender, c.subscribers);
      try {
        const r = await session.measure({ n: c.n, size: 100 });
        figures.set(`${c.id}.rate`, name, run, r.perSec);
        figures.set(`${c.id}.lost`, name, run, r.lost);
        figures.set(`${c.id}.p50`, name, run, r.p50);
        figures.set(`${c.id}.p99`, name, run, r.p99);
        figures.set(`${c.id}.cpu`, name, run, r.cpuSeconds);
        log(`  ${name} run ${run + 1}: ${Math.round(r.perSec)}/s, lost ${r.lost}, p99 ${r.p99?.toFixed(1)} ms${gcText(r.gc)}`);
      } finally {
        await session.close();
      }
    });
  }
  return figures.summarize();
}
