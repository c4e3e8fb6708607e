// SIGKILL of a process that writes through the store: a real child (the store bundled for
// plain Node), killed while it writes; what it stored is read back by a new store.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { bundleForNode } from '../../scripts/bundle-for-node.mjs';
import { LogStore } from './log-store';

/** The documented loss window: the flush interval (100 ms), plus slack for a busy machine's scheduler. */
const WINDOW_MS = 100;
const SLACK_MS = 150;

let tmp: string;
let writer: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'switchyard-kill-'));
  writer = (await bundleForNode('electron/store/fixtures/kill-writer.ts', join(tmp, 'bundle'))) as string;
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('LogStore under SIGKILL', () => {
  it(`loses at most the lines of the last ~${WINDOW_MS} ms, and nothing before them`, async () => {
    const projectDir = join(tmp, 'project');
    const stateDir = join(tmp, 'state');
    mkdirSync(projectDir);
    const child = spawn(process.execPath, [writer, projectDir, stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = { n: -1, time: 0 };
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const last = lines[lines.length - 1];
      if (last) {
        const [n, time] = last.split(' ').map(Number) as [number, number];
        acked = { n, time };
      }
    });
    // Let it write for a while (several flush intervals), then kill it mid-stream.
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (acked.n >= 3000) {
          clearInterval(check);
          resolve();
        }
      }, 5);
      child.once('exit', (code) => {
        clearInterval(check);
        reject(new Error(`the writer exited early (${code})`));
      });
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const seen = acked;

    const store = new LogStore({ projectDir, stateDir });
    store.start();
    try {
      const lines = (await store.read({ limit: 10_000 })).lines;
      // What was stored is every line from the first on, none missing, none damaged.
      expect(lines.map((l) => l.data)).toEqual(Array.from({ length: lines.length }, (_, i) => `line ${i}`));
      const lastStored = lines[lines.length - 1];
      expect(lastStored).toBeDefined();
      const lostMs = seen.time - Date.parse(lastStored?.time as string);
      expect(lostMs).toBeLessThanOrEqual(WINDOW_MS + SLACK_MS);
      // The killed session's torn lock is taken over and its run goes on counting.
      expect(store.runs('writer').map((r) => r.run)).toEqual([1]);
      expect(store.beginRun('writer')).toBe(2);
    } finally {
      await store.close();
    }
  }, 60_000);
});
