#!/usr/bin/env node
/**
 * What the hub allocates per message in a steady phase, by call site: the bench hub started with
 * the inspector, V8's sampling heap profiler run over the phase with the objects that the
 * collector later freed included (they are the garbage the latency tail waits on), and the
 * bytes of each site's last three frames divided by the messages published.
 * usage: node bench/alloc-profile.mjs [--subscribers 10] [--rate 10000] [--n 20000] [--top 30] [--root CHECKOUT]
 * (the checkout built: `npx electron-vite build`)
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { TOKEN } from './contenders.mjs';
import { freePort, ROOT, startServer } from './lib/processes.mjs';
import { openSession } from './lib/session.mjs';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10' },
    rate: { type: 'string', default: '10000' },
    n: { type: 'string', default: '20000' },
    top: { type: 'string', default: '30' },
    root: { type: 'string', default: ROOT },
  },
});
const subscribers = Number(values.subscribers);
const rate = Number(values.rate);
const n = Number(values.n);
const top = Number(values.top);
const root = resolve(values.root);
const inspectPort = await freePort();

const contender = { client: 'hub', gc: false, start: () => startServer(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, resolve(root, 'out/main/bench.js'), '--token', TOKEN]) };
const session = await openSession(contender, subscribers);
const [target] = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
const cdp = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((r) => cdp.once('open', r));
let nextId = 0;
const waiting = new Map();
cdp.on('message', (raw) => {
  const m = JSON.parse(String(raw));
  waiting.get(m.id)?.(m.result);
  waiting.delete(m.id);
});
const call = (method, params = {}) => new Promise((r) => { waiting.set(++nextId, r); cdp.send(JSON.stringify({ id: nextId, method, params })); });

await call('HeapProfiler.enable');
await call('HeapProfiler.startSampling', { samplingInterval: 2048, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const measured = await session.measure({ n, size: 100, rate });
const { profile } = await call('HeapProfiler.stopSampling');
const bySite = new Map();
let total = 0;
const walk = (node, stack) => {
  const here = [...stack, `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`];
  if (node.selfSize > 0) {
    const site = here.slice(-3).reverse().join(' < ');
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const child of node.children) walk(child, here);
};
walk(profile.head, []);
console.log(`${subscribers} subscribers at ${rate}/s, ${n} messages (${root}): p99 ${measured.p99.toFixed(2)} ms, lost ${measured.lost}`);
console.log(`allocated ${(total / 2 ** 20).toFixed(1)} MB, ${(total / n).toFixed(0)} B a message; by site (last three frames, innermost first):`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(bytes / n).toFixed(0).padStart(7)} B  ${site}`);
cdp.close();
await session.close();
process.exit(0);
