// Subscriptions and streams over the in-memory engine, without sockets: the `subscribed` answer
// and the replay for any since; the merge of an asynchronous history read with live
// publications; replays paced by the client's room; resubscribes; a new epoch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SubscribedData } from '../../shared/protocol';
import { ChannelStreams } from './channel-streams';
import type { ChannelEngine, HistoryPage, HistoryRequest, RetentionLimits } from './engine';
import { MemoryEngine } from './memory-engine';
import { Subscription, type SubscriptionClient } from './subscription';

const BIG: RetentionLimits = { maxMessages: 10_000, maxBytes: 8 * 1024 * 1024 };
const payload = (text: string): Buffer => Buffer.from(JSON.stringify({ type: 'event', data: text }));

/** A client that records frames and answers, and grants room while `roomy`. */
class FakeClient implements SubscriptionClient {
  closed = false;
  roomy = true;
  readonly seqs: number[] = [];
  readonly answers: SubscribedData[] = [];
  roomGranted = 0;
  private waiting: (() => void)[] = [];
  private busy = false;

  deliverFrame(frame: Buffer): void {
    this.seqs.push((JSON.parse(frame.toString()) as { seq: number }).seq);
  }
  sendSubscribed(_channel: string, data: SubscribedData): void {
    this.answers.push(data);
  }
  sendEncoded(): void {}
  room(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
  }
  roomUsed(): void {
    this.busy = false;
    this.pump();
  }
  /** Let waiting pages through again. */
  open(): void {
    this.roomy = true;
    this.pump();
  }
  private pump(): void {
    if (this.busy || !this.roomy || this.waiting.length === 0) return;
    this.busy = true;
    this.roomGranted++;
    (this.waiting.shift() as () => void)();
  }
}

