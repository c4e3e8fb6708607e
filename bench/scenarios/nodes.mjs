/**
 * Scenario 6, several machines: the fan-out of one channel through three nodes sharing a Redis
 * against one node, and what a publish costs on the Redis engine. Three set-ups, each with 300
 * subscribers: one node on the in-memory engine (the baseline), one node on the Redis engine
 * (the engine's own cost), three nodes on one Redis with 100 subscribers each (the publisher on
 * the first). A burst of 2,000 × 100 B and a paced 1,000 msg/s for 3 s, counted by sequence as
 * everywhere. CPU per publish is the publishing node's (and redis-server's) CPU time over the
 * messages published. Needs Debian's redis-server; skipped with the reason without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOKEN } from '../contenders.mjs';
import { Figures } from '../lib/figures.mjs';
import { cpuSeconds, freePort, http, profileArgs, ROOT, sleep, startLoadClient, startServer } from '../lib/processes.mjs';

const CHANNEL = 'bench';
const SUBSCRIBERS = 300;
const SETUPS = [
  { id: 'memory1', name: 'one node, in memory', nodes: 1, redis: false },
  { id: 'redis1', name: 'one node, Redis engine', nodes: 1, redis: true },
  { id: 'redis3', name: 'three nodes, one Redis', nodes: 3, redis: true },
];
const CASES = [
  { id: 'burst', name: `${SUBSCRIBERS} subscribers, burst of 2,000 × 100 B`, n: 2000, rate: 0 },
  { id: 'paced', name: `${SUBSCRIBERS} subscribers, 1,000 msg/s for 3 s`, n: 3000, rate: 1000 },
];

/** Why the scenario cannot run here, or undefined. */
function missing() {
  return spawnSync('redis-server', ['--version']).status === 0 ? undefined : 'skipped: no redis-server (apt-get install -y redis-server)';
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => (out += d) && out.includes('Ready to accept connections') && ok());
    child.once('exit', (code) => fail(new Error(`redis-server exited (${code})`)));
  });
  return { port, pid: child.pid, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGKILL'))) };
}

/** One set-up: its nodes, its subscribers, and `measure()`. */
async function openSetup(setup, redis) {
  const servers = [];
  const client = startLoadClient();
  const close = async () => {
    await client.close();
    for (const s of servers) await s.stop();
  };
  try {
    const prefix = `bench-${setup.id}-${Date.now()}:`; // the set-up's nodes share it; no run meets another's keys
    for (let i = 0; i < setup.nodes; i++) {
      const engine = setup.redis ? ['--engine', `redis://127.0.0.1:${redis.port}?prefix=${prefix}`, '--node', `n${i}`] : [];
      servers.push(await startServer(process.execPath, ['--expose-gc', ...profileArgs(), resolve(ROOT, 'out/main/bench.js'), '--token', TOKEN, ...engine]));
    }
    const per = SUBSCRIBERS / setup.nodes;
    for (const s of servers) {
      const r = await client.call('connect', { kind: 'hub', base: `ws://127.0.0.1:${s.port}`, token: TOKEN, count: per, channel: CHANNEL });
      if (r.failed) throw new Error(`${r.connected} subscribers connected: ${r.firstError}`);
    }
    // Every subscription in place (on every node) before anything is measured.
    await client.call('warmReset');
    const deadline = Date.now() + 15_000;
    for (;;) {
      await http(servers[0].port, `/publish?channel=${CHANNEL}&n=1&size=1`, 'POST');
      await sleep(50);
      if ((await client.call('warmCount')).warm >= SUBSCRIBERS) break;
      if (Date.now() > deadline) throw new Error('not every subscriber got the warm-up probe');
    }
    await sleep(200);
  } catch (err) {
    await close();
    throw err;
  }
  const measure = async ({ n, rate }) => {
    await client.call('expect', { n });
    const cpu0 = cpuSeconds(servers[0].pid);
    const redis0 = setup.redis ? cpuSeconds(redis.pid) : 0;
    await http(servers[0].port, `/publish?channel=${CHANNEL}&n=${n}&size=100${rate ? `&rate=${rate}` : ''}`, 'POST');
    // A node on Redis answers later than one in memory: a longer quiet spell before a run counts as over.
    const result = await client.call('finish', { idleMs: 3000, maxMs: 30_000 });
    return {
      ...result,
      cpuPerPublishUs: ((cpuSeconds(servers[0].pid) - cpu0) / n) * 1e6,
      redisPerPublishUs: setup.redis ? ((cpuSeconds(redis.pid) - redis0) / n) * 1e6 : null,
    };
  };
  return { measure, close };
}

/** Run the scenario; resolves with its figures. */
export async function nodes({ runs, log }) {
  const figures = new Figures('6. Several machines (Redis)');
  for (const c of CASES) {
    figures.define(`${c.id}.rate`, { caseName: c.name, figure: 'delivered/s', digits: 0, ratio: false });
    figures.define(`${c.id}.lost`, { caseName: c.name, figure: 'lost (by sequence)', ratio: false });
    figures.define(`${c.id}.p50`, { caseName: c.name, figure: 'p50 latency', unit: 'ms', digits: 1, ratio: false });
    figures.define(`${c.id}.p99`, { caseName: c.name, figure: 'p99 latency', unit: 'ms', digits: 1, ratio: false });
    figures.define(`${c.id}.cpu`, { caseName: c.name, figure: 'publishing node CPU per message', unit: 'µs', digits: 1, ratio: false });
    figures.define(`${c.id}.redis`, { caseName: c.name, figure: 'redis-server CPU per message', unit: 'µs', digits: 1, ratio: false });
  }
  const reason = missing();
  if (reason) {
    for (const c of CASES) for (const s of SETUPS) figures.skip(`${c.id}.rate`, s.id, reason);
    log(`nodes: ${reason}`);
    return figures.summarize();
  }
  const redis = await startRedis();
  try {
    for (let run = 0; run < runs; run++) {
      for (const setup of SETUPS) {
        log(`nodes: ${setup.name}, run ${run + 1}`);
        let session;
        try {
          session = await openSetup(setup, redis);
          for (const c of CASES) {
            const r = await session.measure(c);
            figures.set(`${c.id}.rate`, setup.id, run, r.perSec);
            figures.set(`${c.id}.lost`, setup.id, run, r.lost);
            figures.set(`${c.id}.p50`, setup.id, run, r.p50);
            figures.set(`${c.id}.p99`, setup.id, run, r.p99);
            figures.set(`${c.id}.cpu`, setup.id, run, r.cpuPerPublishUs);
            if (r.redisPerPublishUs !== null) figures.set(`${c.id}.redis`, setup.id, run, r.redisPerPublishUs);
            log(`  ${c.id}: ${Math.round(r.perSec)}/s, lost ${r.lost}, p50 ${r.p50?.toFixed(1)} ms, p99 ${r.p99?.toFixed(1)} ms, ${r.cpuPerPublishUs.toFixed(1)} µs/msg on the node${r.redisPerPublishUs !== null ? `, ${r.redisPerPublishUs.toFixed(1)} µs/msg in Redis` : ''}`);
          }
        } catch (err) {
          log(`  failed: ${err.message.split('\n')[0]}`);
        } finally {
          await session?.close();
        }
      }
    }
  } finally {
    await redis.stop();
  }
  return figures.summarize();
}
