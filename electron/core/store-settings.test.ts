// The store follows what the user configured, through a real core (hub, supervisor, store on a
// temp state folder, HTTP front on port 0) and a real ws client: a process's `store` setting,
// given in the config or with `process.add`, and the config's `store:` caps.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METHODS, type LogLine, type ProcessInfo } from '../../shared/protocol';
import { TestClient, until } from '../hub/test-helpers';
import { startSwitchyard, type RunningSwitchyard } from './switchyard-app';

const TOKEN = 'store-settings-operator-token-0123456789';
const NODE = JSON.stringify(process.execPath);
let dir = '';
let app: RunningSwitchyard | undefined;
let client: TestClient | undefined;

afterEach(async () => {
  await client?.close();
  await app?.close();
  client = app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(yaml: string[]): Promise<{ app: RunningSwitchyard; client: TestClient }> {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-store-settings-'));
  writeFileSync(join(dir, 'switchyard.yaml'), yaml.join('\n'));
  app = await startSwitchyard({ config: join(dir, 'switchyard.yaml'), port: 0, portExplicit: true, token: TOKEN, tokenFile: '', appRoot: resolve(__dirname, '../..'), cwd: dir, stateDir: join(dir, 'state'), log: () => {} });
  client = await TestClient.open(app.hubUrl, { token: TOKEN });
  return { app, client };
}

async function call<T>(c: TestClient, method: keyof typeof METHODS, params?: unknown): Promise<T> {
  const answer = (await c.request(method, params)) as { data?: unknown; error?: { message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return METHODS[method].result.parse(answer.data) as T;
}

/** Every stored line of `processes`, oldest first, page by page through logs.read. */
async function storedLines(c: TestClient, processes: string[]): Promise<LogLine[]> {
  const all: LogLine[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await call<{ lines: LogLine[]; more: boolean }>(c, 'logs.read', { processes, limit: 1000, ...(after ? { after } : {}) });
    all.push(...page.lines);
    if (!page.more || page.lines.length === 0) return all;
    after = page.lines[page.lines.length - 1]?.cursor;
  }
}

/** Lines of a process seen live on its channel. */
function liveData(c: TestClient, id: string): string[] {
  return c.on(`process:${id}`, 'process_output').flatMap((m) => (typeof m.data === 'string' ? [m.data] : []));
}

describe("each process's store setting", () => {
  it('stores nothing of a process added with store: false, and stores one added with the default; `stored` says which', async () => {
    const { app, client } = await start(['processes:', '  secret-config: { command: "echo config-secret; sleep 30", store: false }', '  kept-config: { command: "echo config-kept; sleep 30" }']);
    for (const id of ['added-secret', 'added-kept']) await client.subscribe(`process:${id}`);
    const echo = (text: string) => `${NODE} -e "console.log('${text}'); setTimeout(() => {}, 30000)"`;
    const added = await call<ProcessInfo>(client, 'process.add', { id: 'added-secret', command: echo('password=hunter2'), store: false });
    expect(added.stored).toBe(false);
    expect((await call<ProcessInfo>(client, 'process.add', { id: 'added-kept', command: echo('a kept line') })).stored).toBe(true);
    // Both lines are live on the wire: the setting is about the disk, not the hub.
    await until(() => liveData(client, 'added-secret').includes('password=hunter2') && liveData(client, 'added-kept').includes('a kept line'), 'both lines live', 15_000);
    await until(() => app.supervisor.list().every((p) => p.status === 'running'), 'all running', 15_000);

    expect((await storedLines(client, ['added-kept'])).map((l) => l.data)).toEqual(['a kept line']);
    expect(await storedLines(client, ['added-secret'])).toEqual([]);
    expect((await storedLines(client, ['kept-config', 'secret-config'])).map((l) => `${l.process}: ${l.data}`)).toEqual(['kept-config: config-kept']);
    const search = await call<{ matches: LogLine[] }>(client, 'logs.search', { query: 'hunter2', limit: 10 });
    expect(search.matches).toEqual([]);

    const list = await call<ProcessInfo[]>(client, 'process.list');
    expect(Object.fromEntries(list.map((p) => [p.id, p.stored]))).toEqual({ 'secret-config': false, 'kept-config': true, 'added-secret': false, 'added-kept': true });
  }, 30_000);

  it('follows the setting of a new definition after a remove: stored again when re-added without store: false', async () => {
    const { client } = await start(['processes:', '  idle: { command: "sleep 30" }']);
    await client.subscribe('process:again');
    const def = (text: string) => ({ id: 'again', command: `${NODE} -e "console.log('${text}'); setTimeout(() => {}, 30000)"` });
    await call(client, 'process.add', { ...def('first, not stored'), store: false });
    await until(() => liveData(client, 'again').includes('first, not stored'), 'first line live', 15_000);
    await call(client, 'process.remove', { id: 'again' });
    expect((await call<ProcessInfo>(client, 'process.add', def('second, stored'))).stored).toBe(true);
    await until(() => liveData(client, 'again').includes('second, stored'), 'second line live', 15_000);
    expect((await storedLines(client, ['again'])).map((l) => l.data)).toEqual(['second, stored']);
  }, 30_000);

  it('says stored: false for every process when the store is off (--no-store)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-store-settings-'));
    writeFileSync(join(dir, 'switchyard.yaml'), 'processes:\n  web: { command: "sleep 30" }\n');
    app = await startSwitchyard({ config: join(dir, 'switchyard.yaml'), port: 0, portExplicit: true, token: TOKEN, tokenFile: '', appRoot: resolve(__dirname, '../..'), cwd: dir, stateDir: join(dir, 'state'), noStore: true, log: () => {} });
    expect(app.supervisor.list().map((p) => p.stored)).toEqual([false]);
    expect(app.supervisor.add({ id: 'extra', command: 'sleep 30' }).stored).toBe(false);
  });
});

describe('the store caps of the config file', () => {
  it('a small per-process cap in switchyard.yaml evicts the oldest run first and keeps the newest whole', async () => {
    // ~40 KB per run against a 64 KiB cap: by the third run the first one has to go.
    const chatty = `${NODE} -e "for (let i = 0; i < 500; i++) console.log('line ' + i + ' of this run ' + 'x'.repeat(60))"`;
    const { app, client } = await start(['store:', '  maxBytesPerProcess: 65536', '  maxBytesTotal: 10485760', 'processes:', `  chatty: { command: ${JSON.stringify(chatty)} }`, '  quiet: { command: "echo the quiet line; sleep 30" }']);
    for (let run = 1; run <= 4; run++) {
      if (run > 1) app.supervisor.startProcess('chatty');
      await until(() => {
        const p = app.supervisor.get('chatty');
        return p.status === 'exited' && p.run === run;
      }, `chatty run ${run} exited`, 15_000);
    }
    const lines = await storedLines(client, ['chatty']);
    const runs = [...new Set(lines.map((l) => l.run))];
    expect(runs[0]).toBeGreaterThan(1); // the first run went first
    expect(runs).toEqual(Array.from({ length: runs.length }, (_, i) => (runs[0] as number) + i)); // only old runs went, none between
    const newest = lines.filter((l) => l.run === 4).map((l) => Number(l.data.split(' ')[1]));
    expect(newest).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(lines.length).toBeLessThan(3 * 500);
    // The cap is per process: the quiet one keeps its line.
    expect((await storedLines(client, ['quiet'])).map((l) => l.data)).toEqual(['the quiet line']);
  }, 30_000);

  it('refuses a bad store section at start, naming the file and the field', async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-store-settings-'));
    const cases: Array<[string, RegExp]> = [
      ['store: { maxBytesPerProcess: "64MiB" }', /field "store\.maxBytesPerProcess": must be a whole number of bytes, at least 65536/],
      ['store: { maxBytesTotal: 100 }', /field "store\.maxBytesTotal": must be a whole number of bytes, at least 65536 \(64 KiB\), got 100/],
      ['store: { maxBytes: 1000000 }', /field "store\.maxBytes": unknown \(known: maxBytesPerProcess, maxBytesTotal\)/],
      ['store: false', /field "store": must be a map/],
    ];
    for (const [line, message] of cases) {
      const file = join(dir, 'switchyard.yaml');
      writeFileSync(file, `${line}\nprocesses:\n  web: { command: "sleep 30" }\n`);
      await expect(startSwitchyard({ config: file, port: 0, portExplicit: true, token: TOKEN, tokenFile: '', appRoot: resolve(__dirname, '../..'), cwd: dir, stateDir: join(dir, 'state'), log: () => {} })).rejects.toThrow(
        new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${message.source}`),
      );
    }
  });
});
