// The page's history reads: the token in a header, never in the URL; rows asked for; an answer
// that is not this channel's, or not a 200, refused (the caller then falls back to the replay).
import { describe, expect, it } from 'vitest';
import { entryMessage, type OutputRow } from '../../../shared/protocol';
import { historyFetcher } from './history-fetch';

function fakeFetch(answer: { status?: number; body: unknown }) {
  const calls: { url: string; init: RequestInit }[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
  }) as unknown as typeof fetch;
  return { calls, impl };
}

const head = { channel: 'process:web', epoch: 'e1', seq: 2, firstSeq: 1, recovered: true, more: false };

describe('historyFetcher', () => {
  it('asks for rows after since in the epoch, with the token in the Authorization header only', async () => {
    const { calls, impl } = fakeFetch({ body: { ...head, rows: [[2, '2026-12-02T12:00:00.000Z', 'stderr', 'two', 'warn']] } });
    const read = historyFetcher(impl, 'http://127.0.0.1:7420', 'page-token-0123456789');
    const answer = await read?.('process:web', { since: 1, epoch: 'e1' });
    // Rows stay rows; each is the message it stands for.
    expect(answer?.entries).toEqual([[2, '2026-12-02T12:00:00.000Z', 'stderr', 'two', 'warn']]);
    expect(answer?.entries.map((e) => entryMessage(e, 'process:web'))).toEqual([{ type: 'process_output', channel: 'process:web', processId: 'web', data: 'two', stream: 'stderr', level: 'warn', timestamp: '2026-12-02T12:00:00.000Z', seq: 2 }]);
    const url = new URL(calls[0]?.url ?? '');
    expect(url.pathname).toBe('/api/history');
    expect(Object.fromEntries(url.searchParams)).toEqual({ channel: 'process:web', form: 'rows', since: '1', epoch: 'e1' });
    expect(calls[0]?.url).not.toContain('page-token');
    expect(calls[0]?.init.headers).toEqual({ Authorization: 'Bearer page-token-0123456789' });
    expect(calls[0]?.init.credentials).toBe('omit');
  });

  it('refuses a failed answer and an answer about another channel; reads nothing without a token', async () => {
    expect(historyFetcher(fakeFetch({ body: {} }).impl, 'http://127.0.0.1:7420', undefined)).toBeUndefined();
    const busy = historyFetcher(fakeFetch({ status: 503, body: { error: 'busy' } }).impl, 'http://127.0.0.1:7420', 'tok');
    await expect(busy?.('process:web', { since: 0 })).rejects.toThrow(/HTTP 503/);
    const other = historyFetcher(fakeFetch({ body: { ...head, channel: 'process:api', rows: [] } }).impl, 'http://127.0.0.1:7420', 'tok');
    await expect(other?.('process:web', { since: 0 })).rejects.toThrow(/about process:api/);
    // A row that is not one (a number as data) is dropped and counted, not handed on.
    const odd = historyFetcher(fakeFetch({ body: { ...head, rows: [[1, 't', 'stdout', 5], [2, 't', 'stdout', 'ok']] } }).impl, 'http://127.0.0.1:7420', 'tok');
    const answer = await odd?.('process:web', { since: 0 });
    expect(answer?.entries.map((e) => (e as OutputRow)[3])).toEqual(['ok']);
    expect(answer?.bad).toBe(1);
  });
});