async function setup(engine: ChannelEngine = new MemoryEngine()) {
  const streams = new ChannelStreams({ engine, pinned: () => false, positionCheckMs: 0, onEngineError: (err) => { throw err; } });
  await engine.start({ publications: streams.intake });
  const subscribe = (channel: string, client: FakeClient, latestOnSubscribe = false) => {
    const sub = new Subscription(channel, client, engine, { answerExtra: () => ({}), latestOnSubscribe, onError: (err) => { throw err; } });
    sub.attach(streams.join(channel, sub));
    return sub;
  };
  return { engine, streams, subscribe };
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('Subscription', () => {
  it('for any retention and any since: replays exactly the retained suffix after since, and recovered says whether it is whole', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 80 }), async (maxMessages, published, since) => {
        const { engine, subscribe } = await setup();
        for (let i = 1; i <= published; i++) await engine.publish('x', [payload(`m${i}`)], { retention: { maxMessages, maxBytes: 1_000_000 } });
        const client = new FakeClient();
        await subscribe('x', client).start({ since });
        const answer = client.answers[0] as SubscribedData;
        expect(answer.seq).toBe(published);
        const oldest = Math.max(1, published - maxMessages + 1);
        if (since > published) {
          expect(answer.recovered).toBe(false);
          expect(client.seqs).toEqual(range(oldest, published));
        } else {
          expect(client.seqs).toEqual(range(Math.max(since, oldest - 1) + 1, published));
          expect(answer.recovered).toBe(since >= oldest - 1 || published === 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers another epoch, or a seq from the future, with recovered:false and the oldest retained onward', async () => {
    const { engine, subscribe } = await setup();
    for (let i = 1; i <= 15; i++) await engine.publish('x', [payload(`m${i}`)], { retention: { maxMessages: 10, maxBytes: 1_000_000 } });
    const other = new FakeClient();
    await subscribe('x', other).start({ since: 12, epoch: 'an-earlier-life' });
    expect(other.answers[0]).toMatchObject({ seq: 15, recovered: false });
    expect(other.seqs).toEqual(range(6, 15));
    const live = new FakeClient();
    await subscribe('x', live).start(undefined);
    expect(live.answers[0]).toMatchObject({ seq: 15, recovered: true });
    expect(live.seqs).toEqual([]);
  });

  it('merges a slow history read with live publications: no gap, no duplicate', async () => {
    const memory = new MemoryEngine();
    let release: () => void = () => {};
    let hold = false;
    // History reads wait until released, while publications go on.
    const slow: ChannelEngine = Object.assign(Object.create(memory) as ChannelEngine, {
      history: async (channel: string, request: HistoryRequest): Promise<HistoryPage> => {
        const page = await memory.history(channel, request);
        if (hold && request.limit > 0) await new Promise<void>((r) => (release = r));
        return page;
      },
    });
    const { engine, subscribe } = await setup(slow);
    for (let i = 1; i <= 100; i++) await engine.publish('x', [payload(`m${i}`)], { retention: BIG });
    hold = true;
    const client = new FakeClient();
    const started = subscribe('x', client).start({ since: 0 });
    while (client.answers.length === 0) await new Promise((r) => setImmediate(r));
    for (let i = 101; i <= 150; i++) await engine.publish('x', [payload(`m${i}`)], { retention: BIG });
    hold = false;
    release();
    await started;
    for (let i = 151; i <= 160; i++) await engine.publish('x', [payload(`m${i}`)], { retention: BIG });
    expect(client.seqs).toEqual(range(1, 160));
  });

  it('streams a long replay as the client makes room, one page at a time', async () => {
    const { engine, subscribe } = await setup();
    for (let i = 1; i <= 5000; i++) await engine.publish('x', [payload(`line ${i}`)], { retention: BIG });
    const client = new FakeClient();
    client.roomy = false;
    const started = subscribe('x', client).start({ since: 0 });
    await new Promise((r) => setTimeout(r, 20));
    expect(client.seqs).toEqual([]); // no room: nothing queued
    client.open();
    await started;
    expect(client.seqs).toEqual(range(1, 5000));
    expect(client.roomGranted).toBeGreaterThanOrEqual(5); // 1,000 per page
  });

  it('a resubscribe replaces the position: a burst of subscribes with since 0 replays once', async () => {
    const { engine, subscribe } = await setup();
    for (let i = 1; i <= 2000; i++) await engine.publish('x', [payload(`line ${i}`)], { retention: BIG });
    const client = new FakeClient();
    client.roomy = false;
    const sub = subscribe('x', client);
    const runs = Array.from({ length: 300 }, () => sub.start({ since: 0 }));
    client.open();
    await Promise.all(runs);
    expect(client.seqs).toEqual(range(1, 2000));
  });

  it('gives the latest message at once on a latest-value channel, and only that one', async () => {
    const { engine, subscribe } = await setup();
    for (let i = 1; i <= 5; i++) await engine.publish('processes', [payload(`list ${i}`)], { retention: { maxMessages: 1, maxBytes: 1_000_000 } });
    const client = new FakeClient();
    await subscribe('processes', client, true).start(undefined);
    expect(client.seqs).toEqual([5]);
    const again = new FakeClient();
    await subscribe('processes', again, true).start({ since: 0 });
    expect(again.seqs).toEqual([5]);
  });

  it('a publication of a new epoch starts a new life: recovered:false, then its messages from seq 1', async () => {
    const memory = new MemoryEngine();
    let events: Parameters<ChannelEngine['start']>[0] | undefined;
    const engine: ChannelEngine = Object.assign(Object.create(memory) as ChannelEngine, {
      start: (e: Parameters<ChannelEngine['start']>[0]) => {
        events = e;
        return memory.start(e);
      },
    });
    const { subscribe } = await setup(engine);
    await memory.publish('x', [payload('old')], { retention: BIG });
    const client = new FakeClient();
    await subscribe('x', client).start({ since: 0 });
    expect(client.seqs).toEqual([1]);
    // The engine's numbering restarts (a shared server lost its data): seq 1 again, another epoch.
    events?.publications('x', 'new-life', [{ seq: 1, data: payload('new') }]);
    expect(client.answers[1]).toMatchObject({ epoch: 'new-life', recovered: false });
    expect(client.seqs).toEqual([1, 1]);
  });
});
