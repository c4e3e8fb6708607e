// The Redis engine against a real redis-server on a free port: the engine contract with two nodes
// on one Redis, then what only a shared engine does (refusing an unsafe Redis, passwords that
// never show, publishes buffered while Redis is down, pub/sub connections killed, retries applied once).
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../shared/test-support/until';
import type { ChannelEngine, EngineEvents, Publication, RetentionLimits } from '../../hub/engine';
import { describeEngineContract } from '../../hub/engine-contract';
import { RedisEngine } from './redis-engine';
import { RedisLink } from './redis-link';
import { PUBLISH_SCRIPT } from './redis-scripts';
import { parseEngineUrl } from './redis-url';
import { REDIS_MISSING, RedisTestServer } from './test-support/redis-test-server';

const BIG: RetentionLimits = { maxMessages: 10_000, maxBytes: 8 * 1024 * 1024 };
const msg = (text: string): Buffer => Buffer.from(JSON.stringify({ type: 'event', data: text }));
const text = (p: Publication): string => (JSON.parse(p.data.toString()) as { data: string }).data;
let serial = 0;
const fresh = (base: string): string => `${base}-${process.pid}-${++serial}`;

function engineOn(url: string, node = `n${++serial}`, extra: Partial<ConstructorParameters<typeof RedisEngine>[0]> = {}): RedisEngine {
  return new RedisEngine({ link: new RedisLink({ url: parseEngineUrl(url), maxRetryDelayMs: 100 }), node, ...extra });
}

