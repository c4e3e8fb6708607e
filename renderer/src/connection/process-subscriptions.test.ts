// Retained lines read over HTTP (`GET /api/history`) before each process channel is subscribed
// from the last line read: nothing lost, nothing twice, and the WebSocket replay when a read fails.
import { describe, expect, it } from 'vitest';
import { entryMessage, type HistoryAnswerData, type HistoryEntry, type Message, type OutputRow } from '../../../shared/protocol';
import { DashboardController } from '../dashboard-controller';
import { LogBook } from '../logs/log-book';
import { createDashboardStore } from '../state/dashboard-store';
import { AnsweringHubConnection, manualScheduler } from '../test-support/fake-hub-connection';
import { processInfo } from '../test-support/fixtures';
import type { ChannelFrom } from './hub-connection';

const settle = () => new Promise((r) => setTimeout(r, 0));

interface Read {
  channel: string;
  from: ChannelFrom;
  answer(a: Partial<HistoryAnswerData> & { messages: HistoryEntry[] }): void;
  fail(): void;
}

/** A fake hub whose history reads the test answers one by one, and which reports `subscribed`. */
class HistoryHub extends AnsweringHubConnection {
  readonly reads: Read[] = [];
  history(channel: string, from: ChannelFrom): Promise<HistoryAnswerData> {
    return new Promise((resolve, reject) => {
      this.reads.push({
        channel,
        from,
        answer: ({ messages, ...a }) => resolve({ channel, epoch: 'e1', seq: 0, firstSeq: 1, recovered: true, more: false, bad: 0, entries: messages, ...a }),
        fail: () => reject(new Error('HTTP 503')),
      });
    });
  }
}

const STAMP = '2026-12-02T12:00:00.000Z';

/** Output lines as `form=rows` brings them. */
function lines(channel: string, from: number, to: number): OutputRow[] {
  const out: OutputRow[] = [];
  for (let seq = from; seq <= to; seq++) out.push([seq, STAMP, 'stdout', `${channel} ${seq}`]);
  return out;
}

async function setup(ids: string[]) {
  const conn = new HistoryHub();
  conn.answers.set('process.list', ids.map((id) => processInfo({ id })));
  const store = createDashboardStore();
  const book = new LogBook({ maxLines: 1000 });
  const clock = manualScheduler();
  const controller = new DashboardController(conn, store, book, { schedule: clock.schedule });
  controller.start();
  conn.setStatus({ kind: 'connected' });
  await settle();
  const processSubscribes = () => conn.subscribes.filter((s) => s.channel.startsWith('process:'));
  return { conn, store, book, clock, controller, processSubscribes };
}

