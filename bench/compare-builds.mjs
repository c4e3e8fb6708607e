#!/usr/bin/env node
/**
 * Two builds of the hub, one load client: round one's scenarios (bursts to 100 and 1,000
 * subscribers, steady 100 at 2,000/s and 10 at 10,000/s) against this checkout's
 * `out/main/bench.js` and another checkout's, alternating A, B, A, B… so that the machine's
 * drift falls on both. Comparing two `npm run bench` reports compares two load clients and two
 * hours as well; this compares only the hubs. Each measurement is a fresh server, warmed up as in
 * the full run. Prints each case's figures and the median of each side.
 * usage: node bench/compare-builds.mjs OTHER_CHECKOUT [--rounds N] [--case b100,b1000,s100,s10] [--plain]
 * (`--plain`: subscribers that offer no `switchyard.v1`, one message per frame, as scripts are)
 * (both checkouts built: `npx electron-vite build` in each, or one `npm run bench` there).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TOKEN } from './contenders.mjs';
import { median } from './lib/figures.mjs';
import { ROOT, startServer } from './lib/processes.mjs';
import { openSession } from './lib/session.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '5' }, case: { type: 'string', default: 'b100,b1000,s100,s10' }, plain: { type: 'boolean', default: false } },
});
const other = positionals[0] ? resolve(positionals[0]) : undefined;
if (!other) {
  console.error('usage: node bench/compare-builds.mjs OTHER_CHECKOUT [--rounds N] [--case b100,b1000,s100,s10] [--plain]');
  process.exit(2);
}
const rounds = Number(values.rounds);
const chosen = values.case.split(',');

const CASES = {
  b100: { name: 'burst, 100 subscribers × 2,000', subscribers: 100, run: { n: 2000, size: 100 }, figure: (r) => r.perSec, unit: 'delivered/s' },
  b1000: { name: 'burst, 1,000 subscribers × 200', subscribers: 1000, run: { n: 200, size: 100 }, figure: (r) => r.perSec, unit: 'delivered/s' },
  s100: { name: 'steady, 100 subscribers at 2,000/s for 3 s', subscribers: 100, run: { n: 6000, size: 100, rate: 2000, warmupMs: 700 }, figure: (r) => r.p99, unit: 'ms p99' },
  s10: { name: 'steady, 10 subscribers at 10,000/s for 3 s', subscribers: 10, run: { n: 30_000, size: 100, rate: 10_000, warmupMs: 700 }, figure: (r) => r.p99, unit: 'ms p99' },
};

const builds = { this: ROOT, other };
for (const [side, root] of Object.entries(builds)) {
  if (!existsSync(resolve(root, 'out/main/bench.js'))) {
    console.error(`${side}: ${root}/out/main/bench.js is missing; build that checkout first`);
    process.exit(2);
  }
}
const client = values.plain ? 'hubPlain' : 'hub';
const contender = (root) => ({ client, gc: false, start: () => startServer(process.execPath, ['--expose-gc', resolve(root, 'out/main/bench.js'), '--token', TOKEN]) });
const show = (x) => (x >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2));

console.log(`this: ${ROOT}\nother: ${other}\n${rounds} rounds, alternating, ${client === 'hub' ? 'switchyard.v1' : 'plain'} subscribers\n`);
for (const id of chosen) {
  const c = CASES[id];
  if (!c) throw new Error(`unknown case ${id}`);
  const figures = { this: [], other: [] };
  for (let round = 0; round < rounds; round++) {
    // Who goes first alternates too, as in the full run.
    const order = round % 2 === 0 ? ['this', 'other'] : ['other', 'this'];
    for (const side of order) {
      const session = await openSession(contender(builds[side]), c.subscribers);
      try {
        const r = await session.measure(c.run);
        if (r.lost) console.log(`  ${side} round ${round + 1}: lost ${r.lost}`);
        figures[side].push(c.figure(r));
      } finally {
        await session.close();
      }
    }
  }
  console.log(`${c.name} (${c.unit})`);
  for (const side of ['this', 'other']) console.log(`  ${side.padEnd(5)} median ${show(median(figures[side])).padStart(9)}   runs ${figures[side].map(show).join(', ')}`);
  const ratio = median(figures.this) / median(figures.other);
  console.log(`  this ÷ other: ${ratio.toFixed(2)}×\n`);
}
process.exit(0);
