// The soak (issue #6): `npm run soak -- --minutes N` (or `--seconds N`).
//
// Runs the built serve entry (out/main/serve.js) as a child process on a loopback port with
// PROCESSES emitters printing RATE numbered lines per second each, connects CLIENTS checking
// subscribers spread over their channels, and churns CHURN of them per second (close, reconnect,
// resubscribe with `since` and `epoch`). It checks, and exits 1 when any check fails:
// - no line lost, duplicated or reordered for any client (by `seq` and by the emitter's numbers),
//   every resubscribe recovered, no close the client did not ask for, every client caught up;
// - the server's RSS and open file descriptors (/proc/PID) back within 10% of their level before
//   the clients came, once they are gone (both measured after a full GC of the server, which the
//   soak triggers through a preload: soak/gc-on-signal.cjs).
// The baseline is taken after a warm-up: WARMUP seconds with no client (every channel's retention
// fills), then LOAD-WARMUP seconds with every client connected, then all of them gone.
// It reports the p50/p99/max latency from print to receipt. Everything is bounded: the run stops
// by itself after its duration plus fixed settle times, and only ever talks to 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'rolldown';
import { Histogram } from './soak/histogram.mjs';
import { newTotals, SoakClient } from './soak/soak-client.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const opts = parseArgs(process.argv.slice(2));
const TOKEN = `soak-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

const serveJs = join(ROOT, 'out', 'main', 'serve.js');
if (!existsSync(serveJs)) {
  console.error('soak: out/main/serve.js is missing; run `npm run build` first');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-soak-'));
// Switchyard's one /proc reader (electron/supervisor/proc-reader.ts), bundled for this script: the
// soak measures the server from outside, so that measuring costs the server nothing.
const procReaderJs = join(dir, 'proc-reader.mjs');
await build({ input: join(ROOT, 'electron', 'supervisor', 'proc-reader.ts'), platform: 'node', logLevel: 'silent', output: { file: procReaderJs, format: 'esm' } });
const procReader = await import(pathToFileURL(procReaderJs).href);
const procfile = join(dir, 'Procfile');
const emitter = join(ROOT, 'scripts', 'soak', 'emitter.mjs');
writeFileSync(
  procfile,
  Array.from({ length: opts.processes }, (_, i) => `p${i + 1}: exec ${JSON.stringify(process.execPath)} ${JSON.stringify(emitter)} ${opts.rate} p${i + 1}`).join('\n') + '\n',
);

let serve;
let exitCode = 1;
try {
  exitCode = await run();
} catch (err) {
  console.error(`soak: ${err instanceof Error ? err.stack : String(err)}`);
} finally {
  if (serve && serve.exitCode === null && serve.signalCode === null) {
    serve.kill('SIGTERM');
    await Promise.race([new Promise((r) => serve.once('exit', r)), sleep(15_000).then(() => serve.kill('SIGKILL'))]);
  }
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);

async function run() {
  const gcPreload = join(ROOT, 'scripts', 'soak', 'gc-on-signal.cjs');
  // The young generation pinned at its loaded size: V8 otherwise grows and shrinks it with the recent
  // allocation rate (up to ±30 MiB of RSS here), which would say more about the last second than about a leak.
  serve = spawn(process.execPath, ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16', '--require', gcPreload, serveJs, '--procfile', procfile, '--port', '0', '--token', TOKEN, '--token-file', join(dir, 'token')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  serve.stdout.on('data', (d) => (out = (out + d).slice(-10_000)));
  serve.stderr.on('data', (d) => (out = (out + d).slice(-10_000)));
  const hubUrl = await waitFor(() => /^Hub: (ws:\/\/\S+)$/m.exec(out)?.[1], 20_000, () => `serve did not start:\n${out}`);
  const port = Number(new URL(hubUrl).port);
  const pid = serve.pid;
  log(`serve pid ${pid} on ${hubUrl}; ${opts.processes} processes × ${opts.rate} lines/s; ${opts.clients} clients, churn ${opts.churn}/s, ${opts.seconds} s`);

  // Warm up until every channel holds its full retention, then once with the full client load
  // (one-time costs: JIT, buffer pools, allocator arenas), so that the baseline is the steady
  // state the run must come back to; a leak grows with the run's length, a warm-up does not.
  log(`warming up ${opts.warmupSeconds} s, then ${opts.loadWarmupSeconds} s with the clients`);
  await sleep(opts.warmupSeconds * 1000);
  const cold = await steadySample(pid);
  const totals = newTotals();
  const histogram = new Histogram();
  if (opts.loadWarmupSeconds > 0) {
    const warm = await connectClients(hubUrl, totals, new Histogram());
    await sleep(opts.loadWarmupSeconds * 1000);
    await Promise.all(warm.map((c) => c.stop()));
    await waitFor(async () => JSON.parse(await httpGet(port, '/api/stats')).clients === 0 || undefined, 15_000, () => 'warm-up clients still registered');
    await sleep(3000);
  }
  const before = await steadySample(pid);
  const heapBefore = await heapSample(port);
  const cpuBefore = serverSample(pid).cpu;
  log(`baseline: RSS ${mb(before.rss)}, ${before.fds} fds (before any client: RSS ${mb(cold.rss)}, ${cold.fds} fds)`);

  const clients = await connectClients(hubUrl, totals, histogram);

  let peakRss = before.rss;
  let peakFds = before.fds;
  const churn = setInterval(() => {
    for (let tries = 0; tries < 5; tries++) if (clients[Math.floor(Math.random() * clients.length)].churn()) break;
  }, 1000 / opts.churn);
  const started = Date.now();
  let lastReport = started;
  let lastReceived = totals.received;
  while (Date.now() - started < opts.seconds * 1000) {
    await sleep(Math.min(1000, opts.seconds * 1000 - (Date.now() - started)));
    const s = serverSample(pid);
    if (s.rss > peakRss) peakRss = s.rss;
    if (s.fds > peakFds) peakFds = s.fds;
    if (Date.now() - lastReport >= 10_000 || Date.now() - started >= opts.seconds * 1000) {
      const rate = Math.round(((totals.received - lastReceived) * 1000) / (Date.now() - lastReport));
      lastReport = Date.now();
      lastReceived = totals.received;
      log(
        `t+${Math.round((Date.now() - started) / 1000)} s: ${totals.received} received (${rate}/s), p99 ${histogram.percentile(0.99).toFixed(1)} ms, ` +
          `lost ${totals.lost}, reordered ${totals.reordered}, churned ${totals.churned}, RSS ${mb(s.rss)}, ${s.fds} fds`,
      );
    }
  }
  clearInterval(churn);

  // Every client must catch up with what its channel had published when the run ended.
  const stats = JSON.parse(await httpGet(port, '/api/stats'));
  const target = Object.fromEntries(stats.channelList.map((c) => [c.name, c.seq]));
  const caughtUp = await waitFor(
    () => clients.every((c) => c.lastSeq !== undefined && c.lastSeq >= (target[c.channel] ?? Infinity)) || undefined,
    30_000,
    () => null,
  ).catch(() => false);
  const behind = clients.filter((c) => !(c.lastSeq >= (target[c.channel] ?? Infinity))).length;
  await Promise.all(clients.map((c) => c.stop()));
  await waitFor(async () => JSON.parse(await httpGet(port, '/api/stats')).clients === 0 || undefined, 15_000, () => 'clients still registered after closing');

  // Give the server time to release memory: poll until within 10%, at most 60 s.
  let after = await steadySample(pid);
  const endBy = Date.now() + 60_000;
  while (Date.now() < endBy && !(within(after.rss, before.rss) && within(after.fds, before.fds))) {
    await sleep(2000);
    after = await steadySample(pid);
  }

  const serverCpu = serverSample(pid).cpu - cpuBefore;
  const heapAfter = await heapSample(port);
  const report = {
    seconds: opts.seconds,
    clients: opts.clients,
    churnPerSecond: opts.churn,
    processes: opts.processes,
    linesPerSecondEach: opts.rate,
    ...totals,
    behindAtEnd: behind,
    latencyMs: { p50: round(histogram.percentile(0.5)), p99: round(histogram.percentile(0.99)), p999: round(histogram.percentile(0.999)), max: round(histogram.max), samples: histogram.total },
    cpuSeconds: { server: round(serverCpu), checker: round((process.cpuUsage().user + process.cpuUsage().system) / 1e6) },
    heap: { before: heapBefore, after: heapAfter },
    server: { rssCold: cold.rss, fdsCold: cold.fds, rssBefore: before.rss, rssPeak: peakRss, rssAfter: after.rss, fdsBefore: before.fds, fdsPeak: peakFds, fdsAfter: after.fds },
  };
  const failures = [];
  if (totals.lost) failures.push(`${totals.lost} lines lost`);
  if (totals.reordered) failures.push(`${totals.reordered} lines duplicated or reordered`);
  if (totals.lineGaps) failures.push(`${totals.lineGaps} gaps in the emitters' numbering`);
  if (totals.notRecovered) failures.push(`${totals.notRecovered} resubscribes not recovered`);
  if (totals.epochChanges) failures.push(`${totals.epochChanges} epoch changes`);
  if (totals.badLines) failures.push(`${totals.badLines} undecodable lines`);
  const unexpected = Object.values(totals.unexpectedCloses).reduce((a, b) => a + b, 0);
  if (unexpected) failures.push(`${unexpected} closes nobody asked for ${JSON.stringify(totals.unexpectedCloses)}`);
  if (!caughtUp) failures.push(`${behind} clients never caught up`);
  if (totals.received === 0) failures.push('nothing received');
  if (!within(after.rss, before.rss)) failures.push(`server RSS ${mb(after.rss)} not within 10% of ${mb(before.rss)}`);
  if (!within(after.fds, before.fds)) failures.push(`server fds ${after.fds} not within 10% of ${before.fds}`);
  report.failures = failures;

  log(
    `done: ${totals.received} lines checked, lost ${totals.lost}, reordered ${totals.reordered}, connects ${totals.connects}, churned ${totals.churned}; ` +
      `latency p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms; ` +
      `RSS ${mb(before.rss)} → peak ${mb(peakRss)} → ${mb(after.rss)}; fds ${before.fds} → peak ${peakFds} → ${after.fds}`,
  );
  if (opts.out) writeFileSync(opts.out, JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify(report));
  if (failures.length) {
    console.error(`soak FAILED: ${failures.join('; ')}`);
    return 1;
  }
  log('soak held');
  return 0;
}

