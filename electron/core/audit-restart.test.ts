// The audit record is stored with the logs: a real core (hub, store, supervisor, alerts) on a
// temp state folder, an action made by a script, then the core started again on the same folder
// lists it in `audit.list` and in the retained `audit` channel; `--no-store` keeps nothing.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { AuditEventSchema, type AuditEvent } from '../../shared/protocol';
import { TestClient, until } from '../hub/test-helpers';
import { AUDIT_FILE_NAME, LogStore } from '../store';
import { startSwitchyard, type RunningSwitchyard } from './switchyard-app';

const TOKEN = 'audit-restart-operator-token-0123456789';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function project(): { dir: string; stateDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-audit-restart-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'switchyard.yaml'), 'processes:\n  web: { command: "sleep 1000" }\n');
  return { dir, stateDir: join(dir, 'state') };
}

async function start(where: { dir: string; stateDir: string }, noStore = false): Promise<{ app: RunningSwitchyard; client: TestClient }> {
  const app = await startSwitchyard({ config: join(where.dir, 'switchyard.yaml'), port: 0, portExplicit: true, token: TOKEN, tokenFile: '', appRoot: resolve(__dirname, '../..'), cwd: where.dir, stateDir: where.stateDir, noStore });
  const client = await TestClient.open(app.hubUrl, { token: TOKEN });
  const stop = async () => {
    await client.close();
    await app.close();
  };
  cleanups.push(stop);
  await until(() => app.supervisor.get('web').status === 'running', 'web running', 15_000);
  return { app, client };
}

const listed = async (client: TestClient): Promise<AuditEvent[]> => ((await client.request('audit.list')).data as { entries: AuditEvent[] }).entries;

it('an action made before a restart is listed after it, in audit.list and in the retained audit channel', async () => {
  const where = project();
  const first = await start(where);
  expect((await first.client.request('process.restart', { id: 'web' })).data).toMatchObject({ id: 'web' });
  const before = await listed(first.client);
  expect(before).toEqual([expect.objectContaining({ action: 'process.restart', target: 'web', userId: 'launch', role: 'operator', ok: true })]);
  await first.client.close();
  await first.app.close();

  const storeDir = new LogStore({ projectDir: where.dir, stateDir: where.stateDir }).dir;
  expect((statSync(join(storeDir, AUDIT_FILE_NAME)).mode & 0o777).toString(8)).toBe('600');

  const second = await start(where);
  expect(await listed(second.client)).toEqual(before);
  await second.client.subscribe('audit', { since: 0 });
  const retained = second.client.on('audit', 'event').map((m) => AuditEventSchema.parse(m.data));
  expect(retained).toEqual(before);
  // and the record goes on: a new action comes after the earlier one
  await second.client.request('process.stop', { id: 'web' });
  await until(() => second.client.on('audit', 'event').length === 2, 'the new entry', 5000);
  expect((await listed(second.client)).map((e) => e.action)).toEqual(['process.restart', 'process.stop']);
});

it('with --no-store nothing is kept or read from the store', async () => {
  const where = project();
  const first = await start(where, true);
  await first.client.request('process.restart', { id: 'web' });
  expect(await listed(first.client)).toHaveLength(1);
  await first.client.close();
  await first.app.close();
  const second = await start(where, true);
  expect(await listed(second.client)).toEqual([]);
});
