/**
 * Scenario 3, ingest: a child process printing 100-byte lines as fast as it can, through the
 * supervisor and the hub (serve mode, the real product path) to one subscriber; against the raw
 * pipe (the same generator into /dev/null). Both are timed from the generator's first line, so
 * process start-up is left out of both.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOKEN } from '../contenders.mjs';
import { Figures, goals } from '../lib/figures.mjs';
import { cpuSeconds, profileArgs, ROOT, startLoadClient, startServer } from '../lib/processes.mjs';

const GOAL = 1_000_000;

/** Run the ingest scenario; resolves with its figures. */
export async function ingest({ runs, log, lines }) {
  const figures = new Figures('3. Ingest');
  const caseName = `${lines.toLocaleString('en-US')} lines of 100 B, generator → supervisor → hub → 1 subscriber`;
  figures.define('rate', { caseName, figure: 'lines/s end to end', ratio: false, goal: goals.atLeast(GOAL, '≥ 1,000,000 lines/s') });
  figures.define('pipe', { caseName, figure: 'raw pipe to /dev/null, lines/s', ratio: false });
  figures.define('share', { caseName, figure: 'end to end ÷ raw pipe', digits: 2, ratio: false, note: 'the ratio of each run, then the median' });
  figures.define('lost', { caseName, figure: 'lost (by sequence)', ratio: false, goal: goals.noLoss() });
  figures.define('p99', { caseName, figure: 'p99 line-to-subscriber latency', unit: 'ms', digits: 1, ratio: false });
  figures.define('cpu', { caseName, figure: 'server CPU (serve process)', unit: 's', digits: 2, ratio: false });
  figures.define('clientCpu', { caseName, figure: 'subscriber CPU (load client)', unit: 's', digits: 2, ratio: false });
  log(`ingest: ${caseName}`);
  for (let run = 0; run < runs; run++) {
    try {
      const pipe = await rawPipe(lines);
      const r = await throughHub(lines);
      figures.set('rate', 'hub', run, r.perSec);
      figures.set('pipe', 'hub', run, pipe);
      figures.set('share', 'hub', run, r.perSec / pipe);
      figures.set('lost', 'hub', run, r.lost);
      figures.set('p99', 'hub', run, r.p99);
      figures.set('cpu', 'hub', run, r.cpuSeconds);
      figures.set('clientCpu', 'hub', run, r.clientCpuSeconds);
      log(`  run ${run + 1}: ${Math.round(r.perSec)} lines/s (raw pipe ${Math.round(pipe)}), lost ${r.lost}, CPU serve ${r.cpuSeconds.toFixed(2)} s, subscriber ${r.clientCpuSeconds.toFixed(2)} s, span ${(r.spanMs / 1000).toFixed(2)} s${r.closes ? `, closes ${JSON.stringify(r.closes)}` : ''}`);
    } catch (err) {
      log(`  run ${run + 1}: failed: ${err.message.split('\n')[0]}`);
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
      if (m) resolvePipe(Number(m[1]) / (Number(m[2]) / 1000));
      else reject(new Error(`the generator failed: ${err}`));
    });
  });
}

/** Serve mode with the generator as a process; one subscriber counts every line by its number. */
async function throughHub(lines) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const server = await startServer(
    process.execPath,
    [...profileArgs(), resolve(ROOT, 'out/main/serve.js'), '--config', resolve(ROOT, 'bench/fixtures/ingest.yaml'), '--port', '0', '--token', TOKEN, '--token-file', join(dir, 'token')],
    { ready: /^Hub: ws:\/\/127\.0\.0\.1:(\d+)\/ws$/m, env: { LINES: String(lines) } },
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
    return { ...r, cpuSeconds: cpuSeconds(server.pid) - cpu0, clientCpuSeconds: cpuSeconds(client.child.pid) - clientCpu0, closes: Object.keys(r.closes).length ? r.closes : undefined };
  } finally {
    await client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