async function connectClients(hubUrl, totals, histogram) {
  const clients = Array.from(
    { length: opts.clients },
    (_, i) => new SoakClient({ url: hubUrl, token: TOKEN, channel: `process:p${(i % opts.processes) + 1}`, totals, histogram }),
  );
  for (let i = 0; i < clients.length; i++) {
    clients[i].connect();
    if (i % 20 === 19) await sleep(50);
  }
  await waitFor(() => clients.every((c) => c.open) || undefined, 30_000, () => 'not every client connected');
  return clients;
}

// The server's V8 heap and external (Buffer) memory from /metrics, to tell a leak (used memory
// grows) from an allocator that keeps pages it no longer needs (RSS stays, used memory does not).
async function heapSample(port) {
  const text = await httpGet(port, '/metrics');
  const read = (name) => Number(new RegExp(`^switchyard_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { heapUsed: read('nodejs_heap_size_used_bytes'), heapTotal: read('nodejs_heap_size_total_bytes'), external: read('nodejs_external_memory_bytes') };
}

// The server's resident memory, open descriptors and CPU seconds (NaN once it is gone: the checks fail).
function serverSample(pid) {
  return { rss: procReader.rssBytes(pid) ?? NaN, fds: procReader.fdCount(pid) ?? NaN, cpu: procReader.cpuSeconds(pid) ?? NaN };
}

function within(value, base) {
  return Number.isFinite(value) && Number.isFinite(base) && value <= base * 1.1;
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}

// After a full GC in the server (SIGUSR2, see soak/gc-on-signal.cjs), the median of five samples a
// quarter second apart: both ends of the comparison are measured in the same, collected state.
async function steadySample(pid) {
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    // gone: the samples below say NaN and the check fails
  }
  await sleep(500);
  const samples = [];
  for (let i = 0; i < 5; i++) {
    samples.push(serverSample(pid));
    await sleep(250);
  }
  const median = (k) => samples.map((s) => s[k]).sort((a, b) => a - b)[2];
  return { rss: median('rss'), fds: median('fds') };
}

async function waitFor(fn, timeoutMs, message) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > end) throw new Error(message() ?? 'timed out');
    await sleep(100);
  }
}

function httpGet(port, path) {
  return new Promise((resolveGet, reject) => {
    const req = get({ host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolveGet(body) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${path}: no answer in 10 s`)));
    req.on('error', reject);
  });
}

