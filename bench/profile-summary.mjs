#!/usr/bin/env node
/**
 * Summarize CPU profiles: the functions with the most self time. Takes V8 CPU profiles (`node
 * --cpu-prof`: `npm run bench -- --profile DIR` writes one per server process, in a folder per
 * measurement such as DIR/steady-s10-hub-run1/) and Chromium traces (the dashboard scenario
 * writes DIR/dashboard-*.trace.json under --profile; their V8 samples are summarized the same
 * way, with the longest main-thread tasks).
 * usage: node bench/profile-summary.mjs FILE_OR_DIR... [--top 25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const inputs = args.filter((a, i) => !a.startsWith('--') && i !== topAt + 1);

/** Every profile or trace file under the inputs (folders are walked). */
function files(paths) {
  const out = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) out.push(...files(readdirSync(p).map((n) => join(p, n))));
    else if (/\.(cpuprofile|json)$/.test(p)) out.push(p);
  }
  return out;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const maps = new Map();
/** The source map beside a bundle the url names (built under --profile), or null. */
function mapFor(url) {
  const m = /\/(out\/main\/.*\.js|assets\/[^/?#]+\.js)(?:[?#].*)?$/.exec(String(url));
  if (!m) return null;
  const file = join(ROOT, m[1].startsWith('assets/') ? `out/renderer/${m[1]}` : m[1]);
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))));
    } catch {
      maps.set(file, null);
    }
  }
  return maps.get(file);
}

/** "name file:line": the source file and line when the bundle has a source map, else the bundle's. */
function keyOf({ functionName, url, lineNumber, columnNumber }) {
  const name = functionName || '(anonymous)';
  if (!url || lineNumber === undefined || lineNumber < 0) return name;
  const entry = mapFor(url)?.findEntry(lineNumber, columnNumber ?? 0);
  if (entry?.originalSource) return `${entry.name && /^.{1,3}$/.test(name) ? entry.name : name} ${entry.originalSource.replace(/^.*?\/(electron|renderer|shared|bench|node_modules)\//, '$1/')}:${entry.originalLine + 1}`;
  return `${name} ${String(url).replace(/^.*\/(out|node_modules|assets)\//, '$1/')}:${lineNumber + 1}`;
}

/**
 * Self time per function of one profile (`nodes`, `samples`, `timeDeltas`), added to `self`;
 * returns the total, and the collector's pauses: runs of consecutive `(garbage collector)`
 * samples, which delay whatever is in flight (what a latency tail is made of).
 */
function addSelf(self, nodes, samples, deltas) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let total = 0;
  let gcRun = 0;
  const gcPauses = [];
  samples.forEach((id, i) => {
    const dt = deltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    total += dt;
    const key = keyOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    if (node.callFrame.functionName === '(garbage collector)') gcRun += dt;
    else if (gcRun > 0) {
      gcPauses.push(gcRun);
      gcRun = 0;
    }
  });
  if (gcRun > 0) gcPauses.push(gcRun);
  return { total, gcPauses };
}

const IDLE_KEYS = new Set(['(idle) :0', '(idle)']);
function print(title, self, { total, gcPauses }) {
  const busy = total - [...IDLE_KEYS].reduce((sum, k) => sum + (self.get(k) ?? 0), 0);
  console.log(`\n${title}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy (% of busy time below)`);
  const rows = [...self].filter(([key]) => !IDLE_KEYS.has(key)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [key, us] of rows) console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  gcPauses.sort((a, b) => b - a);
  if (gcPauses.length) console.log(`  collector: ${gcPauses.length} pauses, ${gcPauses.filter((p) => p >= 1000).length} of 1 ms or more; longest ${gcPauses.slice(0, 5).map((p) => `${(p / 1000).toFixed(1)} ms`).join(', ')}`);
}

/**
 * A Chromium trace: its `ProfileChunk` events carry the V8 samples of each thread in pieces
 * (nodes first seen in one chunk, samples and time deltas in many); the renderer main thread's
 * `RunTask` events are its tasks.
 */
function summarizeTrace(file, events) {
  const threads = new Map();
  const tasks = [];
  // The renderer's main thread, by its name, for the time its trace events took (inclusive).
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byEvent = new Map();
  for (const e of events) {
    if (e.ph === 'X' && e.dur && mains.has(`${e.pid}:${e.tid}`) && e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') byEvent.set(e.name, (byEvent.get(e.name) ?? 0) + e.dur);
    if (e.name === 'ProfileChunk') {
      const key = `${e.pid}:${e.id}`;
      const t = threads.get(key) ?? { nodes: [], samples: [], deltas: [], pid: e.pid };
      const data = e.args?.data ?? {};
      t.nodes.push(...(data.cpuProfile?.nodes ?? []));
      t.samples.push(...(data.cpuProfile?.samples ?? []));
      t.deltas.push(...(data.timeDeltas ?? []));
      threads.set(key, t);
    } else if (e.name === 'RunTask' && e.ph === 'X' && e.dur > 50_000) tasks.push(e);
  }
  for (const [key, t] of threads) {
    const self = new Map();
    const sums = addSelf(self, t.nodes, t.samples, t.deltas);
    if (sums.total > 0) print(`${file} (profile ${key})`, self, sums);
  }
  const eventRows = [...byEvent].sort((a, b) => b[1] - a[1]).slice(0, 12);
  if (eventRows.length) console.log(`  renderer main thread, inclusive time by trace event: ${eventRows.map(([n, us]) => `${n} ${(us / 1000).toFixed(0)} ms`).join(', ')}`);
  tasks.sort((a, b) => b.dur - a.dur);
  if (tasks.length) console.log(`  tasks of 50 ms or more: ${tasks.length}; longest ${tasks.slice(0, 10).map((t) => `${(t.dur / 1000).toFixed(0)} ms`).join(', ')}`);
}

for (const file of files(inputs)) {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  if (Array.isArray(data) || data.traceEvents) {
    summarizeTrace(file, Array.isArray(data) ? data : data.traceEvents);
    continue;
  }
  if (!data.nodes) continue;
  const self = new Map();
  print(file, self, addSelf(self, data.nodes, data.samples, data.timeDeltas));
}
