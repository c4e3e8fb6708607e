#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [--only fanout,steady,ingest,connections,dashboard,store,nodes] [--case b100,b1000,s100,s10,ladder] [--runs N] [--profile DIR]`:
 * Switchyard against its peers on this machine, in this run. Builds the app (electron-vite) and
 * the seed peer first, runs every scenario, prints a markdown table (the goals of issue #20
 * first, then every scenario's figures) and writes it with the raw per-run values to
 * bench/results/ (latest.* for a full run, quick.* for --quick, partial.* for --only or --runs).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSeed, pick } from './contenders.mjs';
import { pairedMedian } from './lib/figures.mjs';
import { loadAverage, ROOT } from './lib/processes.mjs';
import { writeResults } from './lib/report.mjs';
import { connections } from './scenarios/connections.mjs';
import { dashboard } from './scenarios/dashboard.mjs';
import { fanOut } from './scenarios/fan-out.mjs';
import { ingest } from './scenarios/ingest.mjs';
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
// Cases of the fan-out and steady scenarios (b100, b1000, s100, s10, ladder): to profile one.
const cases = option('--case')?.split(',');
const profileDir = option('--profile');
// Every server process under test then writes a V8 CPU profile there, one folder per
// measurement (see profile-summary.mjs); the dashboard also writes Chromium traces.
if (profileDir) process.env.BENCH_CPU_PROF = resolve(profileDir);
// ... and the bundles get source maps, so that the summaries name source files, not chunks.
if (profileDir) process.env.BENCH_SOURCEMAP = '1';
const runs = Number(option('--runs') ?? (quick ? 1 : 3));
const started = performance.now();
const log = (line) => console.error(line);

/** Scenario 7 comes from the scale-out work (bench/scenarios/nodes.mjs): a slot until it exists. */
const NODES = resolve(ROOT, 'bench/scenarios/nodes.mjs');
/** The scenario runs only where the engine it measures is built (electron/engines/redis). */
const nodesReady = () => existsSync(NODES) && existsSync(resolve(ROOT, 'electron/engines/redis'));
const NODES_SKIP = 'skipped: no Redis engine in this build';
const NODES_TITLE = '7. Several nodes (Redis)';

// Quick mode: one run, shorter phases, fewer connections, a smaller ingest, store and retained set,
// and no Socket.IO (a round-one peer that no goal of #20 names, and the slowest to serve).
const servers = (...names) => pick(...names.filter((n) => !quick || n !== 'socketio'));
// Full mode keeps 3 runs where a run is short; the slow ones run fewer (see bench/README.md).
const plan = {
  fanout: () => fanOut({ runs, contenders: servers('hub', 'plain', 'seed', 'raw', 'socketio'), log, cases }),
  steady: () => steady({ runs, contenders: servers('hub', 'plain', 'seed', 'raw', 'socketio'), log, seconds: quick ? 2 : 3, ladderRuns: quick || (cases && !cases.includes('ladder')) ? 0 : 1, cases }),
  ingest: () => ingest({ runs, log, lines: quick ? 300_000 : 2_000_000 }),
  connections: () =>
    connections({ runs: quick ? 1 : Math.min(runs, 2), contenders: servers('hub', 'raw', 'seed', 'socketio'), log, count: quick ? 1000 : 10_000, settleSeconds: quick ? 3 : 10, peerRuns: 1 }),
  dashboard: () => dashboard({ log, quick }),
  store: () => store({ runs: quick ? 1 : Math.min(runs, 2), log, lines: quick ? 200_000 : 1_000_000 }),
  nodes: async () => {
    if (!nodesReady()) {
      log(`nodes: ${NODES_SKIP}`);
      return [];
    }
    const { nodes } = await import(pathToFileURL(NODES).href);
    // One run: goal 7 asks for figures, with no threshold to judge (and the budget is 10 minutes).
    const rows = await nodes({ runs: 1, log, quick });
    return rows.map((r) => ({ ...r, scenario: NODES_TITLE }));
  },
};

log(`bench: load average ${loadAverage()}; building the app (electron-vite) and the seed peer`);
const loadAtStart = loadAverage();
execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
const seed = buildSeed();
if (typeof seed !== 'string') log(`bench: seed ${seed.skip}`);

const rows = [];
const scenarioSeconds = {};
for (const [name, run] of Object.entries(plan)) {
  if (only && !only.includes(name)) continue;
  const t0 = performance.now();
  try {
    const got = await run();
    rows.push(...got);
    if (got[0]) scenarioSeconds[got[0].scenario] = (performance.now() - t0) / 1000;
  } catch (err) {
    log(`bench: scenario ${name} failed: ${err.stack ?? err.message}`);
  }
  log(`bench: ${name} took ${((performance.now() - t0) / 1000).toFixed(0)} s (load ${loadAverage()})`);
}

const report = {
  meta: {
    mode: quick ? 'quick' : 'full',
    partial: !quick && (Boolean(only) || Boolean(cases) || option('--runs') !== undefined),
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    runs: `${runs} run${runs === 1 ? '' : 's'} per contender (fewer for connections, the store and the ladder; see each scenario)`,
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    seconds: (performance.now() - started) / 1000,
    load: { start: loadAtStart, end: loadAverage() },
    scenarioSeconds,
    issueRows: issueRowsForNodes(rows),
  },
  rows,
};
const { md, files } = writeResults(report);
console.log(md);
log(`bench: wrote ${files.join(', ')} in ${report.meta.seconds.toFixed(0)} s`);
process.exit(0);

/**
 * Goal 7 of issue #20 has no threshold ("reported"): its row in the goals table says where the
 * figures are, or why there are none. Three nodes on one Redis against one node in memory, when
 * the nodes scenario measured those set-ups (contenders `redis3`, `memory1`).
 */
function issueRowsForNodes(all) {
  if (only && !only.includes('nodes')) return [];
  const mine = all.filter((r) => r.scenario === NODES_TITLE);
  if (!nodesReady()) return [{ issue: 7, what: 'fan-out through three nodes on one Redis against one node, cost per publish', value: NODES_SKIP, verdict: 'skipped' }];
  // What goal 7 names: the fan-out (delivered/s, p99) and the cost per publish (CPU per message).
  const compared = mine.filter((r) => r.runs?.redis3 && r.runs?.memory1 && /delivered|p99|CPU/.test(r.figure));
  if (!compared.length) {
    const reason = mine.flatMap((r) => Object.values(r.skipped ?? {}))[0] ?? 'three nodes measured nothing (see the run\'s log)';
    return [{ issue: 7, what: `section ${NODES_TITLE}`, value: reason, verdict: 'skipped' }];
  }
  return compared.map((r) => {
    const ratio = pairedMedian(r.runs, { of: 'redis3', to: 'memory1' });
    const unit = r.unit ? ` ${r.unit}` : '';
    return { issue: 7, what: `${r.case} · ${r.figure}`, value: `three nodes: ${fmtNumber(r.median.redis3)}${unit}`, peers: `one node in memory: ${fmtNumber(r.median.memory1)}${unit}`, paired: ratio === null ? '–' : `${ratio.toFixed(2)}×`, target: 'reported (no threshold)', verdict: 'reported' };
  });
}

function fmtNumber(v) {
  if (v === null || v === undefined) return '–';
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
}
