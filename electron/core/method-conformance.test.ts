// The wire vocabulary holds at run time: every method of the typed map (shared/protocol/method-map.ts)
// is called through a real core (hub, store, supervisor, alerts, HTTP front) by a real ws client,
// and each answer is checked against the map's result schema; a refusal must carry a known code.
// A method added to the map without a call here fails the first test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, METHODS, type MethodName } from '../../shared/protocol';
import { TestClient, until, VIEWER_TOKEN } from '../hub/test-helpers';
import { startSwitchyard, type RunningSwitchyard } from './switchyard-app';

const TOKEN = 'conformance-operator-token-0123456789';
let dir = '';
let app: RunningSwitchyard;
let client: TestClient;
const called = new Set<MethodName>();

/** Call a method and check the answer against the map; returns the data (or the error). */
async function call(method: MethodName, params?: unknown, as: TestClient = client): Promise<{ data?: unknown; error?: { code: string; message: string } }> {
  called.add(method);
  const answer = (await as.request(method, params)) as { data?: unknown; error?: { code: string; message: string } };
  if (answer.error) {
    expect(ERROR_CODES as readonly string[]).toContain(answer.error.code);
    expect(typeof answer.error.message).toBe('string');
    return answer;
  }
  const parsed = METHODS[method].result.safeParse(answer.data);
  if (!parsed.success) throw new Error(`${method} answered what its schema refuses: ${parsed.error.message}\n${JSON.stringify(answer.data).slice(0, 500)}`);
  return answer;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-conformance-'));
  writeFileSync(
    join(dir, 'switchyard.yaml'),
    [
      'processes:',
      "  web: { command: \"node -e \\\"setInterval(() => console.log('tick'), 50)\\\"\" }",
      "  once: { command: \"echo done\", autostart: false }",
      "  shell: { command: \"exec bash --norc --noprofile -i\", tty: true }",
      "  reader: { command: \"cat\", stdin: true }",
      'alerts:',
      '  - { on: crash }',
    ].join('\n'),
  );
  app = await startSwitchyard({
    config: join(dir, 'switchyard.yaml'),
    port: 0,
    portExplicit: true,
    token: TOKEN,
    tokenFile: '',
    appRoot: resolve(__dirname, '../..'),
    cwd: dir,
    stateDir: join(dir, 'state'),
  });
  app.hub.auth.addToken(VIEWER_TOKEN, 'viewer');
  client = await TestClient.open(app.hubUrl, { token: TOKEN });
  await until(() => app.supervisor.list().find((p) => p.id === 'web')?.status === 'running', 'web running', 15_000);
}, 30_000);

afterAll(async () => {
  await client?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('every method of the map, through a real core', () => {
  it('answers in the shapes of the shared schemas', async () => {
    expect((await call('process.list')).data).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'web' })]));
    expect((await call('process.start', { id: 'once' })).data).toMatchObject({ id: 'once' });
    expect((await call('process.restart', { id: 'web' })).data).toMatchObject({ id: 'web' });
    expect((await call('process.stop', { id: 'web' })).data).toMatchObject({ id: 'web', status: 'stopped' });
    expect((await call('process.add', { id: 'extra', command: 'sleep 30' })).data).toMatchObject({ id: 'extra', origin: 'added' });
    expect((await call('process.remove', { id: 'extra' })).data).toEqual({ id: 'extra', removed: true });
    // Terminals and stdin, for processes that have them; a refusal with a known code otherwise.
    await until(() => app.supervisor.list().filter((p) => p.id === 'shell' || p.id === 'reader').every((p) => p.status === 'running'), 'shell and reader running', 15_000);
    expect((await call('process.input', { id: 'shell', data: 'echo hi\r' })).data).toMatchObject({ written: expect.any(Number) });
    expect((await call('process.input', { id: 'reader', data: 'a line\n' })).data).toMatchObject({ written: expect.any(Number) });
    expect((await call('process.input', { id: 'web', data: 'x' })).error?.code).toBe('bad_params');
    expect((await call('process.resize', { id: 'shell', cols: 100, rows: 40 })).data).toEqual({ cols: 100, rows: 40 });
    expect((await call('process.screen', { id: 'shell' })).data).toMatchObject({ cols: 100, rows: 40 });
    expect((await call('process.screen', { id: 'web' })).error?.code).toMatch(/bad_params|not_found/);
    expect((await call('hub.stats')).data).toMatchObject({ engine: { kind: 'memory' } });
    expect((await call('hub.whoami')).data).toMatchObject({ role: 'operator' });
    expect((await call('hub.loginLink', { role: 'viewer' })).data).toMatchObject({ url: expect.stringContaining('/login?ticket=') });
    const other = await TestClient.open(app.hubUrl, { token: TOKEN });
    const otherId = ((await other.request('hub.whoami')).data as { clientId: string }).clientId;
    expect((await call('hub.disconnect', { clientId: otherId })).data).toEqual({ disconnected: otherId });
    expect((await call('hub.revokeSessions', { role: 'viewer' })).data).toMatchObject({ revoked: expect.any(Number) });
    await until(() => app.supervisor.list().find((p) => p.id === 'once')?.status === 'exited', 'once exited', 10_000);
    expect((await call('logs.read', { limit: 10 })).data).toMatchObject({ lines: expect.any(Array) });
    expect((await call('logs.search', { query: 'tick', limit: 5 })).data).toMatchObject({ matches: expect.any(Array) });
    expect((await call('alerts.list')).data).toMatchObject({ alerts: expect.any(Array) });
    expect((await call('audit.list')).data).toMatchObject({ entries: expect.any(Array) });
    expect([...called].sort()).toEqual((Object.keys(METHODS) as MethodName[]).sort());
  }, 60_000);

  it('refuses bad params with bad_params naming the field, and operator methods to a viewer with forbidden', async () => {
    const badStart = await call('process.start', { id: 7 });
    expect(badStart.error).toMatchObject({ code: 'bad_params', message: expect.stringContaining('params.id') });
    expect((await call('logs.read', { limit: 0 })).error).toMatchObject({ code: 'bad_params', message: expect.stringContaining('params.limit') });
    const viewer = await TestClient.open(app.hubUrl, { token: VIEWER_TOKEN });
    for (const method of Object.keys(METHODS) as MethodName[]) {
      if (METHODS[method].role !== 'operator') continue;
      const answer = (await viewer.request(method, {})) as { error?: { code: string } };
      expect(answer.error?.code ?? 'ok', method).toBe('forbidden');
    }
    await viewer.close();
  });
});
