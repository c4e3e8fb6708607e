import { describe, expect, it } from 'vitest';
import { LogsSearchResultSchema, type LogLine, type LogsSearchParams } from '../../shared/protocol';
import type { LogStore, LogStoreOptions } from './log-store';
import { LogQueryError } from './query-error';
import { storeFixture } from './test-fixture';

const fixture = storeFixture('search');

function open(options: Partial<LogStoreOptions> = {}): LogStore {
  return fixture.open(options);
}

/** Every match of a search, page after page. */
async function searchAll(store: LogStore, params: Omit<LogsSearchParams, 'before'>): Promise<{ matches: LogLine[]; pages: number }> {
  const matches: LogLine[] = [];
  let before: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = LogsSearchResultSchema.parse(await store.search({ ...params, before }));
    matches.push(...page.matches);
    if (!page.more) return { matches, pages };
    expect(page.cursor).toBeDefined();
    before = page.cursor;
  }
}

/** 3 processes, 10,000 lines; every 1,000th line of `api` says "needle". */
async function filled(options: Partial<LogStoreOptions> = {}): Promise<LogStore> {
  const first = open(options);
  for (const id of ['api', 'web', 'db']) first.beginRun(id, 1);
  for (let i = 0; i < 10_000; i++) {
    const id = ['api', 'web', 'db'][i % 3] as string;
    first.append(id, i % 2 ? 'stderr' : 'stdout', `${id} line ${i}${id === 'api' && i % 1000 === 0 ? ' found the Needle here' : ''} ünïcode`, undefined, 1000 + i);
  }
  // A restart in between: the search covers what earlier sessions stored.
  await fixture.closeAll();
  return open(options);
}

