/**
 * Scenario 4, idle connections: the server's resident memory grows by how much per idle,
 * authenticated connection (no subscription, no traffic)? Measured as the RSS after N
 * connections minus the RSS after a small warm-up set, divided by the difference, twice: right
 * after connecting, and after 10 s idle (the same wait for everyone). The Node servers are
 * collected (global.gc, twice) before each reading so that garbage is not billed to
 * connections. The connections come from two load-client processes, each with its soft limit on
 * open files raised to the hard one (as every server's is: lib/processes.mjs), 50 handshakes in
 * flight per client.
 */
import { mkdirSync } from 'node:fs';
import { TOKEN } from '../contenders.mjs';
import { Figures, goals } from '../lib/figures.mjs';
import { inRounds } from '../lib/rounds.mjs';
import { http, rssBytes, sleep, startLoadClient } from '../lib/processes.mjs';

const WARM = 50;
const GOAL_KB = 8;
/** Issue #20, goal 4: within this much of raw ws's in the same run. */
const WITHIN_RAW_KB = 1;
const SEED = { of: 'hub', to: 'seed' };
const RAW = { of: 'hub', to: 'raw', op: 'diff' };
/** Idle time before the settled reading (quick mode passes less: its figure is then rougher). */
const SETTLE_S = 10;

/** Run the connections scenario with `count` connections per contender. */
export async function connections({ runs, contenders, log, count, settleSeconds = SETTLE_S, peerRuns = runs }) {
  const figures = new Figures('4. Idle connections');
  const caseName = `${count.toLocaleString('en-US')} idle authenticated connections`;
  figures.define('kb', {
    caseName,
    figure: 'server RSS per connection, just connected',
    unit: 'KB',
    digits: 1,
    note: 'read 0.5 s after the last connection: Node heaps still hold the space the connection burst grew them by',
  });
  figures.define('settled', {
    caseName,
    figure: `server RSS per connection, idle ${settleSeconds} s`,
    unit: 'KB',
    digits: 1,
    pairs: [SEED, RAW],
    goals: [
      { text: `≤ ${GOAL_KB} KB`, met: (_v, _r, m) => (m.hub === null || m.hub === undefined ? null : m.hub <= GOAL_KB) },
      goals.paired([RAW], (d) => d <= WITHIN_RAW_KB, `within ${WITHIN_RAW_KB} KB of raw ws`, { issue: 4 }),
    ],
    note: `read after ${settleSeconds} s without traffic, the same wait for every contender: V8's memory reducer has then returned the burst's heap (Go's runtime returns it later)`,
  });
  figures.define('heap', {
    caseName,
    figure: 'live JS heap per connection (Node servers)',
    unit: 'KB',
    digits: 2,
    pairs: [RAW],
    note: 'heapUsed after a full collection: what the connections keep alive, without the heap the collector reserved around it',
  });
  figures.define('accepted', { caseName, figure: 'connections accepted (open after the idle wait)', ratio: false, goal: goals.atLeast(count, `all ${count.toLocaleString('en-US')}`, { issue: 4 }) });
  figures.define('failed', { caseName, figure: 'connections refused', ratio: false });
  log(`connections: ${caseName}`);
  // The seed and Socket.IO (no goal of #20 compares with them here) may run fewer times than
  // Switchyard and raw ws, whose difference is goal 4: 10,000 handshakes and the idle wait take a while.
  const runsOf = Object.fromEntries(Object.keys(contenders).filter((c) => c !== 'hub' && c !== 'raw').map((c) => [c, peerRuns]));
  await inRounds({ runs, contenders, log, tag: 'connections', runsOf, onSkip: (name, reason) => figures.skip('settled', name, reason) }, async (name, contender, run) => {
    const server = await contender.start();
    const clients = [startLoadClient(), startLoadClient()];
    try {
      await sleep(100);
      const base = `ws://127.0.0.1:${server.port}`;
      const connect = (client, n) => client.call('connect', { kind: contender.client, base, token: TOKEN, count: n, channel: null, parallel: 50 });
      await connect(clients[0], WARM);
      const before = await settled(server, contender);
      await snapshot(server, contender, `connections-${name}-run${run + 1}-before`);
      const half = Math.floor((count - WARM) / 2);
      const results = await Promise.all([connect(clients[0], half), connect(clients[1], count - WARM - half)]);
      const connected = results.reduce((sum, r) => sum + r.connected, 0) - WARM;
      const failed = results.reduce((sum, r) => sum + r.failed, 0);
      const per = (bytes) => bytes / Math.max(1, connected) / 1024;
      const after = await settled(server, contender);
      await sleep(settleSeconds * 1000 - 700);
      const idle = await settled(server, contender, 0);
      await snapshot(server, contender, `connections-${name}-run${run + 1}-after`);
      figures.set('kb', name, run, per(after.rss - before.rss));
      figures.set('settled', name, run, per(idle.rss - before.rss));
      if (idle.heap !== undefined) figures.set('heap', name, run, per(idle.heap - before.heap));
      // Accepted means open still, after the idle wait (an idle timeout would have closed them).
      const open = (await Promise.all(clients.map((c) => c.call('warmCount')))).reduce((sum, r) => sum + r.open, 0);
      figures.set('accepted', name, run, open);
      figures.set('failed', name, run, failed);
      log(`  ${name} run ${run + 1}: ${per(after.rss - before.rss).toFixed(2)} KB per connection, ${per(idle.rss - before.rss).toFixed(2)} KB after ${settleSeconds} s idle (${connected + WARM} connected, ${failed} refused, ${open} open at the end)`);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.stop();
    }
  });
  return figures.summarize();
}

async function settled(server, contender, wait = 500) {
  await sleep(wait);
  const memory = contender.gc ? await http(server.port, '/gc') : undefined;
  await sleep(200);
  return { rss: rssBytes(server.pid), heap: memory?.heapUsed };
}

// Profiling runs only: a heap snapshot of a Node server (bench/heap-summary.mjs compares them).
// Taken after the reading, so that writing it does not change the figure.
async function snapshot(server, contender, name) {
  if (!process.env.BENCH_CPU_PROF || !contender.gc) return;
  mkdirSync(process.env.BENCH_CPU_PROF, { recursive: true });
  await http(server.port, `/heap-snapshot?name=${name}`);
}
