/**
 * The publishing side every Node contender shares, shaped like the seed peer's
 * `POST /publish?channel=C&n=N&size=S[&rate=R]`: data is "<i> <unix-nanos> <payload>".
 * A burst (no rate) publishes in one synchronous loop, as the seed's handler does; a paced run
 * publishes whatever is due on each ~1 ms timer tick, so the server is never kept busy by
 * the pacer itself (a spin loop would steal the CPU the contender needs).
 */
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

// Profiling runs only: every collection's pause, for `GET /gc-stats` (what a latency tail is
// made of; a CPU profile's samples cannot time a pause shorter than their interval).
const gcPauses = [];
const GC_KINDS = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weak callbacks' }; // perf_hooks' NODE_PERFORMANCE_GC_* flags
if (process.env.BENCH_CPU_PROF) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ ms: e.duration, kind: GC_KINDS[e.detail?.kind] ?? 'other' });
  }).observe({ entryTypes: ['gc'] });
}

/** Wall-clock unix time in nanoseconds with microsecond precision (same clock as the load client). */
export function unixNanos() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) * 1000;
}

/** Parse the query of a publish request. */
export function publishParams(url) {
  const q = new URL(url, 'http://x').searchParams;
  return {
    channel: q.get('channel') ?? 'bench',
    n: Number(q.get('n') ?? 0),
    size: Number(q.get('size')) > 0 ? Number(q.get('size')) : 64,
    rate: Number(q.get('rate') ?? 0),
  };
}

/** Publish n messages through `send(data)`; resolves with the seed's response shape. */
export function publishLoop({ n, size, rate }, send) {
  const payload = 'x'.repeat(size);
  const start = performance.now();
  const done = () => ({ sent: n, errors: 0, ms: Number((performance.now() - start).toFixed(3)) });
  if (!(rate > 0)) {
    for (let i = 0; i < n; i++) send(`${i} ${unixNanos()} ${payload}`);
    return Promise.resolve(done());
  }
  return new Promise((resolve) => {
    let i = 0;
    const tick = () => {
      const due = Math.min(n, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; i < due; i++) send(`${i} ${unixNanos()} ${payload}`);
      if (i >= n) resolve(done());
      else setTimeout(tick, 1);
    };
    tick();
  });
}

/** Answer the bench's HTTP endpoints; returns true when it handled the request. */
export function handleBenchRequest(req, res, send) {
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'POST' && path === '/publish') {
    const params = publishParams(req.url);
    publishLoop(params, (data) => send(params.channel, data)).then((result) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(result));
    });
    return true;
  }
  if (path === '/heap-snapshot' && process.env.BENCH_CPU_PROF) {
    // Profiling runs only: a heap snapshot into the profile folder (bench/heap-summary.mjs
    // compares two), named by the caller; collected first, so that only live objects count.
    const name = (new URL(req.url ?? '', 'http://x').searchParams.get('name') ?? 'heap').replace(/[^A-Za-z0-9._-]+/g, '-');
    globalThis.gc?.();
    const file = writeHeapSnapshot(join(process.env.BENCH_CPU_PROF, `${name}.heapsnapshot`));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ file }));
    return true;
  }
  if (path === '/gc-stats') {
    // The pauses since the last call: count, total, longest, and how many took 1 ms or more.
    const pauses = gcPauses.splice(0);
    const ms = pauses.map((p) => p.ms);
    const kinds = {};
    for (const p of pauses) kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
    const stats = { count: ms.length, totalMs: ms.reduce((a, b) => a + b, 0), maxMs: Math.max(0, ...ms), over1ms: ms.filter((p) => p >= 1).length, kinds };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(stats));
    return true;
  }
  if (path === '/gc') {
    // The servers run with --expose-gc: memory is read after a full collection, so that
    // garbage waiting for the collector is not billed to the connections.
    globalThis.gc?.();
    globalThis.gc?.();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(process.memoryUsage()));
    return true;
  }
  return false;
}
