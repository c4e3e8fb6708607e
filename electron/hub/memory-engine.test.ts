// The in-memory engine: seq, epoch, bounded history, recovery; then recovery through a real hub.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/protocol';
import type { Entry, Subscriber } from './engine';
import { ChannelLimitError } from './engine';
import type { Hub } from './hub';
import { MemoryEngine } from './memory-engine';
import { startHub, TestClient } from './test-helpers';

const msg = (data: string): Message => ({ type: 'event', data });
const collector = () => {
  const got: number[] = [];
  const sub: Subscriber = { deliver: (e: Entry) => got.push(e.seq) };
  return { got, sub };
};
const seqs = (entries: readonly Entry[]) => entries.map((e) => e.seq);

describe('MemoryEngine', () => {
  it('numbers each channel from 1 and encodes each message once for all subscribers', () => {
    const engine = new MemoryEngine();
    const a = collector();
    const b = collector();
    engine.subscribe('x', a.sub);
    engine.subscribe('x', b.sub);
    const e1 = engine.publish('x', msg('one'));
    engine.publish('x', msg('two'));
    engine.publish('y', msg('other'));
    expect(a.got).toEqual([1, 2]);
    expect(b.got).toEqual([1, 2]);
    expect(JSON.parse(e1.data.toString())).toMatchObject({ type: 'event', data: 'one', seq: 1 });
    expect(engine.channel('y')?.seq).toBe(1);
  });

  it('retains at most maxMessages and maxBytes, oldest first', () => {
    const engine = new MemoryEngine({ retention: { maxMessages: 5, maxBytes: 1_000_000 } });
    for (let i = 0; i < 12; i++) engine.publish('x', msg(`m${i}`));
    expect(engine.channel('x')).toMatchObject({ seq: 12, retained: 5 });
    const small = new MemoryEngine({ retention: { maxMessages: 1000, maxBytes: 200 } });
    for (let i = 0; i < 50; i++) small.publish('x', msg('p'.repeat(20)));
    const info = small.channel('x');
    expect(info?.retainedBytes).toBeLessThanOrEqual(200);
    expect(info?.retained).toBeGreaterThan(1);
  });

  it('replays exactly what follows since, and says when it cannot', () => {
    const engine = new MemoryEngine({ retention: { maxMessages: 10, maxBytes: 1_000_000 } });
    for (let i = 0; i < 15; i++) engine.publish('x', msg(`m${i}`));
    const epoch = engine.channel('x')?.epoch ?? '';
    const { sub } = collector();
    expect(engine.subscribe('x', sub, { since: 12, epoch })).toMatchObject({ seq: 15, epoch, recovered: true });
    expect(seqs(engine.subscribe('x', sub, { since: 12 }).replay)).toEqual([13, 14, 15]);
    expect(seqs(engine.subscribe('x', sub, { since: 15 }).replay)).toEqual([]);
    // seq 6..15 retained: since 5 is still whole, since 4 lost seq 5.
    expect(engine.subscribe('x', sub, { since: 5 })).toMatchObject({ recovered: true });
    const lost = engine.subscribe('x', sub, { since: 3 });
    expect(lost.recovered).toBe(false);
    expect(seqs(lost.replay)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    // Another epoch, or a seq from the future: not recovered, replay from the oldest.
    const other = engine.subscribe('x', sub, { since: 12, epoch: 'old-life' });
    expect(other.recovered).toBe(false);
    expect(seqs(other.replay)[0]).toBe(6);
    expect(engine.subscribe('x', sub, { since: 99 }).recovered).toBe(false);
    expect(engine.subscribe('x', sub).replay).toEqual([]);
  });

  it('for any limits and any since: replay is exactly the retained suffix after since, and recovered says whether it is whole', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 20, max: 400 }),
        fc.array(fc.string({ maxLength: 40 }), { maxLength: 80 }),
        fc.integer({ min: 0, max: 100 }),
        (maxMessages, maxBytes, lines, since) => {
          const engine = new MemoryEngine({ retention: { maxMessages, maxBytes } });
          const { sub } = collector();
          engine.subscribe('x', sub);
          for (const line of lines) engine.publish('x', msg(line));
          const info = engine.channel('x');
          const latest = lines.length;
          expect(info?.seq).toBe(latest);
          expect(info?.retained ?? 0).toBeLessThanOrEqual(maxMessages);
          expect(info?.retainedBytes ?? 0).toBeLessThanOrEqual(maxBytes);
          const r = engine.subscribe('x', sub, { since });
          const got = seqs(r.replay);
          // Consecutive, ending at the latest seq (when anything is replayed).
          got.forEach((seq, i) => expect(seq).toBe(got[0]! + i));
          if (got.length > 0) expect(got[got.length - 1]).toBe(latest);
          const oldest = latest - (info?.retained ?? 0) + 1;
          if (since > latest) {
            expect(r.recovered).toBe(false);
          } else {
            expect(got).toEqual(Array.from({ length: latest - Math.max(since, oldest - 1) }, (_, i) => Math.max(since, oldest - 1) + 1 + i));
            expect(r.recovered).toBe(since >= oldest - 1);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives every engine (every hub instance) fresh epochs', () => {
    const a = new MemoryEngine();
    const b = new MemoryEngine();
    a.publish('x', msg('1'));
    b.publish('x', msg('1'));
    expect(a.channel('x')?.epoch).not.toBe(b.channel('x')?.epoch);
  });

  it('removes channels without subscribers and history, caps the number of channels', () => {
    const engine = new MemoryEngine({ maxChannels: 3 });
    const { sub } = collector();
    engine.subscribe('a', sub);
    engine.unsubscribe('a', sub);
    expect(engine.channelCount()).toBe(0);
    engine.subscribe('busy', sub);
    for (const name of ['h1', 'h2', 'h3', 'h4']) engine.publish(name, msg(name));
    expect(engine.channelCount()).toBe(3);
    expect(engine.channel('busy')).toBeDefined();
    expect(engine.channel('h1')).toBeUndefined();
    expect(engine.counters().channelsEvicted).toBe(2);
    const full = new MemoryEngine({ maxChannels: 1 });
    full.subscribe('only', sub);
    expect(() => full.publish('new', msg('x'))).toThrow(ChannelLimitError);
  });
});

