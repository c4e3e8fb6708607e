// Stored output across a real restart of serve (issue 16's acceptance): real processes print, serve
// is stopped with SIGTERM and started again on the same state folder, and the first run is read
// back through logs.read: in order, with its run; a chatty process at its cap leaves a quiet one's
// lines alone; two processes printing alternately come back merged in time order. A SIGKILL of a
// store writer is covered by electron/store/log-store-kill.test.ts, the reload in the dashboard by
// tests/e2e/log-view.spec.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS, type LogLine, type ProcessInfo, type RunInfo } from '../../shared/protocol';
import { TestClient, until } from '../hub/test-helpers';
import { startServe, type ServeProcess } from './serve-process';

const TOKEN = 'stored-restart-operator-token-0123456789';
const NODE = JSON.stringify(process.execPath);
const CAP = 65536;
const dir = mkdtempSync(join(tmpdir(), 'switchyard-stored-restart-'));
let serve: ServeProcess | undefined;
let client: TestClient | undefined;

// `quiet`: 50 numbered lines; `chatty`: 3,000 lines of 100 bytes (4.6 times its cap); `alt-a` and
// `alt-b`: 20 lines each, interleaved in time (b starts 15 ms after a; both every 30 ms).
const script = (body: string) => `${NODE} -e ${JSON.stringify(body)}`;
const CONFIG = [
  'store:',
  `  maxBytesPerProcess: ${CAP}`,
  'processes:',
  `  quiet: { command: ${JSON.stringify(script('for (let i = 1; i <= 50; i++) console.log("quiet " + i)'))}, restart: { mode: never } }`,
  `  chatty: { command: ${JSON.stringify(script('for (let i = 1; i <= 3000; i++) console.log(("chatty " + i + " ").padEnd(99, "x"))'))}, restart: { mode: never } }`,
  `  alt-a: { command: ${JSON.stringify(script('let i = 0; const t = setInterval(() => { console.log("a" + ++i); if (i === 20) clearInterval(t); }, 30)'))}, restart: { mode: never } }`,
  `  alt-b: { command: ${JSON.stringify(script('setTimeout(() => { let i = 0; const t = setInterval(() => { console.log("b" + ++i); if (i === 20) clearInterval(t); }, 30); }, 15)'))}, restart: { mode: never } }`,
].join('\n');

async function start(): Promise<TestClient> {
  serve = await startServe(['--config', join(dir, 'switchyard.yaml'), '--port', '0', '--token', TOKEN, '--token-file', join(dir, 'token')], { XDG_STATE_HOME: join(dir, 'state') }, dir);
  client = await TestClient.open(serve.hubUrl, { token: TOKEN });
  return client;
}

async function stop(): Promise<void> {
  await client?.close();
  if (serve && serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  }
}

async function call<M extends keyof typeof METHODS>(c: TestClient, method: M, params?: unknown): Promise<unknown> {
  const answer = (await c.request(method, params)) as { data?: unknown; error?: { message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return METHODS[method].result.parse(answer.data);
}

/** Every stored line of `processes`, oldest first, page by page, and the runs they belong to. */
async function stored(c: TestClient, processes: string[]): Promise<{ lines: LogLine[]; runs: RunInfo[] }> {
  const lines: LogLine[] = [];
  const runs = new Map<string, RunInfo>();
  let after: string | undefined;
  for (;;) {
    const page = (await call(c, 'logs.read', { processes, limit: 1000, ...(after ? { after } : {}) })) as { lines: LogLine[]; more: boolean; runs?: RunInfo[] };
    lines.push(...page.lines);
    for (const run of page.runs ?? []) runs.set(`${run.process}#${run.run}`, run);
    if (!page.more || page.lines.length === 0) return { lines, runs: [...runs.values()] };
    after = page.lines[page.lines.length - 1]?.cursor;
  }
}

const allExited = async (c: TestClient) => ((await call(c, 'process.list')) as ProcessInfo[]).every((p) => p.status === 'exited');

describe('stored output across a real restart of serve', () => {
  let first: { quiet: LogLine[]; alt: LogLine[] };
  let after: { quiet: { lines: LogLine[]; runs: RunInfo[] }; chatty: LogLine[]; alt: LogLine[] };

  beforeAll(async () => {
    writeFileSync(join(dir, 'switchyard.yaml'), CONFIG + '\n');
    const c = await start();
    await until(() => allExited(c), 'every process of the first run exited', 20_000);
    first = { quiet: (await stored(c, ['quiet'])).lines, alt: (await stored(c, ['alt-a', 'alt-b'])).lines };
    await stop();
    const again = await start(); // the same state folder: the processes run a second time
    await until(() => allExited(again), 'every process of the second run exited', 20_000);
    after = { quiet: await stored(again, ['quiet']), chatty: (await stored(again, ['chatty'])).lines, alt: (await stored(again, ['alt-a', 'alt-b'])).lines };
  }, 90_000);
  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the first run back in order after the restart, with its run and its end', () => {
    const run1 = after.quiet.lines.filter((l) => l.run === 1).map((l) => l.data);
    expect(run1).toEqual(Array.from({ length: 50 }, (_, i) => `quiet ${i + 1}`));
    expect(after.quiet.lines.filter((l) => l.run === 2).map((l) => l.data)).toEqual(run1);
    // Run 1 comes before run 2, and each run says how it ended (the dashboard's separator line).
    expect(after.quiet.lines.findIndex((l) => l.run === 2)).toBe(50);
    const runs = after.quiet.runs.filter((r) => r.process === 'quiet').sort((a, b) => a.run - b.run);
    expect(runs.map((r) => [r.run, r.exitCode, r.lines])).toEqual([
      [1, 0, 50],
      [2, 0, 50],
    ]);
    expect(first.quiet.map((l) => l.data)).toEqual(run1);
  });

  it("a chatty process at its cap keeps its newest lines and leaves a quiet process's alone", () => {
    const bytes = after.chatty.reduce((n, l) => n + Buffer.byteLength(l.data) + 1, 0);
    expect(bytes).toBeLessThanOrEqual(CAP);
    expect(after.chatty.at(-1)?.data).toMatch(/^chatty 3000 /);
    expect(after.chatty.at(-1)?.run).toBe(2);
    expect(after.quiet.lines).toHaveLength(100);
  });

  it('two processes printing alternately come back merged in time order, not one block per process', () => {
    for (const lines of [first.alt, after.alt.filter((l) => l.run === 1)]) {
      const times = lines.map((l) => Date.parse(l.time));
      expect(times).toEqual([...times].sort((x, y) => x - y));
      const data = lines.map((l) => l.data);
      expect(data.filter((d) => d.startsWith('a'))).toEqual(Array.from({ length: 20 }, (_, i) => `a${i + 1}`));
      expect(data.filter((d) => d.startsWith('b'))).toEqual(Array.from({ length: 20 }, (_, i) => `b${i + 1}`));
      // Interleaved (each printed every 30 ms, b 15 ms after a; the exact alternation is left to the timers).
      expect(data.indexOf('b1')).toBeLessThan(data.indexOf('a10'));
      expect(data.indexOf('a20')).toBeGreaterThan(data.indexOf('b10'));
    }
  });
});