describe('process channels with history read over HTTP', () => {
  it("reads each process's retained lines, then subscribes from the last one read, and takes live lines after them", async () => {
    const { conn, book, clock, processSubscribes } = await setup(['web']);
    expect(conn.reads.map((r) => [r.channel, r.from])).toEqual([['process:web', { since: 0 }]]);
    expect(processSubscribes()).toEqual([]); // not before the read: its replay would come twice
    conn.reads[0]?.answer({ seq: 3, messages: lines('process:web', 1, 3) });
    await settle();
    expect(processSubscribes()).toEqual([{ channel: 'process:web', from: { since: 3, epoch: 'e1' } }]);
    conn.emit('process:web', { type: 'process_output', data: 'process:web 4', seq: 4 });
    clock.tick();
    expect(book.lines('web').map((l) => l.text)).toEqual(['process:web 1', 'process:web 2', 'process:web 3', 'process:web 4']);
  });

  it('subscribes from the epoch read when a process has nothing retained (an empty answer)', async () => {
    const { conn, processSubscribes } = await setup(['quiet']);
    conn.reads[0]?.answer({ seq: 0, messages: [] });
    await settle();
    expect(processSubscribes()).toEqual([{ channel: 'process:quiet', from: { since: 0, epoch: 'e1' } }]);
  });

  it('reads on while an answer says more, and marks where the hub no longer held the oldest lines', async () => {
    const { conn, book, clock, processSubscribes } = await setup(['api']);
    conn.reads[0]?.answer({ seq: 9, firstSeq: 5, recovered: false, more: true, messages: lines('process:api', 5, 6) });
    await settle();
    expect(conn.reads[1]?.from).toEqual({ since: 6, epoch: 'e1' });
    conn.reads[1]?.answer({ seq: 9, firstSeq: 5, messages: lines('process:api', 7, 9) });
    await settle();
    clock.tick();
    const texts = book.lines('api').map((l) => l.text);
    expect(texts[0]).toMatch(/gap: older lines of api are no longer retained/);
    expect(texts.slice(1)).toEqual(['process:api 5', 'process:api 6', 'process:api 7', 'process:api 8', 'process:api 9']);
    expect(processSubscribes()).toEqual([{ channel: 'process:api', from: { since: 9, epoch: 'e1' } }]);
  });

  it('reads four at a time, and leaves a channel whose read failed to the WebSocket replay', async () => {
    const { conn, processSubscribes } = await setup(['a', 'b', 'c', 'd', 'e', 'f']);
    const read = () => conn.reads.map((r) => r.channel.slice(8)).join('');
    expect(read()).toBe('abcd');
    conn.reads[0]?.fail();
    await settle();
    expect(read()).toBe('abcde');
    // Without a position, the subscribe replays everything retained, as without HTTP.
    expect(processSubscribes()).toEqual([{ channel: 'process:a', from: undefined }]);
    conn.reads[1]?.answer({ messages: lines('process:b', 1, 2) });
    await settle();
    expect(read()).toBe('abcdef');
    expect(processSubscribes()[1]).toEqual({ channel: 'process:b', from: { since: 2, epoch: 'e1' } });
  });

  it('keeps what a later page delivered when it fails, and subscribes from there', async () => {
    const { conn, book, clock, processSubscribes } = await setup(['web']);
    conn.reads[0]?.answer({ seq: 5, more: true, messages: lines('process:web', 1, 2) });
    await settle();
    conn.reads[1]?.fail();
    await settle();
    clock.tick();
    expect(book.lines('web').map((l) => l.text)).toEqual(['process:web 1', 'process:web 2']);
    expect(processSubscribes()).toEqual([{ channel: 'process:web', from: { since: 2, epoch: 'e1' } }]);
  });

  it('does not subscribe a process removed while its read was under way', async () => {
    const { conn, processSubscribes } = await setup(['web', 'gone']);
    conn.emit('processes', { type: 'event', data: { kind: 'list', processes: [processInfo({ id: 'web' })] } });
    conn.reads[1]?.answer({ messages: lines('process:gone', 1, 1) });
    conn.reads[0]?.answer({ messages: lines('process:web', 1, 1) });
    await settle();
    expect(processSubscribes().map((s) => s.channel)).not.toContain('process:gone');
  });

  it('ends the replay when the hub answers a subscribe made after the lines were read: the view draws, stored history may load', async () => {
    const { conn, store, book, clock } = await setup(['web']);
    conn.reads[0]?.answer({ seq: 3, messages: lines('process:web', 1, 3) });
    await settle();
    clock.tick();
    expect(book.replaying).toBe(true); // the subscribe is not answered yet
    expect(book.historyReady('web')).toBe(false);
    const before = store.getState().logVersion;
    conn.answer('process:web', 3); // nothing new since the read: no message will follow
    expect(book.replaying).toBe(false);
    expect(book.historyReady('web')).toBe(true);
    expect(store.getState().logVersion).toBeGreaterThan(before);
  });

  it('takes rows as the messages they stand for: statuses between them, streams, levels, progress lines, merged view', async () => {
    const status = (seq: number, data: Record<string, unknown>) => ({ type: 'process_status', channel: 'process:web', processId: 'web', data, timestamp: STAMP, seq }) as Message;
    const entries: HistoryEntry[] = [
      status(1, { status: 'running', run: 1, pid: 7 }),
      [2, STAMP, 'stdout', 'one'],
      [3, '2026-12-02T12:00:00.001Z', 'stderr', 'two', 'error'],
      [4, '2026-12-02T12:00:00.001Z', 'stdout', 'loading 10%'],
      [5, '2026-12-02T12:00:00.002Z', 'stdout', '\rloading 90%'],
      status(6, { status: 'exited', run: 1, exitCode: 0 }),
      [7, '2026-12-02T12:00:00.003Z', 'stdout', 'after', 'info'],
    ];
    const viaRows = await setup(['web']);
    viaRows.conn.reads[0]?.answer({ seq: 7, messages: entries });
    await settle();
    viaRows.clock.tick();
    // The same messages as a subscribe's replay over the WebSocket (a hub without HTTP reads).
    const conn = new AnsweringHubConnection();
    conn.answers.set('process.list', [processInfo({ id: 'web' })]);
    const book = new LogBook({ maxLines: 1000 });
    const clock = manualScheduler();
    new DashboardController(conn, createDashboardStore(), book, { schedule: clock.schedule }).start();
    conn.setStatus({ kind: 'connected' });
    await settle();
    for (const e of entries) conn.emit('process:web', { ...entryMessage(e, 'process:web') });
    clock.tick();
    const seen = (b: LogBook, view: string) => b.lines(view).map((l) => [l.text, l.stream, l.level, l.kind, l.time]);
    expect(seen(viaRows.book, 'web')).toEqual(seen(book, 'web'));
    expect(seen(viaRows.book, '*')).toEqual(seen(book, '*'));
    expect(viaRows.book.lines('web').map((l) => l.text)).toEqual(['', 'web running (pid 7)', 'one', 'two', 'loading 90%', expect.stringMatching(/exited/), 'after']);
  });
});
