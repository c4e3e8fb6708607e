import { describe, expect, it } from 'vitest';
import type { Message } from '../protocol';
import { ChannelTracker } from './channel-tracker';
import type { GapEvent } from './client-types';

function setup() {
  const out: (string | GapEvent)[] = [];
  let duplicates = 0;
  const tracker = new ChannelTracker({
    deliver: (m) => out.push(m.data as string),
    gap: (g) => out.push(g),
    duplicate: () => duplicates++,
  });
  const msg = (channel: string, seq: number, data = `${channel}#${seq}`): Message => ({ type: 'publish', channel, seq, data });
  return { tracker, out, msg, duplicates: () => duplicates };
}

describe('ChannelTracker', () => {
  it('asks for everything after the last seq seen, with its epoch', () => {
    const { tracker, msg } = setup();
    tracker.add('a', undefined);
    expect(tracker.subscribeMessage('a')).toEqual({ type: 'subscribe', channel: 'a', since: 0 });
    tracker.onSubscribed('a', { seq: 2, epoch: 'E1', recovered: true });
    tracker.onMessage('a', msg('a', 1));
    tracker.onMessage('a', msg('a', 2));
    tracker.connectionLost();
    expect(tracker.subscribeMessage('a')).toEqual({ type: 'subscribe', channel: 'a', since: 2, epoch: 'E1' });
  });

  it('drops replayed messages already delivered in the same epoch', () => {
    const { tracker, out, msg, duplicates } = setup();
    tracker.add('a', undefined);
    tracker.subscribeMessage('a');
    tracker.onSubscribed('a', { seq: 0, epoch: 'E1', recovered: true });
    for (const s of [1, 2, 3]) tracker.onMessage('a', msg('a', s));
    tracker.subscribeMessage('a');
    tracker.onSubscribed('a', { seq: 5, epoch: 'E1', recovered: true });
    for (const s of [2, 3, 4, 5]) tracker.onMessage('a', msg('a', s));
    expect(out).toEqual(['a#1', 'a#2', 'a#3', 'a#4', 'a#5']);
    expect(duplicates()).toBe(2);
  });

  it('holds messages until the subscribe is answered, so a new epoch is never mistaken for the old', () => {
    const { tracker, out, msg, duplicates } = setup();
    tracker.add('a', undefined);
    tracker.subscribeMessage('a');
    tracker.onSubscribed('a', { seq: 0, epoch: 'E1', recovered: true });
    for (const s of [1, 2, 3]) tracker.onMessage('a', msg('a', s));
    tracker.connectionLost();
    tracker.subscribeMessage('a');
    // A hub that replays before it answers: messages of the new epoch come first.
    tracker.onMessage('a', msg('a', 1, 'new#1'));
    tracker.onMessage('a', msg('a', 2, 'new#2'));
    expect(out).toHaveLength(3);
    tracker.onSubscribed('a', { seq: 2, epoch: 'E2', recovered: false });
    expect(out.slice(3)).toEqual([
      { channel: 'a', reason: 'epoch_changed', epoch: 'E2', previousEpoch: 'E1', afterSeq: 3, latestSeq: 2, resumed: true },
      'new#1',
      'new#2',
    ]);
    expect(duplicates()).toBe(0);
    expect(tracker.positions()).toEqual([{ channel: 'a', epoch: 'E2', lastSeq: 2 }]);
  });

  it('reports history that is no longer retained, then delivers what is', () => {
    const { tracker, out, msg } = setup();
    tracker.add('a', undefined, { since: 10, epoch: 'E1' });
    tracker.subscribeMessage('a');
    tracker.onSubscribed('a', { seq: 300, epoch: 'E1', recovered: false });
    tracker.onMessage('a', msg('a', 201));
    tracker.onMessage('a', msg('a', 202));
    expect(out).toEqual([{ channel: 'a', reason: 'not_retained', epoch: 'E1', afterSeq: 10, latestSeq: 300, resumed: true }, 'a#201', 'a#202']);
  });

  it('reports a live message that skips numbers instead of hiding the hole', () => {
    const { tracker, out, msg } = setup();
    tracker.add('a', undefined);
    tracker.subscribeMessage('a');
    tracker.onSubscribed('a', { seq: 0, epoch: 'E1', recovered: true });
    tracker.onMessage('a', msg('a', 1));
    tracker.onMessage('a', msg('a', 4));
    expect(out).toEqual(['a#1', { channel: 'a', reason: 'missing', epoch: 'E1', afterSeq: 1, nextSeq: 4, resumed: true }, 'a#4']);
  });

  it('leaves other channels and unknown channels alone', () => {
    const { tracker, out, msg } = setup();
    tracker.add('a', undefined);
    expect(tracker.onMessage('b', msg('b', 1))).toBe(false);
    tracker.onSubscribed('b', { seq: 1, epoch: 'E', recovered: true });
    expect(out).toEqual([]);
    expect(tracker.remove('a')).toBe(true);
    expect(tracker.remove('a')).toBe(false);
  });
});
