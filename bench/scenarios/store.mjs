/**
 * Scenario: the log store on its own (electron/store, bundled for plain Node). Writes `lines`
 * 100-byte lines (4 processes taking turns) through `append` as the supervisor would, closes,
 * opens again (the restart), then searches everything stored: a word only the line half-way back
 * has (time to the first hit), a word only the oldest line has (the first hit is a whole scan), a
 * frequent word (time to the first page), the rare word as a regex (the worker), and a word no
 * line has (a whole scan, plain).
 *
 * Part of `npm run bench` as `--only store`; alone: `node bench/scenarios/store.mjs [--lines N]`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleForNode } from '../../scripts/bundle-for-node.mjs';
import { Figures, goals } from '../lib/figures.mjs';

const PROCESSES = ['api', 'web', 'worker', 'db'];

/** One round: resolves with the measured values. */
export async function measureStore({ lines = 1_000_000, dir } = {}) {
  const work = dir ?? mkdtempSync(join(tmpdir(), 'switchyard-bench-store-'));
  try {
    const bundle = await bundleForNode('electron/store/index.ts', join(work, 'bundle'));
    const { LogStore } = await import(pathToFileURL(bundle).href);
    const projectDir = join(work, 'project');
    mkdirSync(projectDir, { recursive: true });
    const options = { projectDir, stateDir: join(work, 'state'), maxBytes: 4 * 1024 ** 3, maxBytesPerProcess: 1024 ** 3 };

    let store = new LogStore(options);
    store.start();
    for (const id of PROCESSES) store.beginRun(id);
    // 100 bytes a line: a timestamp-ish prefix, a counter and filler, like the ingest scenario's lines.
    const filler = 'x'.repeat(60);
    const texts = Array.from({ length: 1024 }, (_, i) => `2026-12-01T18:20:01.${String(i % 1000).padStart(3, '0')}Z GET /api/items/${i} 200 ${filler}`.slice(0, 90));
    // The same loop twice: into a no-op, then into the store; the difference in the main
    // thread's busy time (event loop utilization) is what storing costs the ingest path.
    // Output arrives in chunks (a pipe read is at most 64 KiB, some 650 such lines), each read at
    // one time: the loop turns between chunks, and a chunk's lines share its Date.now().
    const feed = async (sink) => {
      let now = Date.now();
      for (let i = 0; i < lines; i++) {
        const text = i === 0 ? `the oldest line says zebra ${texts[0]}` : i === lines >> 1 ? `the middle line says yak ${texts[0]}` : `${texts[i & 1023]} ${i}`;
        sink(PROCESSES[i & 3], i % 7 === 0 ? 'stderr' : 'stdout', text, i % 100 === 0 ? 'warn' : undefined, now);
        if (i % 650 === 649) {
          await new Promise((resolve) => setImmediate(resolve));
          now = Date.now();
        }
      }
    };
    let sunk = 0;
    const baseCpu0 = process.cpuUsage();
    const baseElu = performance.eventLoopUtilization();
    await feed((_p, _s, text) => {
      sunk += text.length;
    });
    const baseActive = performance.eventLoopUtilization(baseElu).active;
    const baseCpu = process.cpuUsage(baseCpu0);
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await feed((p, stream, text, level, now) => store.append(p, stream, text, level, now));
    store.flush();
    const writeMs = performance.now() - t0;
    const mainActive = performance.eventLoopUtilization(elu0).active;
    const cpu = process.cpuUsage(cpu0);
    // What the writer threads still have to do is not the ingest path's cost, but it is the disk's.
    await store.settle();
    const settledMs = performance.now() - t0;
    const cpuAll = process.cpuUsage(cpu0);
    const { bytes, linesDropped } = store.stats();
    await store.close();

    const t1 = performance.now();
    store = new LogStore(options);
    store.start();
    const openMs = performance.now() - t1;

    const timed = async (params) => {
      const cpu0 = process.cpuUsage();
      const started = performance.now();
      let first = null;
      let matches = 0;
      let before;
      for (;;) {
        const page = await store.search({ ...params, before });
        matches += page.matches.length;
        if (first === null && page.matches.length > 0) first = performance.now() - started;
        if (!page.more || (params.stopAtFirst && first !== null)) break;
        before = page.cursor;
      }
      const used = process.cpuUsage(cpu0);
      return { firstMs: first, endMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, matches };
    };
    const rare = await timed({ query: 'zebra', limit: 100 });
    const middle = await timed({ query: 'yak', limit: 100 });
    const frequent = await timed({ query: 'GET /api', limit: 100, stopAtFirst: true });
    const regex = await timed({ query: 'z[e]bra', regex: true, limit: 100 });
    const none = await timed({ query: 'no line has this', limit: 100 });
    const readStarted = performance.now();
    const newest = await store.read({ limit: 1000, before: new Date(Date.now() + 1000).toISOString() });
    const readMs = performance.now() - readStarted;
    if (newest.lines.length !== 1000) throw new Error(`logs.read answered ${newest.lines.length} lines, not 1000`);
    await store.close();
    return {
      lines,
      appendPerSec: lines / (writeMs / 1000),
      appendMainNsPerLine: ((mainActive - baseActive) * 1e6) / lines,
      appendCpuNsPerLine: ((cpu.user + cpu.system) * 1000) / lines,
      storeCpuNsPerLine: ((cpuAll.user + cpuAll.system - baseCpu.user - baseCpu.system) * 1000) / lines,
      sunk,
      writtenPerSec: lines / (settledMs / 1000),
      linesDropped,
      bytesPerLine: bytes / lines,
      overheadPerLine: (bytes - lines * 95) / lines,
      openMs,
      rare,
      middle,
      frequent,
      regex,
      none,
      readMs,
    };
  } finally {
    if (!dir) rmSync(work, { recursive: true, force: true });
  }
}

