/**
 * TEST SUPPORT: the engine contract suite. Every channel engine must pass it: the in-memory one
 * (memory-engine.test.ts) and any engine on a shared server (the Redis engine runs it too, with
 * a second node on the same server). It registers Vitest tests; call it inside a test file.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelEngine, EngineEvents, Publication, RetentionLimits } from './engine';

/** How the suite gets engines. */
export interface EngineFactory {
  /** A started engine: a node. Each call may be a new node of the same backend. */
  node(events: EngineEvents): Promise<ChannelEngine>;
  /** Whether two nodes share channels (a server behind them); false for the in-memory engine. */
  shared: boolean;
  /** Runs of the property test (fewer for engines with I/O). Default 200. */
  propertyRuns?: number;
}

/** Publications a handler received, with their epoch. */
export interface Received {
  channel: string;
  epoch: string;
  seq: number;
  data: string;
}

const BIG: RetentionLimits = { maxMessages: 10_000, maxBytes: 8 * 1024 * 1024 };
const payload = (text: string): Buffer => Buffer.from(JSON.stringify({ type: 'event', data: text }));
const text = (pub: Publication): string => (JSON.parse(pub.data.toString()) as { data: string }).data;

/** Register the contract's tests for an engine. */
export function describeEngineContract(name: string, factory: EngineFactory): void {
  describe(`engine contract: ${name}`, () => {
    const open: ChannelEngine[] = [];
    let channelCounter = 0;
    // Fresh names per test, so that a shared server's leftovers never meet a later test.
    const fresh = (base: string): string => `${base}-${process.pid}-${Date.now().toString(36)}-${++channelCounter}`;

    async function node(): Promise<{ engine: ChannelEngine; got: Received[] }> {
      const got: Received[] = [];
      const engine = await factory.node({
        publications: (channel, epoch, pubs) => {
          for (const p of pubs) got.push({ channel, epoch, seq: p.seq, data: text(p) });
        },
      });
      open.push(engine);
      return { engine, got };
    }

    async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
      const end = Date.now() + ms;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    afterEach(async () => {
      for (const engine of open.splice(0)) await engine.close();
    });

    it('numbers each channel from 1, consecutively across publish calls and batches', async () => {
      const { engine } = await node();
      const x = fresh('x');
      const y = fresh('y');
      expect((await engine.publish(x, [payload('a')], { retention: BIG })).seq).toBe(1);
      expect((await engine.publish(x, [payload('b'), payload('c'), payload('d')], { retention: BIG })).seq).toBe(4);
      expect((await engine.publish(y, [payload('other')], { retention: BIG })).seq).toBe(1);
      const page = await engine.history(x, { since: 0, limit: 100 });
      expect(page.publications.map((p) => p.seq)).toEqual([1, 2, 3, 4]);
      expect(page.publications.map(text)).toEqual(['a', 'b', 'c', 'd']);
      expect(page.position.seq).toBe(4);
    });

    it('keeps one epoch per channel life, the same in every answer', async () => {
      const { engine } = await node();
      const x = fresh('x');
      const before = await engine.history(x, { since: 0, limit: 0 });
      expect(before.position.seq).toBe(0);
      await engine.subscribe(x);
      const subscribed = await engine.history(x, { since: 0, limit: 0 });
      const first = await engine.publish(x, [payload('1')], { retention: BIG });
      const second = await engine.publish(x, [payload('2')], { retention: BIG });
      expect(first.epoch).toBe(subscribed.position.epoch);
      expect(second.epoch).toBe(first.epoch);
      expect((await engine.history(x, { since: 0, limit: 1 })).position.epoch).toBe(first.epoch);
      await engine.unsubscribe(x);
    });

    it('reads history after since, at most limit and maxBytes, and says where it starts', async () => {
      const { engine } = await node();
      const x = fresh('x');
      await engine.publish(x, Array.from({ length: 20 }, (_, i) => payload(`m${i + 1}`)), { retention: BIG });
      const page = await engine.history(x, { since: 12, limit: 5 });
      expect(page.publications.map((p) => p.seq)).toEqual([13, 14, 15, 16, 17]);
      expect(page.firstSeq).toBe(1);
      expect((await engine.history(x, { since: 20, limit: 5 })).publications).toEqual([]);
      const size = payload('m1').length;
      const bounded = await engine.history(x, { since: 0, limit: 100, maxBytes: size * 3 + 2 });
      expect(bounded.publications.length).toBe(3);
      // At least one publication when any is due, however small maxBytes is.
      expect((await engine.history(x, { since: 0, limit: 100, maxBytes: 1 })).publications.length).toBe(1);
    });

    it('retains at most maxMessages and maxBytes, oldest first; retention travels with each publish', async () => {
      const { engine } = await node();
      const x = fresh('x');
      for (let i = 0; i < 12; i++) await engine.publish(x, [payload(`m${i}`)], { retention: { maxMessages: 5, maxBytes: 1_000_000 } });
      const page = await engine.history(x, { since: 0, limit: 100 });
      expect(page.publications.map((p) => p.seq)).toEqual([8, 9, 10, 11, 12]);
      expect(page.firstSeq).toBe(8);
      const y = fresh('y');
      for (let i = 0; i < 50; i++) await engine.publish(y, [payload('p'.repeat(20))], { retention: { maxMessages: 1000, maxBytes: 200 } });
      const small = await engine.history(y, { since: 0, limit: 1000 });
      const bytes = small.publications.reduce((n, p) => n + p.data.length, 0);
      expect(bytes).toBeLessThanOrEqual(200);
      expect(small.publications.length).toBeGreaterThan(1);
      expect(small.publications[small.publications.length - 1]?.seq).toBe(50);
      const z = fresh('z');
      for (let i = 0; i < 5; i++) await engine.publish(z, [payload(`only ${i}`)], { retention: { maxMessages: 1, maxBytes: 1_000_000 } });
      expect((await engine.history(z, { since: 0, limit: 10 })).publications.map(text)).toEqual(['only 4']);
    });

    it('for any retention and any since: history is exactly the retained suffix after since', async () => {
      const { engine } = await node();
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 30 }),
          fc.integer({ min: 40, max: 400 }),
          fc.array(fc.string({ maxLength: 20 }), { maxLength: 60 }),
          fc.integer({ min: 0, max: 80 }),
          async (maxMessages, maxBytes, lines, since) => {
            const x = fresh('prop');
            for (const line of lines) await engine.publish(x, [payload(line)], { retention: { maxMessages, maxBytes } });
            const page = await engine.history(x, { since, limit: 1000 });
            const latest = lines.length;
            expect(page.position.seq).toBe(latest);
            const all = await engine.history(x, { since: 0, limit: 1000 });
            expect(all.publications.length).toBeLessThanOrEqual(maxMessages);
            expect(all.publications.reduce((n, p) => n + p.data.length, 0)).toBeLessThanOrEqual(maxBytes);
            const oldest = all.publications[0]?.seq ?? latest + 1;
            expect(all.firstSeq).toBe(oldest);
            const expected = [];
            for (let seq = Math.max(since, oldest - 1) + 1; seq <= latest; seq++) expected.push(seq);
            expect(page.publications.map((p) => p.seq)).toEqual(expected);
            expect(page.publications.map(text)).toEqual(expected.map((seq) => lines[seq - 1]));
          },
        ),
        { numRuns: factory.propertyRuns ?? 200 },
      );
    });

    it('hands publications of subscribed channels to the handler in seq order, with the epoch; none after unsubscribe', async () => {
      const { engine, got } = await node();
      const x = fresh('x');
      const other = fresh('other');
      await engine.subscribe(x);
      await engine.publish(x, [payload('1'), payload('2')], { retention: BIG });
      await engine.publish(other, [payload('not subscribed')], { retention: BIG });
      const last = await engine.publish(x, [payload('3')], { retention: BIG });
      await until(() => got.length >= 3, 'three publications');
      expect(got.map((g) => [g.channel, g.seq, g.data])).toEqual([
        [x, 1, '1'],
        [x, 2, '2'],
        [x, 3, '3'],
      ]);
      expect(new Set(got.map((g) => g.epoch))).toEqual(new Set([last.epoch]));
      // Subscriptions are counted: one unsubscribe of two leaves the channel subscribed.
      await engine.subscribe(x);
      await engine.unsubscribe(x);
      await engine.publish(x, [payload('4')], { retention: BIG });
      await until(() => got.length >= 4, 'the fourth');
      await engine.unsubscribe(x);
      await engine.publish(x, [payload('5')], { retention: BIG });
      await new Promise((r) => setTimeout(r, 100));
      expect(got.map((g) => g.seq)).toEqual([1, 2, 3, 4]);
    });

    it('twelve concurrent publishers to one channel get unique, contiguous seqs', async () => {
      const { engine } = await node();
      const peer = factory.shared ? (await node()).engine : engine;
      const x = fresh('x');
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, p) =>
          (async () => {
            const seqs: number[] = [];
            const via = p % 2 === 0 ? engine : peer;
            for (let i = 0; i < 25; i++) seqs.push((await via.publish(x, [payload(`${p}:${i}`)], { retention: BIG })).seq);
            return seqs;
          })(),
        ),
      );
      const all = results.flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      const page = await engine.history(x, { since: 0, limit: 1000 });
      expect(page.publications.map((p) => p.seq)).toEqual(all);
    });

    if (factory.shared) {
      it('a publication made through one node reaches the other node, with the same seq and epoch', async () => {
        const a = await node();
        const b = await node();
        const x = fresh('x');
        await b.engine.subscribe(x);
        const position = await a.engine.publish(x, [payload('from a')], { retention: BIG });
        await until(() => b.got.length === 1, 'the publication on b');
        expect(b.got[0]).toEqual({ channel: x, epoch: position.epoch, seq: 1, data: 'from a' });
        expect((await b.engine.history(x, { since: 0, limit: 10 })).publications.map(text)).toEqual(['from a']);
      });
    }

    it('close() is safe to call twice', async () => {
      const { engine } = await node();
      await engine.close();
      await engine.close();
    });
  });
}
