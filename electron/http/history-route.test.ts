// `GET /api/history`: a channel's retained messages in one answer, the same a subscribe with the
// same `since` and `epoch` would replay, over a real HTTP front and a real WebSocket.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { entryMessage, readHistoryAnswer } from '../../shared/protocol';
import { Hub } from '../hub/hub';
import { until } from '../../shared/test-support/until';
import { readHistory } from '../hub/history-read';
import { checkHost } from '../hub/http-guard';
import { startHttpFront } from './http-front';
import { serveHub, type ServedHub } from './hub-server';

const TOKEN = 'history-route-token-0123456789';
const VIEWER = 'history-route-viewer-0123456789';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(retention?: { maxMessages: number; maxBytes: number }): Promise<{ hub: Hub; served: ServedHub }> {
  const hub = new Hub({ tokens: { [TOKEN]: 'op', [VIEWER]: { userId: 'v', role: 'viewer' } }, retention });
  const served = await serveHub(hub, { port: 0 });
  cleanups.push(() => hub.close(), () => served.close());
  return { hub, served };
}

/** A parsed answer; the tests read its fields as the contract names them. */
interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body of any shape, checked field by field
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

function get(port: number, path: string, token: string | null = TOKEN): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: `127.0.0.1:${port}` };
    if (token) headers.Authorization = `Bearer ${token}`;
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // a text answer
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** What a subscribe from `since` replays over the WebSocket, up to `upTo`. */
function replayed(url: string, channel: string, since: number, upTo: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const got: unknown[] = [];
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', channel, since })));
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { type: string; seq?: number };
      if (m.type === 'subscribed') return;
      got.push(m);
      if (m.seq === upTo) {
        ws.close();
        resolve(got);
      }
    });
    ws.on('error', reject);
  });
}

async function print(hub: Hub, id: string, lines: number, from = 0): Promise<void> {
  for (let i = 0; i < lines; i++) await hub.sendProcessOutput(id, `line ${from + i} "quoted" ✓`, i % 2 ? 'stderr' : 'stdout');
}