describe('LogStore.search', () => {
  it('finds old lines newest first, across a restart, plain and case-insensitive by default', async () => {
    const store = await filled();
    const page = await store.search({ query: 'needle', limit: 100 });
    expect(page.more).toBe(false);
    expect(page.matches.map((m) => m.data.split(' ')[2])).toEqual(['9000', '6000', '3000', '0']);
    expect(page.matches[0]).toMatchObject({ process: 'api', run: 1, stream: 'stdout', time: new Date(1000 + 9000).toISOString() });
    expect((await store.search({ query: 'needle', caseSensitive: true, limit: 100 })).matches).toEqual([]);
    expect((await store.search({ query: 'Needle', caseSensitive: true, limit: 100 })).matches).toHaveLength(4);
    expect((await store.search({ query: 'needle', processes: ['web', 'db'], limit: 100 })).matches).toEqual([]);
    // A hit must lie within one line: "ünïcode" ends a line and "api" begins the next.
    expect((await store.search({ query: 'ünïcodeapi', limit: 100 })).matches).toEqual([]);
  });

  it('pages by cursor without a gap or a duplicate', async () => {
    const store = await filled();
    const { matches, pages } = await searchAll(store, { query: 'line 1', limit: 7 });
    const expected = Array.from({ length: 10_000 }, (_, i) => i).filter((i) => String(i).startsWith('1')).reverse();
    expect(matches.map((m) => Number(m.data.split(' ')[2]))).toEqual(expected);
    expect(pages).toBeGreaterThan(expected.length / 7);
  });

  it('bounds the work of one call and continues from its cursor', async () => {
    const store = await filled({ search: { maxLinesPerCall: 1000, chunkLines: 500 } });
    const first = await store.search({ query: 'needle', limit: 100 });
    expect(first.more).toBe(true);
    expect(first.scanned).toBeLessThan(5000);
    expect(first.matches.length).toBeLessThan(4);
    const { matches, pages } = await searchAll(store, { query: 'needle', limit: 100 });
    expect(matches.map((m) => m.data.split(' ')[2])).toEqual(['9000', '6000', '3000', '0']);
    expect(pages).toBeGreaterThan(1);
  });

  it('searches with a regular expression in the worker', async () => {
    const store = await filled();
    const { matches } = await searchAll(store, { query: 'line (99|42)\\d{2}\\b', regex: true, limit: 5 });
    const expected = Array.from({ length: 10_000 }, (_, i) => String(i)).filter((i) => /^(99|42)\d{2}$/.test(i)).reverse();
    expect(matches.map((m) => m.data.split(' ')[2])).toEqual(expected);
    expect((await store.search({ query: '^db LINE', regex: true, limit: 1 })).matches[0]?.process).toBe('db');
    expect((await store.search({ query: '^db LINE', regex: true, caseSensitive: true, limit: 1 })).matches).toEqual([]);
  });

  it('refuses a bad regular expression with bad_params', async () => {
    const store = await filled();
    const err = await store.search({ query: '(unclosed', regex: true, limit: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogQueryError);
    expect(err).toMatchObject({ code: 'bad_params', message: expect.stringMatching(/^query: not a valid regular expression/) });
    await expect(store.search({ query: 'x', before: 'nonsense', limit: 1 })).rejects.toMatchObject({ code: 'bad_params', message: expect.stringMatching(/^before:/) });
    // The plain text of the same query is fine.
    expect((await store.search({ query: '(unclosed', limit: 1 })).matches).toEqual([]);
  });

  it('stops a catastrophic regular expression with timeout, without blocking the event loop', async () => {
    const store = open({ search: { regexTimeoutMs: 300 } });
    store.beginRun('evil', 1);
    for (let i = 0; i < 20; i++) store.append('evil', 'stdout', `${'a'.repeat(40)}!`);
    let ticked = false;
    setTimeout(() => {
      ticked = true;
    }, 20);
    const err = await store.search({ query: '^(a+)+$', regex: true, limit: 10 }).catch((e: unknown) => e);
    expect(ticked).toBe(true);
    expect(err).toMatchObject({ code: 'timeout' });
    expect(store.stats().searchTimeouts).toBe(1);
    // The next search gets a fresh worker.
    expect((await store.search({ query: 'a!$', regex: true, limit: 100 })).matches).toHaveLength(20);
  });

  it('refuses more searches at once than allowed with rate_limited', async () => {
    const store = open({ search: { regexTimeoutMs: 300, maxConcurrent: 1 } });
    store.append('evil', 'stdout', `${'a'.repeat(40)}!`);
    const slow = store.search({ query: '^(a+)+$', regex: true, limit: 10 }).catch((e: unknown) => e);
    await expect(store.search({ query: 'a', limit: 1 })).rejects.toMatchObject({ code: 'rate_limited' });
    expect(await slow).toMatchObject({ code: 'timeout' });
  });

  it('sees lines appended a moment ago', async () => {
    const store = open();
    store.append('web', 'stdout', 'just now');
    expect((await store.search({ query: 'just', limit: 1 })).matches.map((m) => m.data)).toEqual(['just now']);
    // ASCII text and an ASCII query, case-sensitive: searched in the bytes.
    for (let i = 0; i < 500; i++) store.append('web', 'stdout', `plain ascii ${i}${i % 100 === 7 ? ' Marker' : ''}`);
    expect((await store.search({ query: 'Marker', caseSensitive: true, limit: 10 })).matches.map((m) => m.data)).toEqual(['plain ascii 407 Marker', 'plain ascii 307 Marker', 'plain ascii 207 Marker', 'plain ascii 107 Marker', 'plain ascii 7 Marker']);
    expect((await store.search({ query: 'marker', caseSensitive: true, limit: 10 })).matches).toEqual([]);
    expect((await store.search({ query: 'Märker', caseSensitive: true, limit: 10 })).matches).toEqual([]);
    expect((await store.search({ query: 'ii 499', caseSensitive: true, limit: 10 })).matches.map((m) => m.data)).toEqual(['plain ascii 499']);
  });
});
