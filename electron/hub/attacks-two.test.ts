// Trust, round two (TRUST.md), the hub's items: what a viewer or a careless operator sends must
// not take the hub's memory, its channel table, its statistics or the processes' output with it.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubStats, ProcessListEvent } from '../../shared/protocol';
import type { Hub, HubOptions } from './hub';
import { startHub, TestClient, until, VIEWER_TOKEN } from './test-helpers';

let hub: Hub | undefined;
let url = '';
const clients: TestClient[] = [];

async function setup(options: HubOptions = {}): Promise<Hub> {
  const started = await startHub(options);
  hub = started.hub;
  url = started.url;
  return started.hub;
}

async function open(token?: string, protocols?: string[]): Promise<TestClient> {
  const c = await TestClient.open(url, token === undefined ? { protocols } : { token, protocols });
  clients.push(c);
  return c;
}

/** Stop reading: the client's socket no longer takes data, as a frozen tab or a hostile script. */
function stopReading(client: TestClient): void {
  (client.ws as unknown as { _socket: Socket })._socket.pause();
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await hub?.close();
  hub = undefined;
});

describe('replay amplification (item 2)', () => {
  it('hundreds of subscribes with since 0 for a full channel, never read: one replay, paced, memory bounded, others answered', async () => {
    const h = await setup({ retention: { maxMessages: 10_000, maxBytes: 64 * 1024 * 1024 } });
    const line = 'x'.repeat(1000);
    for (let i = 0; i < 10_000; i += 500) await h.sendProcessOutput('web', line).then(() => Promise.all(Array.from({ length: 499 }, () => h.sendProcessOutput('web', line))));
    const healthy = await open();
    const attacker = await open(VIEWER_TOKEN, ['switchyard.v1']);
    stopReading(attacker);
    const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().external;
    const burst = Array.from({ length: 300 }, () => JSON.stringify({ type: 'subscribe', channel: 'process:web', since: 0 })).join('\n');
    attacker.send(burst);
    await until(() => h.stats().clientList.some((c) => c.role === 'viewer' && c.subscriptionCount === 1), 'the attacker subscribed');
    await new Promise((r) => setTimeout(r, 500));
    // The replay waits for the client to read: its queue stays within its bound (4 MiB) plus a page.
    const queued = h.stats().clientList.find((c) => c.role === 'viewer')?.queuedBytes ?? 0;
    expect(queued).toBeLessThanOrEqual(4 * 1024 * 1024 + 256 * 1024 + 64 * 1024);
    const grown = process.memoryUsage().heapUsed + process.memoryUsage().external - heapBefore;
    expect(grown).toBeLessThan(64 * 1024 * 1024); // 300 copies of 10 MB would be 3 GB
    // Everyone else is served.
    healthy.send({ type: 'ping' });
    await healthy.waitFor((m) => m.type === 'pong', 5000);
    expect(h.stats().counters.slowConsumers).toBe(0);
  });
});