describe('GET /api/history', () => {
  it('answers the retained messages, each exactly as a subscribe replays it, with the position to subscribe from', async () => {
    const { hub, served } = await setup();
    await print(hub, 'web', 50);
    await hub.sendProcessStatus('web', { status: 'exited', exitCode: 0 });
    const a = await get(served.port, '/api/history?channel=process:web');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/^application\/json/);
    expect(a.headers['cache-control']).toBe('no-store');
    const { messages, ...head } = a.body;
    expect(head).toEqual({ channel: 'process:web', epoch: expect.any(String), seq: 51, firstSeq: 1, recovered: true, more: false });
    expect(messages).toHaveLength(51);
    expect(messages).toEqual(await replayed(served.url, 'process:web', 0, 51));
    expect(messages[50]).toMatchObject({ type: 'process_status', seq: 51 });

    // From a later `since` in the same epoch: only what follows, nothing lost.
    const later = await get(served.port, `/api/history?channel=process:web&since=40&epoch=${head.epoch}`);
    expect(later.body.messages.map((m: { seq: number }) => m.seq)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51]);
    expect(later.body.recovered).toBe(true);
  });

  it('with form=rows: the output as compact rows, anything else whole, read back as the same messages', async () => {
    const { hub, served } = await setup();
    const time = new Date().toISOString();
    hub.publishOutput('web', [
      { data: 'plain', stream: 'stdout', time },
      { data: 'ERROR "quoted", \\ back ✓ \u0001', stream: 'stderr', level: 'error', time },
      { data: '","stream":"stdout","timestamp":"x"}', stream: 'stdout', level: 'warn', time },
    ]);
    await hub.sendProcessStatus('web', { status: 'exited', exitCode: 0 });
    await hub.sendProcessOutput('web', 'after');
    const messages = await get(served.port, '/api/history?channel=process:web');
    const rows = await get(served.port, '/api/history?channel=process:web&form=rows');
    expect(rows.status).toBe(200);
    const { rows: list, ...head } = rows.body;
    const { messages: _, ...plainHead } = messages.body;
    expect(head).toEqual(plainHead);
    expect(list[0]).toEqual([1, time, 'stdout', 'plain']);
    expect(list[1]).toEqual([2, time, 'stderr', 'ERROR "quoted", \\ back ✓ \u0001', 'error']);
    expect(list[3]).toMatchObject({ type: 'process_status', seq: 4 });
    expect(list[4]).toEqual([5, expect.any(String), 'stdout', 'after']);
    // Read back, both forms are the same messages (what the dashboard hands on).
    expect(readHistoryAnswer(rows.body).entries.map((e) => entryMessage(e, 'process:web'))).toEqual(readHistoryAnswer(messages.body).entries);
    expect(readHistoryAnswer(rows.body).bad).toBe(0);
    const raw = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: served.port, path: '/api/history?channel=process:web&form=rows', headers: { Host: `127.0.0.1:${served.port}`, Authorization: `Bearer ${TOKEN}` } }, (res) => resolve(Number(res.headers['content-length'])));
      req.end();
    });
    expect(raw).toBeLessThan(Buffer.byteLength(JSON.stringify(messages.body)));
  });

  it('pages with limit and more; a since of another epoch, or one history no longer holds, starts at the oldest retained with recovered false', async () => {
    const { hub, served } = await setup({ maxMessages: 30, maxBytes: 1 << 20 });
    await print(hub, 'api', 100);
    const first = await get(served.port, '/api/history?channel=process:api&limit=10');
    expect(first.body).toMatchObject({ seq: 100, firstSeq: 71, recovered: false, more: true });
    expect(first.body.messages.map((m: { seq: number }) => m.seq)).toEqual([71, 72, 73, 74, 75, 76, 77, 78, 79, 80]);
    const next = await get(served.port, `/api/history?channel=process:api&since=80&epoch=${first.body.epoch}&limit=10`);
    expect(next.body).toMatchObject({ recovered: true, more: true });
    expect(next.body.messages[0].seq).toBe(81);
    const last = await get(served.port, `/api/history?channel=process:api&since=90&epoch=${first.body.epoch}`);
    expect(last.body).toMatchObject({ recovered: true, more: false });
    expect(last.body.messages).toHaveLength(10);

    const stale = await get(served.port, `/api/history?channel=process:api&since=20&epoch=${first.body.epoch}`);
    expect(stale.body).toMatchObject({ recovered: false });
    expect(stale.body.messages[0].seq).toBe(71);
    const otherLife = await get(served.port, '/api/history?channel=process:api&since=95&epoch=an-earlier-life');
    expect(otherLife.body).toMatchObject({ recovered: false });
    expect(otherLife.body.messages).toHaveLength(30);
    expect(otherLife.body.messages[0].seq).toBe(71);
  });

  it('serves viewers, refuses no credentials, and answers bad queries with a clear 400', async () => {
    const { hub, served } = await setup();
    await print(hub, 'web', 3);
    expect((await get(served.port, '/api/history?channel=process:web', VIEWER)).body.messages).toHaveLength(3);
    expect((await get(served.port, '/api/history?channel=process:web', null)).status).toBe(401);
    expect((await get(served.port, '/api/history?channel=process:web', 'wrong-token-0123456789')).status).toBe(401);
    for (const [query, reason] of [
      ['', /missing parameter "channel"/],
      ['?channel=', /channel/],
      ['?channel=process:web&since=-1', /"since" must be a whole number/],
      ['?channel=process:web&since=1e3', /"since" must be a whole number/],
      ['?channel=process:web&limit=100001', /"limit" must be at most 10000/],
      ['?channel=process:web&limit=0', /"limit" must be at least 1/],
      ['?channel=process:web&epoch=', /"epoch"/],
      ['?channel=process:web&form=ndjson', /"form" must be "messages" or "rows"/],
    ] as const) {
      const a = await get(served.port, `/api/history${query}`);
      expect(a.status, query).toBe(400);
      expect(a.body.error, query).toMatch(reason);
    }
    // A channel nobody published to: an empty history, not an error, and no channel made for it.
    const none = await get(served.port, '/api/history?channel=never:used');
    expect(none.body).toMatchObject({ seq: 0, firstSeq: 1, messages: [], more: false });
    expect(hub.stats().channelList.map((c) => c.name)).not.toContain('never:used');
  });

  it('stops an answer at 4 MiB and says there is more', async () => {
    const { hub, served } = await setup({ maxMessages: 10_000, maxBytes: 64 << 20 });
    hub.publishOutput(
      'big',
      Array.from({ length: 10_000 }, (_, i) => ({ data: `${i} ${'x'.repeat(700)}`, stream: 'stdout' as const, time: new Date().toISOString() })),
    );
    // 8 MB retained: one answer stops at 4 MiB, and says there is more.
    const first = await get(served.port, '/api/history?channel=process:big');
    expect(first.body.more).toBe(true);
    const bytes = Buffer.byteLength(JSON.stringify(first.body.messages));
    expect(bytes).toBeLessThanOrEqual(4.2 * 1024 * 1024);
    expect(bytes).toBeGreaterThan(3.5 * 1024 * 1024);
    const last = first.body.messages.at(-1).seq;
    const next = await get(served.port, `/api/history?channel=process:big&since=${last}&epoch=${first.body.epoch}`);
    expect(next.body.messages[0].seq).toBe(last + 1);
  });

  it('has at most eight answers under way at once: the ninth gets 503 with Retry-After, and is answered once they end', async () => {
    // An answer is under way from the request until its socket is done with it: here an engine
    // that does not answer holds them (a client that never reads would, past the kernel's buffers).
    const hub = new Hub({ tokens: { [TOKEN]: 'op' } });
    const waiting: (() => void)[] = [];
    const front = await startHttpFront(
      {
        hostAllowed: (req, port) => checkHost(req, { port }),
        auth: hub.auth,
        handleUpgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
        stats: () => hub.stats(),
        history: async (query) => {
          await new Promise<void>((release) => waiting.push(release));
          return readHistory(hub.engine, query);
        },
      },
      { host: '127.0.0.1', port: 0 },
    );
    cleanups.push(() => hub.close(), () => front.close());
    const held = Array.from({ length: 8 }, () => get(front.port, '/api/history?channel=process:web'));
    await until(() => waiting.length === 8, 'eight answers under way', 5000);
    const busy = await get(front.port, '/api/history?channel=process:web');
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.body.error).toMatch(/busy/);
    for (const release of waiting.splice(0)) release();
    expect((await Promise.all(held)).map((a) => a.status)).toEqual(Array(8).fill(200));
    const again = get(front.port, '/api/history?channel=process:web');
    await until(() => waiting.length === 1, 'the next answer under way', 5000);
    waiting.splice(0).forEach((release) => release());
    expect((await again).status).toBe(200);
  });
});
