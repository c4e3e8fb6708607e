// The in-memory engine: the engine contract, then what only it does (fresh epochs per instance,
// the channel cap, pinned channels, the global retention budget).
import { describe, expect, it } from 'vitest';
import { describeEngineContract } from './engine-contract';
import { ChannelLimitError, type RetentionLimits } from './engine';
import { MemoryEngine } from './memory-engine';

describeEngineContract('memory', {
  shared: false,
  async node(events) {
    const engine = new MemoryEngine();
    await engine.start(events);
    return engine;
  },
});

const BIG: RetentionLimits = { maxMessages: 10_000, maxBytes: 8 * 1024 * 1024 };
const msg = (text: string): Buffer => Buffer.from(JSON.stringify({ type: 'event', data: text }));

describe('MemoryEngine', () => {
  it('gives every engine (every hub instance) fresh epochs', async () => {
    const a = new MemoryEngine();
    const b = new MemoryEngine();
    const pa = await a.publish('x', [msg('1')], { retention: BIG });
    const pb = await b.publish('x', [msg('1')], { retention: BIG });
    expect(pa.epoch).not.toBe(pb.epoch);
  });

  it('removes channels without subscribers and history, caps the number of channels', async () => {
    const engine = new MemoryEngine({ maxChannels: 3 });
    await engine.subscribe('a');
    await engine.unsubscribe('a');
    expect(engine.channelNames()).toEqual([]);
    await engine.subscribe('busy');
    for (const name of ['h1', 'h2', 'h3', 'h4']) await engine.publish(name, [msg(name)], { retention: BIG });
    expect(engine.channelNames().length).toBe(3);
    expect(engine.describe('busy')).toBeDefined();
    expect(engine.describe('h1')).toBeUndefined();
    expect(engine.counters().channelsEvicted).toBe(2);
    const full = new MemoryEngine({ maxChannels: 1 });
    await full.subscribe('only');
    await expect(full.publish('new', [msg('x')], { retention: BIG })).rejects.toBeInstanceOf(ChannelLimitError);
  });

  it("never evicts the hub's own (pinned) channels to make room, and does not count them", async () => {
    const engine = new MemoryEngine({ maxChannels: 2 });
    await engine.publish('processes', [msg('list')], { retention: BIG, pinned: true });
    await engine.publish('process:web', [msg('line')], { retention: BIG, pinned: true });
    for (let i = 0; i < 10; i++) await engine.publish(`client-${i}`, [msg('x')], { retention: BIG });
    expect(engine.describe('processes')?.retained).toBe(1);
    expect(engine.describe('process:web')?.retained).toBe(1);
    expect(engine.channelNames().filter((n) => n.startsWith('client-'))).toEqual(['client-8', 'client-9']);
  });

  it("holds a global retention budget: client channels' oldest messages go first, process output stays", async () => {
    const engine = new MemoryEngine({ maxTotalBytes: 100_000 });
    const line = Buffer.alloc(1000, 'a');
    for (let i = 0; i < 50; i++) await engine.publish('process:web', [line], { retention: BIG, pinned: true });
    // An operator floods many channels with large messages: the budget holds.
    for (let c = 0; c < 30; c++) for (let i = 0; i < 10; i++) await engine.publish(`flood-${c}`, [Buffer.alloc(5000, 'b')], { retention: BIG });
    let total = 0;
    for (const name of engine.channelNames()) total += engine.describe(name)?.retainedBytes ?? 0;
    expect(total).toBeLessThanOrEqual(100_000);
    expect(engine.describe('process:web')?.retained).toBe(50);
    expect(engine.counters().retentionEvicted).toBeGreaterThan(0);
    // Past the budget with pinned channels alone, their oldest messages go too.
    const tight = new MemoryEngine({ maxTotalBytes: 10_000 });
    for (let i = 0; i < 50; i++) await tight.publish('process:web', [line], { retention: BIG, pinned: true });
    expect(tight.describe('process:web')?.retainedBytes ?? 0).toBeLessThanOrEqual(10_000);
    expect(tight.describe('process:web')?.seq).toBe(50);
  });
});
