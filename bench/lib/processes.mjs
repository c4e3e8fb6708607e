/** Child processes of the bench: servers under test, load clients, and what /proc says about them. */
import { fork, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat counts CPU time in these ticks

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
}

/** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them ("2.10 1.95 1.80"). */
export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** Resident memory of a process, bytes. */
export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Spawn a server and wait until it prints a line matching `ready` (its first group is the
 * port). Resolves with `{ child, pid, port, match, output(), stop() }`.
 */
export function startServer(command, args, { ready = /listening (\d+)/, env = {}, cwd = ROOT, timeoutMs = 20_000 } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid) raiseFileLimit(child.pid);
  let out = '';
  const keep = (d) => {
    out += d.toString();
    if (out.length > 64_000) out = out.slice(-32_000); // a chatty server must not grow our memory
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${command} printed no ready line in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const match = ready.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.stderr.off('data', check);
      resolveStart({ child, pid: child.pid, port: Number(match[1]), match, output: () => out, stop, exited });
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}

/**
 * Raise a process's soft limit on open files to its hard limit (util-linux `prlimit`; Node has
 * no setrlimit): 10,000 connections need more descriptors than the usual soft 1,024, in the
 * server and in the load clients alike. Returns the soft limit now, or undefined.
 */
export function raiseFileLimit(pid) {
  const read = () => {
    const out = spawnSync('prlimit', ['--pid', String(pid), '--nofile', '--raw', '--noheadings', '--output', 'SOFT,HARD'], { encoding: 'utf8', timeout: 2000 });
    const [soft, hard] = (out.stdout ?? '').trim().split(/\s+/).map(Number);
    return out.status === 0 && Number.isFinite(soft) ? { soft, hard } : undefined;
  };
  const now = read();
  if (now && now.soft < now.hard) spawnSync('prlimit', ['--pid', String(pid), `--nofile=${now.hard}:${now.hard}`], { timeout: 2000 });
  return read()?.soft;
}

/** Fork the load client; `call(cmd, args)` resolves with its answer. */
export function startLoadClient() {
  const child = fork(resolve(ROOT, 'bench/load-client.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  raiseFileLimit(child.pid);
  let nextId = 0;
  const pending = new Map();
  child.on('message', (msg) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(msg.error));
  });
  child.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error('the load client exited'));
    pending.clear();
  });
  const call = (cmd, args = {}) =>
    new Promise((res, rej) => {
      const id = ++nextId;
      pending.set(id, { resolve: res, reject: rej });
      child.send({ id, cmd, ...args });
    });
  const close = async () => {
    if (child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    call('close').catch(() => {});
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  };
  return { child, call, close };
}

/** HTTP request to a contender's bench endpoint. */
export async function http(port, path, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sleep. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A loopback port that was free a moment ago (for servers that cannot report the port they got). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

let profileTag = '';
/**
 * Name the measurement that the next servers are started for ("steady-s10-hub-run1"): when the
 * run profiles, their profiles go to a folder of that name, so each one can be told apart.
 */
export function profileAs(tag) {
  profileTag = tag.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** Node options for a server under test: `--cpu-prof` into BENCH_CPU_PROF[/tag] when the run profiles. */
export function profileArgs() {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return [];
  // BENCH_CPU_PROF_INTERVAL (µs, V8's default 1000) samples finer, for short pauses.
  const interval = process.env.BENCH_CPU_PROF_INTERVAL ? ['--cpu-prof-interval', process.env.BENCH_CPU_PROF_INTERVAL] : [];
  return ['--cpu-prof', '--cpu-prof-dir', profileTag ? join(dir, profileTag) : dir, ...interval];
}
