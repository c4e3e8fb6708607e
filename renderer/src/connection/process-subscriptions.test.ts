// Retained lines read over HTTP (`GET /api/history`) before each process channel is subscribed
// from the last line read: nothing lost, nothing twice, and the WebSocket replay when a read fails.
import { describe, expect, it } from 'vitest';
import type { HistoryAnswerData, Message } from '../../../shared/protocol';
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
  answer(a: Partial<HistoryAnswerData> & { messages: Message[] }): void;
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
        answer: (a) => resolve({ channel, epoch: 'e1', seq: 0, firstSeq: 1, recovered: true, more: false, bad: 0, ...a }),
        fail: () => reject(new Error('HTTP 503')),
      });
    });
  }
}

function lines(channel: string, from: number, to: number): Message[] {
  const out: Message[] = [];
  for (let seq = from; seq <= to; seq++) out.push({ type: 'process_output', channel, processId: channel.slice(8), data: `${channel} ${seq}`, seq } as Message);
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
});