describe('channel table (item 3)', () => {
  it("a viewer fills the client channels; the hub's channels still work, nothing is evicted, and a refused publish is said", async () => {
    const h = await setup({ maxChannels: 50 });
    await h.sendProcessOutput('web', 'before');
    const viewer = await open(VIEWER_TOKEN);
    for (let i = 0; i < 80; i++) viewer.send({ type: 'subscribe', channel: `junk-${i}` });
    await until(() => viewer.messages.filter((m) => m.type === 'subscribed' || m.type === 'error').length >= 80, 'eighty answers');
    expect(viewer.messages.filter((m) => m.type === 'error' && String(m.data).includes('too many channels')).length).toBe(30);
    // A new client still gets the hub's channels, the process's history included.
    const fresh = await open(VIEWER_TOKEN);
    expect((await fresh.subscribe('process:web', { since: 0 })).data).toMatchObject({ recovered: true });
    await fresh.waitFor((m) => m.type === 'process_output' && m.data === 'before');
    expect((await fresh.subscribe('processes')).type).toBe('subscribed');
    await h.sendProcessOutput('web', 'after');
    await fresh.waitFor((m) => m.data === 'after');
    expect(h.stats().counters).toMatchObject({ channelsEvicted: 0, publishFailures: 0 });
  });

  it('an operator publishing to new channels past the engine cap is told, never silently dropped', async () => {
    const h = await setup({ maxChannels: 5 });
    const operator = await open();
    for (let i = 0; i < 5; i++) await operator.subscribe(`held-${i}`);
    for (let i = 0; i < 5; i++) operator.send({ type: 'publish', channel: `held-${i}`, data: i });
    operator.send({ type: 'publish', channel: 'one-too-many', data: 'x' });
    const refusal = await operator.waitFor((m) => m.type === 'error' && String(m.data).includes('one-too-many'));
    expect(String(refusal.data)).toMatch(/too many channels/);
    expect(h.stats().counters.publishFailures).toBe(1);
  });
});

describe('statistics amplification (item 4)', () => {
  it('thirty clients with a thousand long channel names each: a snapshot stays small and a dashboard keeps it', async () => {
    const h = await setup({ statsIntervalMs: 100, maxChannels: 40_000, rateLimit: { perSecond: 100_000, burst: 100_000 } });
    const name = (c: number, i: number) => `c${c}-${'n'.repeat(180)}-${i}`;
    for (let c = 0; c < 30; c++) {
      const client = await open(VIEWER_TOKEN, ['switchyard.v1']);
      for (let i = 0; i < 1000; i += 200) {
        client.send(Array.from({ length: 200 }, (_, k) => JSON.stringify({ type: 'subscribe', channel: name(c, i + k) })).join('\n'));
      }
    }
    await until(() => h.stats().clientList.filter((c) => c.subscriptionCount === 1000).length === 30, 'every subscription', 20_000);
    const size = JSON.stringify(h.stats()).length;
    expect(size).toBeLessThan(512 * 1024); // the unbounded snapshot was 6 MiB, past a client's queue
    const stats = h.stats() as HubStats;
    expect(stats.clientList.every((c) => c.subscriptions.length <= 10)).toBe(true);
    expect(stats.channels).toBeGreaterThan(stats.channelList.length);
    const dashboard = await open(VIEWER_TOKEN, ['switchyard.v1']);
    await dashboard.subscribe('hub:stats');
    await until(() => dashboard.on('hub:stats', 'event').length >= 3, 'three snapshots', 10_000);
    expect(dashboard.ws.readyState).toBe(dashboard.ws.OPEN);
  }, 60_000);
});

