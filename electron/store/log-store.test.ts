import { lstatSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogsReadResultSchema, type LogLine } from '../../shared/protocol';
import type { LogStore} from './log-store';
import { StoreLockedError, type LogStoreOptions } from './log-store';
import { PrivatePathError } from './state-dir';
import { storeFixture } from './test-fixture';

const fixture = storeFixture('store');

function storeOf(options: Partial<LogStoreOptions> = {}): LogStore {
  return fixture.open(options);
}

async function reopen(_store: LogStore, options: Partial<LogStoreOptions> = {}): Promise<LogStore> {
  await fixture.closeAll();
  return storeOf(options);
}

/** Every stored line, oldest first, read page by page forward. */
async function readAll(store: LogStore, processes?: string[], limit = 7): Promise<LogLine[]> {
  const all: LogLine[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.read({ processes, after, limit });
    LogsReadResultSchema.parse(page);
    all.push(...page.lines);
    if (!page.more) return all;
    after = page.lines[page.lines.length - 1]?.cursor;
  }
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}

describe('LogStore: runs and restarts', () => {
  it('reads the lines of a first run back in order after a restart, with its run marker, and goes on counting runs', async () => {
    let store = storeOf();
    const t0 = Date.parse('2026-12-01T18:20:01Z');
    expect(store.beginRun('web', t0)).toBe(1);
    for (let i = 0; i < 500; i++) store.append('web', i % 3 === 0 ? 'stderr' : 'stdout', `line ${i} ü`, i % 5 === 0 ? 'warn' : undefined, t0 + i);
    store.appendChunk('web', [{ data: 'chunk a', stream: 'stdout' }, { data: 'chunk b', stream: 'stderr', level: 'error' }], t0 + 900);
    store.endRun('web', { endedAt: t0 + 1000, exitCode: 1 });
    store = await reopen(store);
    const lines = (await readAll(store)).slice(0, 500);
    expect((await readAll(store)).slice(500).map((l) => [l.data, l.stream, l.level, l.time])).toEqual([
      ['chunk a', 'stdout', undefined, '2026-12-01T18:20:01.900Z'],
      ['chunk b', 'stderr', 'error', '2026-12-01T18:20:01.900Z'],
    ]);
    expect(lines.map((l) => l.data)).toEqual(Array.from({ length: 500 }, (_, i) => `line ${i} ü`));
    expect(lines.every((l) => l.run === 1 && l.process === 'web')).toBe(true);
    expect(lines[0]).toMatchObject({ stream: 'stderr', level: 'warn', time: '2026-12-01T18:20:01.000Z' });
    expect(lines[1]).toMatchObject({ stream: 'stdout' });
    expect(lines[1]?.level).toBeUndefined();
    expect(store.runs('web')).toEqual([{ process: 'web', run: 1, startedAt: '2026-12-01T18:20:01.000Z', endedAt: '2026-12-01T18:20:02.000Z', exitCode: 1, lines: 502 }]);
    expect((await store.read({ limit: 1 })).runs).toEqual(store.runs('web'));

    // The next run after the restart is run 2, and a third session still knows both.
    expect(store.beginRun('web', t0 + 5000)).toBe(2);
    store.append('web', 'stdout', 'second run', undefined, t0 + 5001);
    store.endRun('web', { signal: 'SIGTERM', endedAt: t0 + 6000 });
    store = await reopen(store);
    expect(store.lastRun('web')).toBe(2);
    expect(store.runs('web').map((r) => [r.run, r.exitCode, r.signal, r.lines])).toEqual([
      [1, 1, undefined, 502],
      [2, undefined, 'SIGTERM', 1],
    ]);
    expect(store.beginRun('web')).toBe(3);
  });

  it('pages backward and forward without a jump or a duplicate', async () => {
    let store = storeOf({ maxBytesPerProcess: 256 * 1024 });
    store.beginRun('a', 1000);
    for (let i = 0; i < 3000; i++) store.append('a', 'stdout', `a${i}`, undefined, 1000 + i);
    store = await reopen(store, { maxBytesPerProcess: 256 * 1024 });
    const forward = (await readAll(store, undefined, 97)).map((l) => l.data);
    expect(forward).toEqual(Array.from({ length: 3000 }, (_, i) => `a${i}`));
    // Backward from the newest, the way a dashboard scrolls up.
    const backward: string[] = [];
    let page = await store.read({ before: new Date(10_000_000).toISOString(), limit: 113 });
    for (;;) {
      backward.unshift(...page.lines.map((l) => l.data));
      if (!page.more) break;
      page = await store.read({ before: page.lines[0]?.cursor, limit: 113 });
    }
    expect(backward).toEqual(forward);
    // A window between two cursors, and ISO times as positions.
    const all = (await store.read({ limit: 3000 })).lines;
    const window = await store.read({ after: all[10]?.cursor, before: all[20]?.cursor, limit: 100 });
    expect(window.lines.map((l) => l.data)).toEqual(Array.from({ length: 9 }, (_, i) => `a${11 + i}`));
    expect(window.more).toBe(false);
    expect((await store.read({ after: new Date(1000 + 2995).toISOString(), limit: 10 })).lines.map((l) => l.data)).toEqual(['a2996', 'a2997', 'a2998', 'a2999']);
    expect((await store.read({ before: new Date(1000 + 3).toISOString(), limit: 10 })).lines.map((l) => l.data)).toEqual(['a0', 'a1', 'a2']);
    (await expect(store.read({ before: 'yesterday', limit: 1 }))).rejects.toThrow(/before: expected a cursor/);
  });

  it('merges processes printing alternately in time order, equal times in the order they were read', async () => {
    let store = storeOf();
    store.beginRun('logger', 0);
    store.beginRun('warner', 0);
    const base = Date.parse('2026-12-01T18:18:00Z');
    const expected: string[] = [];
    for (let i = 0; i < 400; i++) {
      const [id, text] = i % 2 === 0 ? ['logger', `L${i}`] : ['warner', `W${i}`];
      // Two lines share each millisecond: their order is the order they arrived.
      store.append(id as string, 'stdout', text as string, undefined, base + Math.floor(i / 2));
      expected.push(text as string);
      if (i === 200) store = await reopen(store);
    }
    store = await reopen(store);
    const merged = await readAll(store, undefined, 33);
    expect(merged.map((l) => l.data)).toEqual(expected);
    const times = merged.map((l) => Date.parse(l.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect((await readAll(store, ['warner'])).map((l) => l.data)).toEqual(expected.filter((t) => t.startsWith('W')));
    expect(await readAll(store, ['nobody'])).toEqual([]);
  });
});

describe('LogStore: bounds', () => {
  it("keeps a quiet process's lines while a chatty one floods past its cap", async () => {
    let store = storeOf({ maxBytesPerProcess: 64 * 1024, maxBytes: 100 * 1024 * 1024 });
    store.beginRun('quiet', 1);
    store.beginRun('chatty', 1);
    store.append('quiet', 'stdout', 'the only line of quiet', undefined, 2);
    for (let i = 0; i < 20_000; i++) store.append('chatty', 'stdout', `chatty line ${i} ${'x'.repeat(40)}`, undefined, 3 + i);
    store.flush();
    const chatty = await readAll(store, ['chatty'], 10_000);
    // The oldest chatty lines went, the newest stayed, in order.
    expect(chatty.length).toBeGreaterThan(100);
    expect(chatty.length).toBeLessThan(20_000);
    expect(chatty[chatty.length - 1]?.data).toMatch(/^chatty line 19999 /);
    expect(chatty.map((l) => Number(l.data.split(' ')[2]))).toEqual(Array.from({ length: chatty.length }, (_, i) => 20_000 - chatty.length + i));
    store = await reopen(store, { maxBytesPerProcess: 64 * 1024 });
    expect((await readAll(store, ['quiet'])).map((l) => l.data)).toEqual(['the only line of quiet']);
    const stats = store.stats();
    expect(stats.bytes).toBeLessThanOrEqual(2 * 64 * 1024);
  });

  it('holds the global cap under a flood of several processes, evicting from the biggest', async () => {
    const cap = 256 * 1024;
    let store = storeOf({ maxBytesPerProcess: 1024 * 1024, maxBytes: cap });
    store.beginRun('small', 1);
    store.append('small', 'stdout', 'small line', undefined, 1);
    for (let i = 0; i < 30_000; i++) store.append(`p${i % 3}`, 'stdout', `flood ${i} ${'y'.repeat(60)}`, undefined, 2 + i);
    store.flush();
    expect(store.stats().bytes).toBeLessThanOrEqual(cap);
    expect(dirBytes(store.dir)).toBeLessThanOrEqual(cap + 4096);
    expect(store.stats().evictedSegments).toBeGreaterThan(0);
    expect((await readAll(store, ['small'])).map((l) => l.data)).toEqual(['small line']);
    const newest = (await store.read({ before: 'c' + (10 ** 9).toString(36), limit: 3 })).lines.map((l) => l.data.split(' ')[1]);
    expect(newest).toEqual(['29997', '29998', '29999']);
    store = await reopen(store, { maxBytesPerProcess: 1024 * 1024, maxBytes: cap });
    expect(dirBytes(store.dir)).toBeLessThanOrEqual(cap + 4096);
    expect((await readAll(store, ['small'])).map((l) => l.data)).toEqual(['small line']);
  });

  it('stores nothing of a process with storing off, and nothing at all when the store is off', async () => {
    const store = storeOf();
    store.configure('secret', { enabled: false });
    store.beginRun('secret');
    store.append('secret', 'stdout', 'password=hunter2');
    store.append('kept', 'stdout', 'kept line');
    expect((await readAll(store)).map((l) => l.data)).toEqual(['kept line']);
    expect(store.stats()).toMatchObject({ linesNotStored: 1, linesWritten: 1 });
    await fixture.closeAll();

    rmSync(join(fixture.tmp, 'state'), { recursive: true, force: true });
    const off = storeOf({ enabled: false });
    expect(off.beginRun('web')).toBe(1);
    off.append('web', 'stdout', 'not stored');
    expect(await off.read({ limit: 10 })).toEqual({ lines: [], more: false, runs: [] });
    expect(() => lstatSync(join(fixture.tmp, 'state'))).toThrow();
  });
});

describe('LogStore: files and folders', () => {
  it('makes its folders 0700 and its files 0600, one folder per project folder', () => {
    const store = storeOf();
    store.beginRun('web');
    store.append('web', 'stdout', 'x');
    store.flush();
    expect(store.dir).toMatch(/state\/switchyard\/project-[0-9a-f]{16}$/);
    const walk = (dir: string): void => {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else expect(statSync(path).mode & 0o777).toBe(0o600);
      }
    };
    walk(join(fixture.tmp, 'state', 'switchyard'));
  });

  it('refuses a state folder that is a symlink planted by someone else', () => {
    mkdirSync(join(fixture.tmp, 'state'));
    mkdirSync(join(fixture.tmp, 'elsewhere'));
    symlinkSync(join(fixture.tmp, 'elsewhere'), join(fixture.tmp, 'state', 'switchyard'));
    expect(() => storeOf()).toThrow(PrivatePathError);
    expect(readdirSync(join(fixture.tmp, 'elsewhere'))).toEqual([]);
  });

  it('refuses a segment path that is a symlink, and a second store on the same project', async () => {
    const store = storeOf();
    expect(() => storeOf()).toThrow(StoreLockedError);
    store.beginRun('web');
    store.append('web', 'stdout', 'one');
    store.flush();
    const [procDir] = readdirSync(store.dir, { withFileTypes: true }).filter((e) => e.isDirectory());
    const dir = join(store.dir, procDir?.name as string);
    await fixture.closeAll();
    // Plant a link where the next session's segment will be created: it must not be written through.
    const next = readdirSync(dir).filter((n) => n.endsWith('.seg')).length + 1;
    const target = join(fixture.tmp, 'victim');
    symlinkSync(target, join(dir, `${String(next).padStart(8, '0')}.seg`));
    const warnings: string[] = [];
    const again = storeOf({ onWarning: (m) => warnings.push(m) });
    again.append('web', 'stdout', 'two');
    again.flush();
    expect(() => lstatSync(target)).toThrow();
    expect((await readAll(again)).map((l) => l.data)).toEqual(['one', 'two']);
  });
});