/** The bench runner's entry: figures over `runs` rounds. */
export async function store({ runs, log, lines = 1_000_000 }) {
  const figures = new Figures('6. Stored search (the log store)');
  const caseName = `${lines.toLocaleString('en-US')} lines of ~100 B, 4 processes`;
  figures.define('append', { caseName, figure: 'append + write, lines/s', ratio: false, goal: goals.atLeast(1_000_000, '≥ 1,000,000 lines/s') });
  figures.define('main', { caseName, figure: 'main-thread busy time per stored line (event loop utilization, less the feeding loop)', unit: 'ns', ratio: false });
  figures.define('cpu', { caseName, figure: 'CPU per stored line (all threads, writes included, less the feeding loop)', unit: 'ns', ratio: false });
  figures.define('bytes', { caseName, figure: 'bytes on disk per line', digits: 1, ratio: false });
  figures.define('open', { caseName, figure: 'open after restart', unit: 'ms', ratio: false });
  figures.define('first', { caseName, figure: 'logs.search, first hit (one line, half-way back)', unit: 'ms', ratio: false, goal: goals.below(100, '< 100 ms', { issue: 6 }) });
  figures.define('oldest', { caseName, figure: 'logs.search, first hit (the oldest line only)', unit: 'ms', ratio: false });
  figures.define('end', { caseName, figure: 'logs.search, whole scan (plain, no hit)', unit: 'ms', ratio: false, goal: goals.below(1000, '< 1 s', { issue: 6 }) });
  figures.define('frequent', { caseName, figure: 'logs.search, first page of a frequent word', unit: 'ms', digits: 1, ratio: false });
  figures.define('regex', { caseName, figure: 'logs.search, regex, whole scan (worker)', unit: 'ms', ratio: false });
  figures.define('read', { caseName, figure: 'logs.read, newest 1,000 lines', unit: 'ms', digits: 1, ratio: false });
  for (let run = 0; run < runs; run++) {
    const r = await measureStore({ lines });
    figures.set('append', 'hub', run, r.appendPerSec);
    figures.set('main', 'hub', run, r.appendMainNsPerLine);
    figures.set('cpu', 'hub', run, r.storeCpuNsPerLine);
    figures.set('bytes', 'hub', run, r.bytesPerLine);
    figures.set('open', 'hub', run, r.openMs);
    figures.set('first', 'hub', run, r.middle.firstMs);
    figures.set('oldest', 'hub', run, r.rare.firstMs);
    figures.set('end', 'hub', run, r.none.endMs);
    figures.set('frequent', 'hub', run, r.frequent.firstMs);
    figures.set('regex', 'hub', run, r.regex.endMs);
    figures.set('read', 'hub', run, r.readMs);
    log(`  run ${run + 1}: ${Math.round(r.appendPerSec)} lines/s stored, ${r.bytesPerLine.toFixed(1)} B/line, search first hit ${r.middle.firstMs?.toFixed(0)} ms (oldest line ${r.rare.firstMs?.toFixed(0)} ms), whole scan ${r.none.endMs.toFixed(0)} ms`);
  }
  return figures.summarize();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--lines');
  const lines = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;
  console.log(JSON.stringify(await measureStore({ lines }), null, 2));
}
