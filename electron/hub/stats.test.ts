// Statistics: the snapshot's fields, hub:stats while anyone listens, channel rates.
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from './hub';
import type { HubStats } from '../../shared/protocol';
import { RateMeter } from './stats';
import { startHub, TestClient, until } from './test-helpers';

describe('RateMeter', () => {
  it('measures messages per second from seq deltas', () => {
    const meter = new RateMeter();
    const info = (seq: number) => [{ name: 'x', subscribers: 0, seq, epoch: 'e', retained: 0, retainedBytes: 0 }];
    expect(meter.measure(info(10), 0)[0]?.ratePerSec).toBe(0);
    expect(meter.measure(info(30), 500)[0]?.ratePerSec).toBe(0);
    expect(meter.measure(info(60), 2000)[0]?.ratePerSec).toBe(25);
  });
});

describe('hub statistics', () => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.close();
  });

  it('publishes a full snapshot on hub:stats while someone is subscribed', async () => {
    const started = await startHub({ statsIntervalMs: 50 });
    hub = started.hub;
    const c = await TestClient.open(started.url);
    await c.subscribe('process:web');
    hub.sendProcessOutput('web', 'x', 'stdout');
    await c.subscribe('hub:stats');
    const event = await c.waitFor((m) => m.channel === 'hub:stats' && m.type === 'event');
    const stats = event.data as HubStats;
    expect(stats).toMatchObject({ clients: 1, channels: 2 });
    expect(stats.clientList[0]).toEqual({
      id: expect.any(String),
      userId: 'alice',
      role: 'operator',
      remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      connectedAt: expect.any(String),
      subscriptions: ['process:web', 'hub:stats'],
      subscriptionCount: 2,
      sent: expect.any(Number),
      dropped: 0,
      queuedBytes: expect.any(Number),
    });
    expect(stats.channelList.find((ch) => ch.name === 'process:web')).toEqual({
      name: 'process:web',
      subscribers: 1,
      seq: 1,
      epoch: expect.any(String),
      retained: 1,
      retainedBytes: expect.any(Number),
      ratePerSec: expect.any(Number),
    });
    expect(stats.engine).toEqual({ kind: 'memory', up: true });
    for (const key of ['slowConsumers', 'oversize', 'rateLimited', 'authFailures', 'originRejected', 'hostRejected', 'channelsEvicted']) {
      expect(stats.counters).toHaveProperty(key, expect.any(Number));
    }
    // Only the latest snapshot is retained, and the timer stops with the last subscriber.
    await c.waitFor((m) => m.channel === 'hub:stats' && (m.seq ?? 0) >= 3);
    expect(hub.engine.describe('hub:stats')?.retained).toBe(1);
    c.send({ type: 'unsubscribe', channel: 'hub:stats' });
    await until(() => hub?.channelSubscriberCount('hub:stats') === 0);
    const seq = hub.engine.describe('hub:stats')?.seq ?? 0;
    await new Promise((r) => setTimeout(r, 200));
    expect(hub.engine.describe('hub:stats')?.seq ?? 0).toBeLessThanOrEqual(seq + 1);
    c.ws.terminate();
  });
});