describe.skipIf(REDIS_MISSING !== undefined)(`Redis engine${REDIS_MISSING ? ` (skipped: ${REDIS_MISSING})` : ''}`, () => {
  let server: RedisTestServer;
  const open: ChannelEngine[] = [];
  const started = async (engine: RedisEngine, events: EngineEvents = { publications: () => {} }): Promise<RedisEngine> => {
    open.push(engine);
    await engine.start(events);
    return engine;
  };

  beforeAll(async () => {
    server = await RedisTestServer.start();
  });
  afterEach(async () => {
    for (const engine of open.splice(0)) await engine.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describeEngineContract('redis (two nodes on one Redis)', {
    shared: true,
    propertyRuns: 25,
    async node(events) {
      const engine = engineOn(server.url);
      await engine.start(events);
      return engine;
    },
  });

  it('refuses a Redis that could hand out seqs again or evict, saying what to change', async () => {
    const cases: [string[], RegExp][] = [
      [['--save', '60 1'], /RDB snapshots.*save ""[^]*appendfsync always/],
      [['--appendonly', 'yes', '--appendfsync', 'everysec'], /synced "everysec"[^]*appendfsync always/],
      [['--maxmemory-policy', 'allkeys-lru'], /maxmemory-policy is "allkeys-lru"[^]*noeviction/],
    ];
    for (const [args, reason] of cases) {
      const unsafe = await RedisTestServer.start({ args });
      try {
        const engine = engineOn(unsafe.url);
        await expect(engine.start({ publications: () => {} })).rejects.toThrow(reason);
        await engine.close();
      } finally {
        await unsafe.stop();
      }
    }
    // Durable is fine: an append-only file synced at every write.
    const durable = await RedisTestServer.start({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    try {
      await started(engineOn(durable.url));
    } finally {
      for (const engine of open.splice(0)) await engine.close();
      await durable.stop();
    }
  });

  it('takes a password in the URL and never shows it: not in errors, health or the printable URL', async () => {
    const secret = 'hunter2-s3cret';
    const locked = await RedisTestServer.start({ args: ['--requirepass', secret] });
    try {
      const url = `redis://:${secret}@127.0.0.1:${locked.port}`;
      expect(parseEngineUrl(url).display).toBe(`redis://:***@127.0.0.1:${locked.port}`);
      const engine = await started(engineOn(url));
      expect((await engine.publish(fresh('pw'), [msg('in')], { retention: BIG })).seq).toBe(1);
      const wrong = engineOn(`redis://:not-${secret}@127.0.0.1:${locked.port}`);
      const failure = await wrong.start({ publications: () => {} }).then(
        () => '',
        (err: Error) => err.message,
      );
      await wrong.close();
      expect(failure).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
      expect(failure).not.toContain(secret);
      await locked.kill();
      await until(() => !engine.health().up, 'health down');
      expect(JSON.stringify(engine.health())).not.toContain(secret);
      expect(engine.health().reason).toMatch(/unreachable/);
    } finally {
      await locked.stop();
    }
  });

  it('buffers publishes while Redis is down, up to the bound; past it they are lost and counted; a restarted Redis starts a new epoch', async () => {
    const flaky = await RedisTestServer.start();
    try {
      const got: { epoch: string; seq: number; data: string }[] = [];
      const engine = await started(engineOn(flaky.url, 'flaky', { maxBufferedMessages: 5 }), {
        publications: (_c, epoch, pubs) => got.push(...pubs.map((p) => ({ epoch, seq: p.seq, data: text(p) }))),
      });
      const x = fresh('x');
      await engine.subscribe(x);
      const before = await engine.publish(x, [msg('before')], { retention: BIG });
      await flaky.kill();
      await until(() => !engine.health().up, 'health down');
      const waiting = [1, 2, 3, 4, 5].map((i) => engine.publish(x, [msg(`during ${i}`)], { retention: BIG }));
      // Should an expectation below fail, these are refused at close: that is not a second failure.
      for (const w of waiting) w.catch(() => {});
      await expect(engine.publish(x, [msg('one too many')], { retention: BIG })).rejects.toThrow(/these 1 are lost/);
      expect(engine.health()).toMatchObject({ up: false, buffered: 5, lost: 1 });
      await expect(engine.history(x, { since: 0, limit: 10 })).rejects.toThrow(/unreachable/);
      await flaky.restart();
      const positions = await Promise.all(waiting);
      expect(positions.map((p) => p.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(positions[0]?.epoch).not.toBe(before.epoch);
      // Pub/sub may deliver them before the subscriber is back (then they are lost in transit): at
      // least the latest arrives, whose seq shows the hub what to read from history.
      await until(() => got.some((g) => g.data === 'during 5'), 'the latest buffered publication delivered');
      expect(got.filter((g) => g.epoch === positions[0]?.epoch).map((g) => g.seq)).toContain(5);
      const page = await engine.history(x, { since: 0, limit: 10 });
      expect(page.publications.map(text)).toEqual(['during 1', 'during 2', 'during 3', 'during 4', 'during 5']);
      await until(() => engine.health().up, 'health up');
      expect(engine.health()).toMatchObject({ up: true, buffered: 0, lost: 1 });
    } finally {
      await flaky.stop();
    }
  });

  it('after CLIENT KILL TYPE pubsub it resubscribes and hands over the latest publication, so nothing is missed', async () => {
    const got: number[] = [];
    const listener = await started(engineOn(server.url), { publications: (_c, _e, pubs) => got.push(...pubs.map((p) => p.seq)) });
    const publisher = await started(engineOn(server.url));
    const x = fresh('x');
    await listener.subscribe(x);
    await publisher.publish(x, [msg('1')], { retention: BIG });
    await until(() => got.length === 1, 'the first');
    server.cli('CLIENT', 'KILL', 'TYPE', 'pubsub');
    // Published while the listener's subscriber connection is down: pub/sub drops these.
    for (let i = 2; i <= 20; i++) await publisher.publish(x, [msg(String(i))], { retention: BIG });
    await until(() => got.includes(20), 'the latest after the reconnect');
    // The hub fills 2..19 from history (channel-streams.ts); the engine's part is the latest seq.
    expect((await listener.history(x, { since: 0, limit: 100 })).publications.map((p) => p.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  /** A writer, and a reader subscribed to a fresh channel with its intake held, which has published `n` there; `got`: the seqs the reader was handed. */
  async function heldReader(base: string, n: number) {
    const channel = fresh(base);
    const got: number[] = [];
    const writer = await started(engineOn(server.url));
    const reader = await started(engineOn(server.url), { publications: (c, _e, pubs) => c === channel && got.push(...pubs.map((p) => p.seq)) });
    await reader.subscribe(channel);
    reader.holdIntake(true);
    for (let i = 1; i <= n; i++) await writer.publish(channel, [msg(`m${i}`)], { retention: BIG });
    return { channel, got, writer, reader };
  }

  it('holds its intake: publications of another node wait in Redis while held, then arrive in order, once', async () => {
    const { got, reader } = await heldReader('held', 200);
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual([]);
    reader.holdIntake(false);
    await until(() => got.length >= 200, 'the held publications');
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('a held intake whose connection Redis cuts (past its pub/sub output limit) reconnects once released, and misses nothing', async () => {
    const { channel, got, writer, reader } = await heldReader('held-cut', 20);
    server.cli('CLIENT', 'KILL', 'TYPE', 'pubsub'); // as Redis does past client-output-buffer-limit pubsub
    // A paused socket reads nothing, its end included: the cut is found when the hold ends.
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual([]);
    reader.holdIntake(false);
    await until(() => got.includes(20), 'the latest after the reconnect');
    await writer.publish(channel, [msg('m21')], { retention: BIG });
    await until(() => got.includes(21), 'a live publication on the new connection');
    // What pub/sub dropped is the hub's to fill from history (channel-streams.ts); the engine hands the latest.
    expect(got.at(-1)).toBe(21);
    expect((await reader.history(channel, { since: 0, limit: 100 })).publications.map((p) => p.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('applies a retried publish once: same writer, incarnation and counter change nothing', async () => {
    const redis = new Redis({ port: server.port, lazyConnect: true });
    await redis.connect();
    try {
      const x = fresh('retry');
      const keys = [`t:ch:{${x}}:s`, `t:ch:{${x}}:m`];
      const call = (counter: number, payload: string) =>
        redis.eval(PUBLISH_SCRIPT, 2, ...keys, 100, 100_000, 0, `t:pub:${x}`, 'epoch1', 'w:a', 'inc1', counter, payload) as Promise<unknown[]>;
      expect((await call(1, 'one'))[0]).toBe(1);
      expect(await call(1, 'one')).toEqual([1, 'epoch1', 1, 3, 1]);
      expect((await call(2, 'two'))[0]).toBe(2);
      expect(await redis.xlen(keys[0] as string)).toBe(2);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps the hub channels about this node (hub:*, processes) on the node', async () => {
    const a = await started(engineOn(server.url));
    const b = await started(engineOn(server.url));
    await a.publish('hub:stats', [msg('a')], { retention: { maxMessages: 1, maxBytes: 1000 } });
    expect((await b.history('hub:stats', { since: 0, limit: 10 })).publications).toEqual([]);
    expect((await a.history('hub:stats', { since: 0, limit: 10 })).publications.map(text)).toEqual(['a']);
  });

  it('leaves nothing lasting for a channel only read: its hash lives a short TTL until the first publish', async () => {
    const engine = await started(engineOn(server.url, `n${++serial}`, { unpublishedTtlMs: 60_000 }));
    const x = fresh('x');
    await engine.history(x, { since: 0, limit: 0 });
    const meta = `sy:ch:{${x}}:m`;
    const ttl = Number(server.cli('PTTL', meta));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await engine.publish(x, [msg('now it lives')], { retention: BIG });
    expect(Number(server.cli('PTTL', meta))).toBeGreaterThan(24 * 3600 * 1000);
  });

  it('describes what the node has seen without I/O', async () => {
    const engine = await started(engineOn(server.url));
    const x = fresh('x');
    expect(engine.describe(x)).toBeUndefined();
    const position = await engine.publish(x, [msg('a'), msg('b')], { retention: BIG });
    expect(engine.describe(x)).toEqual({ seq: 2, epoch: position.epoch, retained: 2, retainedBytes: msg('a').length * 2 });
    expect(engine.channelNames()).toContain(x);
  });
});
