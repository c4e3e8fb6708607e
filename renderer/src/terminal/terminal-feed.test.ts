// The terminal view's ordering rules: snapshot first, then only newer messages, held ones after
// the snapshot, replays dropped, a gap answered by a fresh snapshot.
import { describe, expect, it, vi } from 'vitest';
import type { Message, ScreenSnapshot } from '../../../shared/protocol';
import { TerminalFeed, type TerminalSink } from './terminal-feed';

function setup() {
  const drawn: string[] = [];
  const sink: TerminalSink = {
    reset: () => drawn.push('reset'),
    resize: (c, r) => drawn.push(`resize ${c}x${r}`),
    write: (d) => drawn.push(d),
  };
  const asked: Array<(s: ScreenSnapshot) => void> = [];
  const feed = new TerminalFeed(sink, () => new Promise((resolve) => asked.push(resolve)));
  const out = (seq: number, data: string): Message => ({ type: 'terminal_output', seq, data });
  const line = (seq: number): Message => ({ type: 'process_output', seq, data: 'a line' });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { drawn, asked, feed, out, line, settle };
}

describe('TerminalFeed', () => {
  it('draws the snapshot, then the held messages newer than it, then live ones', async () => {
    const { drawn, asked, feed, out, line, settle } = setup();
    feed.refresh();
    feed.message(out(4, 'old'));
    feed.message(out(6, 'new'));
    feed.message(line(7));
    asked[0]?.({ data: 'SCREEN', cols: 80, rows: 24, seq: 5 });
    await settle();
    feed.message(out(8, 'live'));
    feed.message({ type: 'event', seq: 9, data: { kind: 'terminal_resize', cols: 100, rows: 40 } });
    expect(drawn).toEqual(['reset', 'resize 80x24', 'SCREEN', 'new', 'live', 'resize 100x40']);
  });

  it('takes the first message after the snapshot across lines it never saw, then drops replays', async () => {
    const { drawn, asked, feed, out, settle } = setup();
    feed.refresh();
    asked[0]?.({ data: 'S', cols: 80, rows: 24, seq: 10 });
    await settle();
    feed.message(out(15, 'after lines 11-14')); // 11..14 were lines the page got before the view opened
    feed.message(out(15, 'replayed'));
    feed.message(out(9, 'older'));
    feed.message(out(16, 'next'));
    expect(drawn).toEqual(['reset', 'resize 80x24', 'S', 'after lines 11-14', 'next']);
    expect(asked).toHaveLength(1);
  });

  it('asks for a fresh snapshot after a gap, and ignores a stale one', async () => {
    const { drawn, asked, feed, out, settle } = setup();
    feed.refresh();
    asked[0]?.({ data: 'S1', cols: 80, rows: 24, seq: 1 });
    await settle();
    feed.message(out(2, 'a'));
    feed.message(out(5, 'after a gap'));
    expect(asked).toHaveLength(2);
    expect(feed.ready).toBe(false);
    feed.refresh(); // a reconnect meanwhile: the second answer is stale
    asked[1]?.({ data: 'STALE', cols: 80, rows: 24, seq: 5 });
    asked[2]?.({ data: 'S3', cols: 90, rows: 20, seq: 6 });
    await settle();
    expect(drawn).toEqual(['reset', 'resize 80x24', 'S1', 'a', 'reset', 'resize 90x20', 'S3']);
    expect(feed.ready).toBe(true);
  });
});

describe('TerminalFeed when the snapshot does not come', () => {
  it('asks again after a failure, and does not hold output without bound', async () => {
    vi.useFakeTimers();
    try {
      const drawn: string[] = [];
      let calls = 0;
      const feed = new TerminalFeed({ reset: () => {}, resize: () => {}, write: (d) => drawn.push(d) }, () => {
        calls++;
        return calls === 1 ? Promise.reject(new Error('timeout')) : new Promise(() => {});
      });
      feed.refresh();
      await vi.advanceTimersByTimeAsync(2000);
      expect(calls).toBe(2);
      for (let i = 1; i <= 600; i++) feed.message({ type: 'terminal_output', seq: i, data: 'x'.repeat(16 * 1024) });
      expect(calls).toBeGreaterThan(2); // 9.6 M characters held: dropped, and a newer snapshot asked for
      feed.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
