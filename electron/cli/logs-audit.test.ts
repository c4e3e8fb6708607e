// `switchyard logs --audit` in-process against a real running core (hub, store, supervisor,
// alerts on port 0): actions made by a script (a plain ws client with its own token) are printed
// with who made them; -n, --since, names, --json, and -f following the `audit` channel.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuditEventSchema } from '../../shared/protocol';
import { startSwitchyard, type RunningSwitchyard } from '../core/switchyard-app';
import { TestClient, until } from '../hub/test-helpers';
import { runCli } from './program';
import { recordingIo, type RecordedIo } from './test-io';

const TOKEN = 'logs-audit-operator-token-0123456789';
const SCRIPT_TOKEN = 'logs-audit-script-token-0123456789ab';
let dir = '';
let app: RunningSwitchyard;
let script: TestClient;
let flags: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-logs-audit-'));
  writeFileSync(join(dir, 'switchyard.yaml'), 'processes:\n  web: { command: "sleep 1000" }\n  worker: { command: "sleep 1000" }\n');
  app = await startSwitchyard({ config: join(dir, 'switchyard.yaml'), port: 0, portExplicit: true, token: TOKEN, tokenFile: '', appRoot: resolve(__dirname, '../..'), cwd: dir, stateDir: join(dir, 'state') });
  app.hub.auth.addToken(SCRIPT_TOKEN, 'operator', 'deploy-bot');
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  flags = ['--port', String(app.port), '--token-file', tokenFile];
  await until(() => app.supervisor.list().every((p) => p.status === 'running'), 'processes running', 15_000);
  script = await TestClient.open(app.hubUrl, { token: SCRIPT_TOKEN });
}, 30_000);

afterAll(async () => {
  await script?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function logs(argv: string[], io: RecordedIo = recordingIo()): Promise<{ code: number; io: RecordedIo }> {
  const code = await runCli(['logs', '--audit', ...argv, ...flags], io);
  return { code, io };
}

it('prints an action made from a script with who made it, when and with which role; -n, names, --since and --json', async () => {
  expect((await script.request('process.restart', { id: 'web' })).data).toMatchObject({ id: 'web' });
  expect((await script.request('process.restart', { id: 'worker' })).data).toMatchObject({ id: 'worker' });
  const { code, io } = await logs([]);
  expect(code, io.stderr).toBe(0);
  const lines = io.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}deploy-bot \(operator, [\w-]+\) {2}process\.restart web {2}ok$/);
  expect(lines[1]).toMatch(/deploy-bot \(operator, [\w-]+\) {2}process\.restart worker {2}ok$/);

  expect((await logs(['-n', '1'])).io.stdout).toBe(`${lines[1]}\n`);
  expect((await logs(['web'])).io.stdout).toBe(`${lines[0]}\n`);
  expect((await logs(['--since', '2099-01-01T00:00'])).io.stdout).toBe('');
  const json = (await logs(['--json', '-n', '1'])).io.stdout.trimEnd().split('\n');
  expect(json.map((l) => AuditEventSchema.parse(JSON.parse(l)))).toEqual([expect.objectContaining({ action: 'process.restart', target: 'worker', userId: 'deploy-bot', role: 'operator', ok: true })]);
  // --json belongs to --audit: without it, a usage error
  const plain = recordingIo();
  expect(await runCli(['logs', '--json', ...flags], plain)).toBe(2);
  expect(plain.stderr).toMatch(/--json goes with --audit/);
});

it('-f prints the record, then each new action as it is made, until Ctrl-C', async () => {
  let interrupt: (signal: NodeJS.Signals) => void = () => {};
  const io = recordingIo({ onSignal: (listener) => ((interrupt = listener), () => {}) });
  const done = logs(['-f', 'worker'], io);
  await until(() => io.stdout.includes('process.restart worker'), 'the record so far', 10_000);
  const before = io.stdout;
  await script.request('process.stop', { id: 'worker' });
  await script.request('process.stop', { id: 'web' }); // not asked for
  const refused = await TestClient.open(app.hubUrl, { token: TOKEN });
  await refused.request('process.input', { id: 'worker', data: 'x' });
  await refused.close();
  await until(() => io.stdout.includes('process.input worker  refused'), 'the live entries', 10_000);
  interrupt('SIGINT');
  expect((await done).code).toBe(0);
  const added = io.stdout.slice(before.length).trimEnd().split('\n');
  expect(added).toHaveLength(2);
  expect(added[0]).toMatch(/deploy-bot \(operator, [\w-]+\) {2}process\.stop worker {2}ok$/);
  expect(added[1]).toMatch(/launch \(operator, [\w-]+\) {2}process\.input worker {2}refused: /);
});