function parseArgs(argv) {
  const o = { seconds: 60, clients: 200, churn: 10, processes: 3, rate: 1000, warmupSeconds: 12, loadWarmupSeconds: 10, out: undefined };
  const num = (name, v, min, max) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      console.error(`soak: ${name} must be a number from ${min} to ${max}, got "${v}"`);
      process.exit(2);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (name) {
      case '--minutes': o.seconds = num(name, value(), 0.05, 24 * 60) * 60; break;
      case '--seconds': o.seconds = num(name, value(), 1, 24 * 3600); break;
      case '--clients': o.clients = num(name, value(), 1, 5000); break;
      case '--churn': o.churn = num(name, value(), 0.1, 1000); break;
      case '--processes': o.processes = num(name, value(), 1, 50); break;
      case '--rate': o.rate = num(name, value(), 1, 100_000); break;
      case '--warmup': o.warmupSeconds = num(name, value(), 0, 600); break;
      case '--load-warmup': o.loadWarmupSeconds = num(name, value(), 0, 600); break;
      case '--out': o.out = value(); break;
      default:
        console.error(`soak: unknown option ${name}\nusage: npm run soak -- [--minutes N | --seconds N] [--clients 200] [--churn 10] [--processes 3] [--rate 1000] [--warmup 12] [--load-warmup 10] [--out report.json]`);
        process.exit(2);
    }
  }
  return o;
}