describe('a client that does not read (item 5)', () => {
  it('a stuck viewer never holds the producers; it is cut at its bound and may recover', async () => {
    const h = await setup({ maxQueueBytes: 512 * 1024 });
    const viewer = await open(VIEWER_TOKEN);
    await viewer.subscribe('process:chatty');
    stopReading(viewer);
    const line = 'y'.repeat(1000);
    let congestedSeen = false;
    // Past what the kernel's socket buffers hold on loopback (several MiB), then past the bound.
    for (let i = 0; i < 60_000 && h.stats().counters.slowConsumers === 0; i++) {
      void h.sendProcessOutput('chatty', line);
      if (h.isCongested()) congestedSeen = true;
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(congestedSeen).toBe(false);
    await until(() => h.stats().counters.slowConsumers === 1, 'the viewer cut at its bound', 10_000);
  });

  it('a stuck operator holds them only until it is seen stalled, and not again after a reconnect', async () => {
    const h = await setup({ maxQueueBytes: 4 * 1024 * 1024, holdStallMs: 200, holdPenaltyMs: 30_000 });
    const stuck = await open();
    await stuck.subscribe('process:chatty');
    stopReading(stuck);
    const line = 'z'.repeat(1000);
    // Enough to fill the kernel's buffers and pass half the queue (2 MiB), not the bound.
    for (let i = 0; i < 60_000 && !h.isCongested(); i++) {
      void h.sendProcessOutput('chatty', line);
      if (i % 100 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(h.isCongested()).toBe(true);
    await until(() => !h.isCongested(), 'the stalled holder released', 5000);
    expect(h.stats().counters.pressureReleased).toBe(1);
    stuck.ws.terminate();
    // The same user from the same address, again: no hold for its penalty.
    const again = await open();
    await again.subscribe('process:chatty');
    stopReading(again);
    let held = false;
    for (let i = 0; i < 60_000 && again.ws.readyState === again.ws.OPEN; i++) {
      void h.sendProcessOutput('chatty', line);
      if (h.isCongested()) held = true;
      if (i % 100 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(held).toBe(false);
  });
});

describe('nothing takes a seq without a message (item 12)', () => {
  it('a publish nested 20,000 deep is refused before numbering: the publisher stays, subscribers see no gap', async () => {
    await setup();
    const operator = await open();
    const reader = await open();
    await reader.subscribe('deep');
    let nested = '1';
    for (let i = 0; i < 20_000; i++) nested = `[${nested}]`;
    operator.send(`{"type":"publish","channel":"deep","data":${nested}}`);
    const refusal = await operator.waitFor((m) => m.type === 'error');
    expect(String(refusal.data)).toMatch(/nested deeper/);
    operator.send({ type: 'publish', channel: 'deep', data: 'fine' });
    const got = await reader.waitFor((m) => m.type === 'publish');
    expect(got).toMatchObject({ data: 'fine', seq: 1 });
    expect(operator.ws.readyState).toBe(operator.ws.OPEN);
  });
});

describe('a global retention budget (item 13)', () => {
  it('operator publishes of 60 KB to many channels stay within the budget; process output is kept', async () => {
    const h = await setup({ maxRetainedBytes: 8 * 1024 * 1024 });
    for (let i = 0; i < 100; i++) await h.sendProcessOutput('web', `line ${i}`);
    const operator = await open();
    const big = 'b'.repeat(60 * 1024);
    for (let c = 0; c < 40; c++) for (let i = 0; i < 10; i++) operator.send({ type: 'publish', channel: `bulk-${c}`, data: big });
    await until(() => h.stats().counters.published >= 100 + 400, 'every publish', 20_000);
    let retained = 0;
    for (const name of h.engine.channelNames()) retained += h.engine.describe(name)?.retainedBytes ?? 0;
    expect(retained).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(h.engine.describe('process:web')?.retained).toBe(100);
    expect(h.stats().counters.retentionEvicted).toBeGreaterThan(0);
  });
});

describe('subscribing says what is there (issue 14)', () => {
  it('a subscribe to a process that does not exist is flagged; the processes channel gives its latest list at once', async () => {
    const h = await setup();
    h.setProcessLookup((id) => id === 'web');
    for (let n = 1; n <= 3; n++) h.publishEvent('processes', { kind: 'list', processes: [] , n } as unknown as ProcessListEvent);
    await until(() => (h.engine.describe('processes')?.seq ?? 0) === 3, 'three lists');
    const c = await open();
    expect((await c.subscribe('process:wbe')).data).toMatchObject({ exists: false });
    expect((await c.subscribe('process:web')).data).not.toHaveProperty('exists');
    await c.subscribe('processes');
    const first = await c.waitFor((m) => m.channel === 'processes' && m.type === 'event');
    expect(first).toMatchObject({ seq: 3, data: { n: 3 } });
    const replayed = await open();
    await replayed.subscribe('processes', { since: 0 });
    await replayed.waitFor((m) => m.channel === 'processes' && m.type === 'event');
    await new Promise((r) => setTimeout(r, 100));
    expect(replayed.on('processes', 'event').map((m) => m.seq)).toEqual([3]); // not every old snapshot
  });
});
