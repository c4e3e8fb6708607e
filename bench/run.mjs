#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [--only fanout,steady,ingest,connections,dashboard,store,nodes] [--runs N] [--profile DIR]`:
 * Switchyard against its peers on this machine, in this run. Builds the app (electron-vite) and
 * the seed peer first, runs every scenario, prints a markdown table and writes it with the raw
 * per-run values to bench/results/ (latest.* for a full run, quick.* for --quick).
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { buildSeed, CONTENDERS } from './contenders.mjs';
import { ROOT } from './lib/processes.mjs';
import { writeResults } from './lib/report.mjs';
import { connections } from './scenarios/connections.mjs';
import { dashboard } from './scenarios/dashboard.mjs';
import { fanOut } from './scenarios/fan-out.mjs';
import { ingest } from './scenarios/ingest.mjs';
import { nodes } from './scenarios/nodes.mjs';
import { steady } from './scenarios/steady.mjs';
import { store } from './scenarios/store.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = flag('--quick');
const only = option('--only')?.split(',');
const profileDir = option('--profile');
// Every server process under test then writes a V8 CPU profile there (see profile-summary.mjs).
if (profileDir) process.env.BENCH_CPU_PROF = resolve(profileDir);
const runs = Number(option('--runs') ?? (quick ? 1 : 3));
const started = performance.now();
const log = (line) => console.error(line);

// Quick mode: one run, shorter steady phases, fewer connections, a smaller ingest and retained set.
const plan = {
  fanout: () => fanOut({ runs, contenders: CONTENDERS, log }),
  steady: () => steady({ runs, contenders: CONTENDERS, log, seconds: quick ? 2 : 5, ladderRuns: quick ? 0 : 1 }),
  ingest: () => ingest({ runs, log, lines: quick ? 300_000 : 2_000_000 }),
  connections: () => connections({ runs: quick ? 1 : Math.min(runs, 2), contenders: CONTENDERS, log, count: quick ? 1000 : 5000, settleSeconds: quick ? 4 : 10 }),
  dashboard: () => dashboard({ log, quick }),
  nodes: () => nodes({ runs: quick ? 1 : Math.min(runs, 2), log }),
  store: () => store({ runs: quick ? 1 : runs, log, lines: quick ? 200_000 : 1_000_000 }),
};

log('bench: building the app (electron-vite) and the seed peer');
execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
const seed = buildSeed();
if (typeof seed !== 'string') log(`bench: seed ${seed.skip}`);

const rows = [];
for (const [name, run] of Object.entries(plan)) {
  if (only && !only.includes(name)) continue;
  try {
    rows.push(...(await run()));
  } catch (err) {
    log(`bench: scenario ${name} failed: ${err.stack ?? err.message}`);
  }
}

const report = {
  meta: {
    mode: quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    runs: `${runs} run${runs === 1 ? '' : 's'} per contender`,
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    seconds: (performance.now() - started) / 1000,
  },
  rows,
};
const { md, files } = writeResults(report);
console.log(md);
log(`bench: wrote ${files.join(', ')} in ${report.meta.seconds.toFixed(0)} s`);
process.exit(0);
