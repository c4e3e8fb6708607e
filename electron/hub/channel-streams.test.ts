// The position check of engines whose transport may lose publications (Redis pub/sub): what is
// merely late must arrive, what is lost must be filled from history. The engine here is the real
// in-memory one behind a transport that the test slows down or drops from, which is what a busy
// node reading its pub/sub socket late, or a killed pub/sub connection, looks like to the hub.
import { describe, expect, it } from 'vitest';
import { until } from '../../shared/test-support/until';
import { ChannelStreams, type StreamSubscriber } from './channel-streams';
import type { ChannelEngine, EngineEvents, Publication, RetentionLimits } from './engine';
import { MemoryEngine } from './memory-engine';

const TINY: RetentionLimits = { maxMessages: 5, maxBytes: 1 << 20 };
const msg = (i: number): Buffer => Buffer.from(JSON.stringify({ type: 'event', data: i }));

/** The in-memory engine, its publications handed on by `transport` instead of at once. */
function lossyEngine(positionCheckMs: number, transport: (hand: () => void, pubs: readonly Publication[]) => void): ChannelEngine {
  const inner = new MemoryEngine();
  return Object.assign(Object.create(inner) as MemoryEngine, {
    positionCheckMs,
    start(events: EngineEvents) {
      return inner.start({ publications: (channel, epoch, pubs) => transport(() => events.publications(channel, epoch, pubs), pubs) });
    },
  });
}

/** Streams over `engine`, one subscriber of channel `x` joined; `seqs`: what it was offered. */
async function watch(engine: ChannelEngine): Promise<{ streams: ChannelStreams; seqs: number[] }> {
  const streams = new ChannelStreams({ engine, pinned: () => false, positionCheckMs: engine.positionCheckMs, onEngineError: () => {} });
  await engine.start({ publications: streams.intake });
  const seqs: number[] = [];
  const subscriber: StreamSubscriber = { offer: (s) => seqs.push(...s), newLife: () => {} };
  await streams.join('x', subscriber).ready;
  return { streams, seqs };
}

describe('ChannelStreams position check', () => {
  it('waits for publications that are late rather than skipping them when history moved on', async () => {
    const late: (() => void)[] = [];
    const engine = lossyEngine(20, (hand) => late.push(hand));
    const { streams, seqs } = await watch(engine);
    // Forty publications, retention five: by the time the transport hands them on, history holds
    // only the last five. The transport keeps handing them on, one every 10 ms.
    for (let i = 1; i <= 40; i++) await engine.publish('x', [msg(i)], { retention: TINY });
    const drip = setInterval(() => late.shift()?.(), 10);
    try {
      await until(() => seqs.length >= 40 || late.length === 0, 'the late publications', 5000);
      await new Promise((r) => setTimeout(r, 60));
      expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      clearInterval(drip);
      streams.close();
    }
  });

  it('fills from history what was lost at the end of a burst, once nothing arrives any more', async () => {
    const engine = lossyEngine(20, (hand, pubs) => {
      if ((pubs[0] as Publication).seq <= 3) hand(); // 4 and 5 are lost in transit
    });
    const { streams, seqs } = await watch(engine);
    for (let i = 1; i <= 5; i++) await engine.publish('x', [msg(i)], { retention: TINY });
    try {
      await until(() => seqs.length === 5, 'the lost ones, from history');
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
    } finally {
      streams.close();
    }
  });

  it('reads nothing from history while the intake is held: what the engine holds back arrives once, in order, after', async () => {
    const heldBack: (() => void)[] = [];
    const engine = lossyEngine(20, (hand) => heldBack.push(hand));
    const { streams, seqs } = await watch(engine);
    streams.holdIntake(true);
    for (let i = 1; i <= 5; i++) await engine.publish('x', [msg(i)], { retention: TINY });
    try {
      // Ten checks' worth of silence: without the hold, the check fills all five from history.
      await new Promise((r) => setTimeout(r, 200));
      expect(seqs).toEqual([]);
      streams.holdIntake(false);
      for (const hand of heldBack.splice(0)) hand();
      await new Promise((r) => setTimeout(r, 100));
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
    } finally {
      streams.close();
    }
  });
});