describe('recovery through the hub', () => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.close();
  });

  it('a client disconnected mid-stream resubscribes with since and gets exactly the missed lines', async () => {
    const started = await startHub();
    hub = started.hub;
    const first = await TestClient.open(started.url);
    const sub = await first.subscribe('process:web', { since: 0 });
    const { epoch } = sub.data as { epoch: string };
    for (let i = 1; i <= 10; i++) hub.sendProcessOutput('web', `l${i}`, 'stdout');
    await first.waitFor((m) => m.seq === 10);
    await first.close();
    for (let i = 11; i <= 25; i++) hub.sendProcessOutput('web', `l${i}`, 'stdout');

    const again = await TestClient.open(started.url, { protocols: ['switchyard.v1'] });
    const answer = await again.subscribe('process:web', { since: 10, epoch });
    expect(answer.data).toEqual({ seq: 25, epoch, recovered: true });
    hub.sendProcessOutput('web', 'l26', 'stdout');
    await again.waitFor((m) => m.seq === 26);
    expect(again.on('process:web', 'process_output').map((m) => m.data)).toEqual(Array.from({ length: 16 }, (_, i) => `l${i + 11}`));
    again.ws.terminate();
  });

  it('a client away longer than the retention gets recovered:false and the oldest retained lines onward', async () => {
    const started = await startHub({ retention: { maxMessages: 20 } });
    hub = started.hub;
    for (let i = 1; i <= 5; i++) hub.sendProcessOutput('web', `l${i}`, 'stdout');
    const epoch = hub.stats().channelList[0]?.epoch;
    for (let i = 6; i <= 50; i++) hub.sendProcessOutput('web', `l${i}`, 'stdout');
    const c = await TestClient.open(started.url);
    const answer = await c.subscribe('process:web', { since: 5, epoch });
    expect(answer.data).toMatchObject({ seq: 50, recovered: false });
    await c.waitFor((m) => m.seq === 50);
    expect(c.on('process:web', 'process_output').map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 31));
    c.ws.terminate();
  });

  it('a seq from an earlier hub instance is not mistaken for a current one', async () => {
    const started = await startHub();
    hub = started.hub;
    hub.sendProcessOutput('web', 'new life', 'stdout');
    const c = await TestClient.open(started.url);
    const answer = await c.subscribe('process:web', { since: 0, epoch: 'previous-hub' });
    expect(answer.data).toMatchObject({ seq: 1, recovered: false });
    expect((await c.waitFor((m) => m.type === 'process_output')).data).toBe('new life');
    c.ws.terminate();
  });
});
