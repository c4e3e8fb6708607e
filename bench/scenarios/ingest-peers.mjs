/**
 * The ingest scenario's peers, the tools a user would pick to run processes, on the very same
 * generator: `concurrently` (each line prefixed with the process's name, to a pipe the bench
 * reads and counts) and `pm2` (the line into its log file, counted in the file). Both timed as
 * Switchyard is: from the generator's first line (its stamp) to the last line arriving where
 * the tool puts it; CPU is the tool's own process (concurrently; pm2's daemon, which reads the
 * pipes and writes the logs), read from the first line on, so its start-up is left out.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LineTally, tallyFile } from '../lib/line-count.mjs';
import { cpuSeconds, ROOT, sleep } from '../lib/processes.mjs';

const GENERATOR = resolve(ROOT, 'bench/fixtures/line-generator.mjs');
const CONCURRENTLY = resolve(ROOT, 'node_modules/concurrently/dist/bin/concurrently.js');
const PM2 = resolve(ROOT, 'node_modules/pm2/bin/pm2');
/** What the generator writes per line: 100 bytes and the line feed. */
const LINE_BYTES = 101;
const TIMEOUT_MS = 120_000;

/** Why a peer cannot run here (not installed), or undefined. */
export const missingPeer = (name) => (existsSync(name === 'pm2' ? PM2 : CONCURRENTLY) ? undefined : `skipped: ${name} is not installed (npm install)`);

/**
 * `concurrently -n gen "node line-generator.mjs --lines N; sleep 30"`, its stdout read here.
 * The sleep keeps concurrently alive after the generator's last line, so that its CPU time can
 * still be read; it is killed then.
 */
export async function throughConcurrently(lines) {
  const child = spawn(process.execPath, [CONCURRENTLY, '--no-color', '-n', 'gen', `${process.execPath} ${GENERATOR} --lines ${lines}; sleep 30`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const tally = new LineTally(lines);
  let cpu0;
  try {
    const done = await new Promise((resolveDone, reject) => {
      const timer = setTimeout(() => resolveDone(false), TIMEOUT_MS);
      child.once('exit', (code) => reject(new Error(`concurrently exited (${code}) with ${tally.distinct} of ${lines} lines`)));
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        cpu0 ??= cpuSeconds(child.pid);
        if (tally.feed(chunk)) {
          clearTimeout(timer);
          resolveDone(true);
        }
      });
    });
    const cpu = cpuSeconds(child.pid) - (cpu0 ?? 0);
    return { perSec: tally.perSec(), lost: tally.lost, duplicates: tally.duplicates, cpuSeconds: cpu, complete: done, spanMs: tally.lastAt - tally.firstStampMs };
  } finally {
    child.stdout.removeAllListeners('data');
    child.removeAllListeners('exit');
    // concurrently passes the signal on to the shell running the generator and its sleep.
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
    clearTimeout(timer);
  }
}

/**
 * pm2 with a PM2_HOME of its own under `dir`: its daemon started first (`pm2 ping`), then
 * `pm2 start line-generator.mjs -o out.log`, the log file watched until it holds every line's
 * bytes, then counted line by line. The daemon is killed afterwards (`pm2 kill`, then its pid).
 */
export async function throughPm2(lines, dir) {
  const home = join(dir, 'pm2-home');
  mkdirSync(home, { recursive: true });
  const out = join(dir, 'pm2-out.log');
  const env = { ...process.env, PM2_HOME: home, PM2_DISCRETE_MODE: 'true' };
  const pm2 = (...args) => {
    const r = spawnSync(process.execPath, [PM2, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`pm2 ${args[0]} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-2).join(' ')}`);
    return r.stdout;
  };
  let daemon;
  try {
    pm2('ping');
    daemon = Number(readFileSync(join(home, 'pm2.pid'), 'utf8'));
    pm2('start', GENERATOR, '--name', 'gen', '--no-autorestart', '-o', out, '-e', join(dir, 'pm2-err.log'), '--', '--lines', String(lines));
    const want = lines * LINE_BYTES;
    const started = Date.now();
    let cpu0;
    let size = 0;
    let endMs = 0;
    let lastGrowth = Date.now();
    // The file is polled: pm2 says nothing when a line is written. 2 ms steps bound the error.
    while (size < want && Date.now() - started < TIMEOUT_MS && Date.now() - lastGrowth < 5000) {
      await sleep(2);
      const now = performance.timeOrigin + performance.now();
      const s = existsSync(out) ? statSync(out).size : 0;
      if (s > 0) cpu0 ??= cpuSeconds(daemon);
      if (s > size) {
        size = s;
        endMs = now;
        lastGrowth = Date.now();
      }
    }
    const cpu = cpuSeconds(daemon) - (cpu0 ?? 0);
    const tally = await tallyFile(out, lines);
    return { perSec: tally.perSec(endMs), lost: tally.lost, duplicates: tally.duplicates, cpuSeconds: cpu, complete: size >= want, spanMs: endMs - tally.firstStampMs };
  } finally {
    try {
      pm2('kill');
    } catch {
      // the daemon's pid below
    }
    if (daemon) {
      try {
        process.kill(daemon, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
