// The methods through the real hub on port 0 and a real WebSocket client with a viewer token
// (the store itself never imports the hub; this test wires them as the serve entry will).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { METHODS } from '../../shared/protocol';
import type { Hub } from '../hub/hub';
import { startHub, TestClient, VIEWER_TOKEN } from '../hub/test-helpers';
import { MethodError } from '../hub/methods';
import { registerLogMethods } from './log-methods';
import { LogStore } from './log-store';

let tmp: string;
let store: LogStore;
let hub: Hub;
let viewer: TestClient;

beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'switchyard-methods-'));
  mkdirSync(join(tmp, 'project'));
  store = new LogStore({ projectDir: join(tmp, 'project'), stateDir: join(tmp, 'state') });
  store.start();
  const started = await startHub();
  hub = started.hub;
  registerLogMethods(hub, store, (code, message) => new MethodError(code, message));
  viewer = await TestClient.open(started.url, { token: VIEWER_TOKEN });
});
afterEach(async () => {
  await viewer.close();
  await hub.close();
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('logs.read and logs.search', () => {
  it('answer a viewer in the shapes of the method map', async () => {
    store.beginRun('web', Date.parse('2026-12-01T18:20:01Z'));
    for (let i = 0; i < 30; i++) store.append('web', 'stdout', `{"level":"${i % 2 ? 'info' : 'error'}","msg":"request ${i}"}`, i % 2 ? 'info' : 'error', Date.parse('2026-12-01T18:20:02Z') + i);
    store.endRun('web', { exitCode: 1, endedAt: Date.parse('2026-12-01T18:21:00Z') });

    const read = await viewer.request('logs.read', { limit: 10 });
    const page = METHODS['logs.read'].result.parse(read.data);
    expect(page.lines.map((l) => l.data)).toHaveLength(10);
    expect(page.more).toBe(true);
    expect(page.runs).toEqual([{ process: 'web', run: 1, startedAt: '2026-12-01T18:20:01.000Z', endedAt: '2026-12-01T18:21:00.000Z', exitCode: 1, lines: 30 }]);
    const next = METHODS['logs.read'].result.parse((await viewer.request('logs.read', { limit: 100, after: page.lines[9]?.cursor })).data);
    expect(next.lines.map((l) => l.data)[0]).toContain('request 10');
    expect(next.more).toBe(false);

    const search = METHODS['logs.search'].result.parse((await viewer.request('logs.search', { query: 'request 2', limit: 5 })).data);
    expect(search.matches.map((m) => m.data.match(/request (\d+)/)?.[1])).toEqual(['29', '28', '27', '26', '25']);
    expect(search.matches[0]).toMatchObject({ level: 'info', process: 'web', run: 1 });
    expect(search.more).toBe(true);
  });

  it('refuse bad params with bad_params naming the field', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['logs.read', { limit: 0 }, /\blimit: /],
      ['logs.read', { limit: 10, before: 'yesterday' }, /^before: expected a cursor/],
      ['logs.read', { limit: 10, processes: 'web' }, /\bprocesses: /],
      ['logs.read', { limit: 10, extra: true }, /extra/],
      ['logs.read', undefined, /\bparams: /],
      ['logs.search', { limit: 10 }, /\bquery: /],
      ['logs.search', { query: '(', regex: true, limit: 10 }, /^query: not a valid regular expression/],
      ['logs.search', { query: 'x'.repeat(1001), limit: 10 }, /\bquery: /],
      ['logs.search', { query: 'x', limit: 10, before: 42 }, /\bbefore: /],
    ];
    for (const [method, params, message] of cases) {
      const answer = await viewer.request(method, params);
      expect({ method, params, error: (answer as { error?: unknown }).error }).toMatchObject({ error: { code: 'bad_params', message: expect.stringMatching(message) } });
    }
  });
});
