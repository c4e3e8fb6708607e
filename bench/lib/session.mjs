/**
 * One contender under load: its server process, one load-client process with N subscribers on
 * channel "bench", and `measure()` for a publish (burst or paced) counted by sequence.
 */
import { TOKEN } from '../contenders.mjs';
import { cpuSeconds, http, sleep, startLoadClient } from './processes.mjs';

const CHANNEL = 'bench';

/** Start a contender and subscribe `subscribers` connections; resolves with `{ measure, close, server }`. */
export async function openSession(contender, subscribers) {
  const server = await contender.start();
  const client = startLoadClient();
  const close = async () => {
    await client.close();
    await server.stop();
  };
  try {
    await waitForHttp(server.port);
    const base = `ws://127.0.0.1:${server.port}`;
    const { connected, failed, firstError } = await client.call('connect', { kind: contender.client, base, token: TOKEN, count: subscribers, channel: CHANNEL });
    if (failed) throw new Error(`${connected} of ${subscribers} subscribers connected: ${firstError}`);
    await warmUp(server.port, client, subscribers);
  } catch (err) {
    await close();
    throw err;
  }

  /** Publish `n` messages of `size` bytes (at `rate` per second, or one burst) and count what arrived. */
  const measure = async ({ n, size = 100, rate = 0, idleMs = 1000, warmupMs = 0 }) => {
    if (warmupMs > 0 && rate > 0) {
      // A steady phase is measured in its steady state: first the same rate, unmeasured, with
      // 1-byte payloads that the client never counts (so a late one cannot hide a loss).
      await http(server.port, `/publish?channel=${CHANNEL}&n=${Math.ceil((rate * warmupMs) / 1000)}&size=1&rate=${rate}`, 'POST');
      await sleep(100);
    }
    await client.call('expect', { n });
    // Profiling runs: the Node servers' collector pauses during the measured phase.
    const gcStats = process.env.BENCH_CPU_PROF && contender.gc;
    if (gcStats) await http(server.port, '/gc-stats');
    const cpu0 = cpuSeconds(server.pid);
    const query = `channel=${CHANNEL}&n=${n}&size=${size}${rate ? `&rate=${rate}` : ''}`;
    const published = await http(server.port, `/publish?${query}`, 'POST');
    const maxMs = Math.max(15_000, (n / (rate || n)) * 1000 * 3);
    const result = await client.call('finish', { idleMs, maxMs });
    const cpu = cpuSeconds(server.pid) - cpu0;
    const gc = gcStats ? await http(server.port, '/gc-stats') : undefined;
    return { ...result, cpuSeconds: cpu, publishMs: published.ms, gc };
  };
  return { measure, close, server };
}

async function waitForHttp(port) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`nothing answers HTTP on port ${port}`);
}

// Subscriptions are not acknowledged the same way by every contender, so every one is probed
// alike: 1-byte messages are published until each connection has received one (the client does
// not count them), then stragglers get a moment to arrive.
async function warmUp(port, client, subscribers) {
  await client.call('warmReset');
  const deadline = Date.now() + 15_000;
  for (;;) {
    await http(port, `/publish?channel=${CHANNEL}&n=1&size=1`, 'POST');
    await sleep(50);
    const { warm } = await client.call('warmCount');
    if (warm >= subscribers) break;
    if (Date.now() > deadline) throw new Error(`only ${warm} of ${subscribers} subscribers got the warm-up probe`);
  }
  await sleep(200);
}

/** ", collector: 12 pauses (3 of 1 ms or more), longest 2.1 ms, 9.8 ms in all" (profiling runs), or "". */
export function gcText(gc) {
  if (!gc) return '';
  const kinds = Object.entries(gc.kinds ?? {}).map(([k, n]) => `${n} ${k}`).join(', ');
  return `, collector: ${gc.count} pauses (${kinds}; ${gc.over1ms} of 1 ms or more), longest ${gc.maxMs.toFixed(1)} ms, ${gc.totalMs.toFixed(1)} ms in all`;
}
