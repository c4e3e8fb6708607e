// The grace period of a stop, end to end: the real Supervisor on the real Hub (port 0), a real
// child that traps SIGTERM, and ws clients that watch `process:<id>` and ask `process.list`
// while the stop is under way.
import { afterEach, expect, it } from 'vitest';
import { validateMessage, type Message, type ProcessInfo, type ProcessStatusData } from '../../shared/protocol';
import { TestClient, until } from '../hub/test-helpers';
import type { ProcessDefinition } from './process-definition';
import type { Supervisor } from './supervisor';
import { cleanups, NODE, onRealHub, runCleanups } from './test-support';

afterEach(runCleanups);

/** A node child that says when it is up, and on SIGTERM says so and exits after `exitAfterMs` (never, when null). */
function trapsTerm(exitAfterMs: number | null): string {
  const onTerm = exitAfterMs === null ? "console.log('term')" : `console.log('term'); setTimeout(() => process.exit(0), ${exitAfterMs})`;
  return `exec ${NODE} -e "process.on('SIGTERM', () => { ${onTerm} }); console.log('up'); setInterval(() => {}, 1000)"`;
}

async function setup(definitions: ProcessDefinition[]): Promise<{ client: TestClient; sup: Supervisor; url: string }> {
  const { client, sup, url } = await onRealHub(definitions);
  sup.start();
  for (const d of definitions) await client.waitFor((m) => m.channel === `process:${d.id}` && m.type === 'process_output' && m.data === 'up', 10_000);
  return { client, sup, url };
}

const statuses = (client: TestClient, id: string): ProcessStatusData[] => client.on(`process:${id}`, 'process_status').map((m) => m.data as ProcessStatusData);
const isStatus = (id: string, status: string) => (m: Message) => m.channel === `process:${id}` && m.type === 'process_status' && (m.data as ProcessStatusData).status === status;

it('publishes `stopping` with killAt during the grace period, lists it meanwhile, then `stopped` by SIGKILL', async () => {
  const { client, url } = await setup([{ id: 'stubborn', command: trapsTerm(null), stopGraceMs: 1500 }]);
  const asked = Date.now();
  const stop = client.request('process.stop', { id: 'stubborn' });
  const stopping = (await client.waitFor(isStatus('stubborn', 'stopping'), 5000)).data as ProcessStatusData;
  const killAt = Date.parse(stopping.killAt ?? '');
  expect(killAt).toBeGreaterThan(Date.now()); // in the future while we look
  expect(killAt).toBeGreaterThanOrEqual(asked + 1500 - 50);
  expect(killAt).toBeLessThanOrEqual(Date.now() + 1500);
  expect(stopping.pid).toBeGreaterThan(1);

  // a second client asks the list while the first one's stop is still under way
  const other = await TestClient.open(url);
  cleanups.push(() => other.close());
  const listed = (await other.request('process.list')).data as ProcessInfo[];
  expect(listed.find((p) => p.id === 'stubborn')).toMatchObject({ status: 'stopping', killAt: stopping.killAt, pid: stopping.pid });

  const answer = await stop;
  expect(answer.data).toMatchObject({ id: 'stubborn', status: 'stopped', signal: 'SIGKILL' });
  expect(Date.now()).toBeGreaterThanOrEqual(killAt - 50); // SIGKILL came at killAt, not before
  await client.waitFor(isStatus('stubborn', 'stopped'), 5000);
  expect(statuses(client, 'stubborn').map((s) => s.status)).toEqual(['starting', 'running', 'stopping', 'stopped']);
  expect(statuses(client, 'stubborn').at(-1)?.killAt).toBeUndefined();
  expect(client.on('process:stubborn', 'process_output').map((m) => m.data)).toContain('term');
  for (const m of client.messages) expect(validateMessage(JSON.parse(JSON.stringify(m)))).toMatchObject({ ok: true });
  const after = (await other.request('process.list')).data as ProcessInfo[];
  expect(after.find((p) => p.id === 'stubborn')?.killAt).toBeUndefined();
});

it('a process that exits within its grace period goes from `stopping` to `stopped` by the stop signal; a restart passes through `stopping` too', async () => {
  const { client, sup } = await setup([{ id: 'polite', command: trapsTerm(300), stopGraceMs: 5000 }]);
  const stopped = await client.request('process.stop', { id: 'polite' });
  expect(stopped.data).toMatchObject({ status: 'stopped', signal: 'SIGTERM' });
  expect(statuses(client, 'polite').map((s) => s.status)).toEqual(['starting', 'running', 'stopping', 'stopped']);

  sup.startProcess('polite');
  await until(() => sup.get('polite').status === 'running', 'polite runs again', 10_000);
  await client.request('process.restart', { id: 'polite' });
  await until(() => statuses(client, 'polite').filter((s) => s.status === 'running').length === 3, 'polite restarted', 10_000);
  expect(statuses(client, 'polite').map((s) => s.status).slice(4)).toEqual(['starting', 'running', 'stopping', 'stopped', 'starting', 'running']);
});
