/**
 * Scenario 3, ingest with storage on: a child process printing 100-byte lines as fast as it can,
 * through the supervisor, the hub and the log store (serve mode, the real product path, its
 * store in a temporary XDG_STATE_HOME) to one subscriber; against the tools a user would pick to
 * run processes, on the same generator in the same run (concurrently, pm2: ingest-peers.mjs),
 * and the raw pipe (the generator into /dev/null). Every one is timed from the generator's first
 * line, so process start-up is left out; CPU per line is the tool's process's utime + stime over
 * the lines (serve's includes its store's writer threads).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOKEN } from '../contenders.mjs';
import { Figures, goals } from '../lib/figures.mjs';
import { cpuSeconds, profileArgs, profileAs, ROOT, startLoadClient, startServer } from '../lib/processes.mjs';
import { missingPeer, throughConcurrently, throughPm2 } from './ingest-peers.mjs';

const GOAL = 1_000_000;
const PEERS = [
  { of: 'hub', to: 'concurrently' },
  { of: 'hub', to: 'pm2' },
];

/** Run the ingest scenario; resolves with its figures. */
export async function ingest({ runs, log, lines }) {
  const figures = new Figures('3. Ingest, storage on');
  // Switchyard's path: supervisor → hub and store → 1 subscriber; the peers': see ingest-peers.mjs.
  const caseName = `${lines.toLocaleString('en-US')} lines of 100 B, as fast as each tool takes them`;
  figures.define('rate', {
    caseName,
    figure: 'lines/s end to end',
    pairs: [...PEERS, { of: 'hub', to: 'pipe' }],
    goals: [goals.atLeast(GOAL, '≥ 1,000,000 lines/s', { issue: 1 }), goals.paired(PEERS, (r) => r >= 1, '≥ concurrently and pm2', { issue: 1 })],
  });
  figures.define('cpuLine', {
    caseName,
    figure: 'CPU per line (serve; concurrently; the pm2 daemon)',
    unit: 'µs',
    digits: 2,
    pairs: PEERS,
    goals: [goals.atMost(1, '≤ 1 µs', { issue: 1 }), goals.paired(PEERS, (r) => r < 1, 'less than concurrently and pm2', { issue: 1 })],
  });
  figures.define('lost', { caseName, figure: 'lost (by sequence)', ratio: false, goal: goals.noLoss('nothing lost, ever', { issue: 1 }) });
  figures.define('stored', {
    caseName,
    figure: 'store on: its newest line is the last one printed',
    ratio: false,
    format: 'yesno',
    goal: { text: 'stored, every run', issue: 1, met: (v) => ((v.hub ?? []).length ? v.hub.every((x) => x === 1) : null) },
    note: 'logs.read (the newest 3, before now) on the subscriber\'s connection once the last line arrived; the store keeps 64 MiB per process, so older lines of 2,000,000 were evicted by design',
  });
  figures.define('disk', { caseName, figure: 'store on disk after the run', unit: 'MiB', digits: 1, ratio: false });
  figures.define('p99', { caseName, figure: 'p99 line-to-subscriber latency', unit: 'ms', digits: 1, ratio: false });
  figures.define('clientCpu', { caseName, figure: 'subscriber CPU per line (load client)', unit: 'µs', digits: 2, ratio: false });
  for (const peer of ['concurrently', 'pm2']) {
    const reason = missingPeer(peer);
    if (reason) figures.skip('rate', peer, reason);
  }
  log(`ingest: ${caseName}`);
  const contenders = [
    ['hub', () => throughHub(lines)],
    // A diagnostic, not a goal: the same path with the store off, so the store's share shows.
    ['nostore', () => throughHub(lines, { store: false })],
    ['concurrently', () => throughConcurrently(lines)],
    ['pm2', (dir) => throughPm2(lines, dir)],
    ['pipe', () => rawPipe(lines)],
  ].filter(([name]) => name === 'hub' || name === 'pipe' || !missingPeer(name));
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < contenders.length; k++) {
      // The first one rotates from run to run, as in every scenario; the diagnostic runs once.
      const [name, measure] = contenders[(k + run) % contenders.length];
      if (name === 'nostore' && run > 0) continue;
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-ingest-'));
      profileAs(`ingest-${name}-run${run + 1}`);
      try {
        const r = await measure(dir);
        figures.set('rate', name, run, r.perSec);
        if (name === 'pipe') {
          log(`  run ${run + 1}: raw pipe ${Math.round(r.perSec)} lines/s`);
          continue;
        }
        figures.set('cpuLine', name, run, (r.cpuSeconds / lines) * 1e6);
        figures.set('lost', name, run, r.lost);
        if (name === 'nostore') {
          log(`  run ${run + 1}: serve --no-store ${Math.round(r.perSec)} lines/s, lost ${r.lost}, CPU ${((r.cpuSeconds / lines) * 1e6).toFixed(2)} µs/line`);
          continue;
        }
        if (name === 'hub') {
          figures.set('stored', name, run, r.stored ? 1 : 0);
          figures.set('disk', name, run, r.diskBytes / 2 ** 20);
          figures.set('p99', name, run, r.p99);
          figures.set('clientCpu', name, run, (r.clientCpuSeconds / lines) * 1e6);
        }
        const extra = name === 'hub' ? `, stored ${r.stored ? 'yes' : `NO (${r.storedSays})`}, subscriber ${((r.clientCpuSeconds / lines) * 1e6).toFixed(2)} µs/line${r.closes ? `, closes ${JSON.stringify(r.closes)}` : ''}` : '';
        log(`  run ${run + 1}: ${name} ${Math.round(r.perSec)} lines/s, lost ${r.lost}, CPU ${((r.cpuSeconds / lines) * 1e6).toFixed(2)} µs/line, span ${(r.spanMs / 1000).toFixed(2)} s${extra}`);
      } catch (err) {
        log(`  run ${run + 1}: ${name} failed: ${err.message.split('\n')[0]}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return figures.summarize();
}

/** The generator into /dev/null: lines per second by its own clock. */
function rawPipe(lines) {
  return new Promise((resolvePipe, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const child = spawn(process.execPath, [resolve(ROOT, 'bench/fixtures/line-generator.mjs'), '--lines', String(lines)], { stdio: ['ignore', devNull, 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', () => {
      const m = /generated (\d+) lines in ([\d.]+) ms/.exec(err);
      if (m) resolvePipe({ perSec: Number(m[1]) / (Number(m[2]) / 1000) });
      else reject(new Error(`the generator failed: ${err}`));
    });
  });
}

/** Bytes under a folder. */
function du(dir) {
  let total = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += statSync(join(e.parentPath ?? e.path, e.name)).size;
  return total;
}

/**
 * Serve mode with the generator as a process and its store in a state folder of its own; one
 * subscriber counts every line by its number, then asks the store for its newest line.
 */
export async function throughHub(lines, { store = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const state = join(dir, 'state');
  const server = await startServer(
    process.execPath,
    [...profileArgs(), resolve(ROOT, 'out/main/serve.js'), '--config', resolve(ROOT, 'bench/fixtures/ingest.yaml'), '--port', '0', '--token-file', join(dir, 'token'), ...(store ? [] : ['--no-store'])],
    { ready: /^Hub: ws:\/\/127\.0\.0\.1:(\d+)\/ws$/m, env: { LINES: String(lines), SWITCHYARD_TOKEN: TOKEN, XDG_STATE_HOME: state } },
  );
  const client = startLoadClient();
  try {
    const base = `ws://127.0.0.1:${server.port}`;
    const { failed, firstError } = await client.call('connect', { kind: 'hub', base, token: TOKEN, count: 1, channel: 'process:gen' });
    if (failed) throw new Error(`the subscriber did not connect: ${firstError}`);
    await client.call('expect', { n: lines });
    const cpu0 = cpuSeconds(server.pid);
    const clientCpu0 = cpuSeconds(client.child.pid);
    // Same connection, so the hub has taken the subscription before it starts the process.
    await client.call('send', { text: JSON.stringify({ type: 'request', id: 'start', data: { method: 'process.start', params: { id: 'gen' } } }) });
    const r = await client.call('finish', { idleMs: 3000, maxMs: 120_000 });
    const cpuSecondsUsed = cpuSeconds(server.pid) - cpu0;
    const clientCpuSeconds = cpuSeconds(client.child.pid) - clientCpu0;
    // The store writes in the background: its newest lines are asked for until the last one
    // printed is among them (the generator's report on stderr may come after it).
    let storedSays = '';
    let stored = false;
    for (let i = 0; store && i < 20 && !stored; i++) {
      const res = await client.call('request', { method: 'logs.read', params: { processes: ['gen'], before: new Date(Date.now() + 60_000).toISOString(), limit: 3 } });
      const texts = (res.data?.lines ?? []).map((l) => l.data);
      storedSays = res.error ? `${res.error.code}: ${res.error.message}` : `newest stored lines ${JSON.stringify(texts.map((t) => t.slice(0, 12)))}`;
      stored = texts.some((t) => t.startsWith(`${lines - 1} `));
      if (!stored) await new Promise((r) => setTimeout(r, 250));
    }
    return { ...r, cpuSeconds: cpuSecondsUsed, clientCpuSeconds, stored, storedSays, diskBytes: du(state), closes: Object.keys(r.closes).length ? r.closes : undefined };
  } finally {
    await client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
