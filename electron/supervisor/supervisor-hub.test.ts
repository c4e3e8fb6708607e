// End to end: the Supervisor with the real Hub on port 0 and real `ws` clients subscribed to
// `process:<id>` and `processes`; every received message must pass the protocol decoder.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { validateMessage, type Message, type ProcessStatusData } from '../../shared/protocol';
import { startHub, TestClient, VIEWER_TOKEN } from '../hub/test-helpers';
import type { ProcessInfo } from '../../shared/protocol';
import { Supervisor } from './supervisor';

const NODE = JSON.stringify(process.execPath);
const fixture = (name: string): string => JSON.stringify(join(__dirname, 'fixtures', name));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('streams lines, statuses and the process list through the real hub to ws subscribers', async () => {
  const { hub, url } = await startHub();
  cleanups.push(() => hub.close());
  const sup = new Supervisor({
    hub,
    watchdog: false,
    definitions: [
      { id: 'colour', command: `${NODE} ${fixture('colour.mjs')}` },
      { id: 'errors', command: `${NODE} ${fixture('stderr.mjs')}` },
      { id: 'three', command: 'echo bye; exit 3' },
      { id: 'progress', command: `${NODE} ${fixture('progress.mjs')}` },
      { id: 'long', command: `${NODE} -e "process.stdout.write('\\u00e9'.repeat(100 * 1024) + '\\n')"` },
      { id: 'forever', command: 'sleep 1000' },
    ],
  });
  cleanups.push(() => sup.close());
  const client = await TestClient.open(url);
  cleanups.push(() => client.close());
  for (const id of ['colour', 'errors', 'three', 'progress', 'long']) await client.subscribe(`process:${id}`);
  await client.subscribe('processes');

  sup.start();
  const exited = (id: string) => (m: Message) => m.channel === `process:${id}` && m.type === 'process_status' && (m.data as ProcessStatusData).status === 'exited';
  await Promise.all(['colour', 'errors', 'three', 'progress', 'long'].map((id) => client.waitFor(exited(id), 20_000)));

  for (const m of client.messages) expect(validateMessage(JSON.parse(JSON.stringify(m)))).toMatchObject({ ok: true });
  const lines = (id: string): [string | undefined, string][] =>
    client.on(`process:${id}`, 'process_output').map((m) => [(m as { stream?: string }).stream, m.data as string]);
  expect(lines('colour')).toEqual([
    ['stdout', '\x1b[31mred\x1b[0m line'],
    ['stdout', '\x1b[32mgreen\x1b[0m line'],
    ['stdout', '\x1b[34mblue\x1b[0m line'],
  ]);
  expect(lines('errors').filter(([s]) => s === 'stderr')).toEqual([
    ['stderr', 'warning: to stderr'],
    ['stderr', 'error: also stderr'],
  ]);
  expect(lines('three')).toEqual([['stdout', 'bye']]);
  const statuses = client.on('process:three', 'process_status').map((m) => m.data as ProcessStatusData);
  expect(statuses.map((s) => s.status)).toEqual(['starting', 'running', 'exited']);
  expect(statuses[2]?.exitCode).toBe(3);
  const progress = lines('progress').map(([, l]) => l);
  expect(progress.at(-2)).toBe('\r[####################] 100%');
  // a 200 KB line arrives in pieces of at most 64 KiB, nothing lost
  const long = lines('long').map(([, l]) => l);
  expect(long.join('')).toBe('\u00e9'.repeat(100 * 1024));
  expect(long.length).toBe(4);
  // seq grows by exactly one on each channel
  const seqs = client.on('process:colour').filter((m) => m.type !== 'subscribed').map((m) => m.seq as number);
  expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));

  const list = client.on('processes', 'event').at(-1)?.data as { kind: string; processes: ProcessInfo[] };
  expect(list.kind).toBe('list');
  expect(list.processes.map((p) => p.id)).toEqual(['colour', 'errors', 'three', 'progress', 'long', 'forever']);

  // methods over the wire: viewers may list but not stop; operators stop the whole group
  const viewer = await TestClient.open(url, { token: VIEWER_TOKEN });
  cleanups.push(() => viewer.close());
  const listed = await viewer.request('process.list');
  expect((listed.data as ProcessInfo[]).find((p) => p.id === 'forever')).toMatchObject({ status: 'running' });
  expect(await viewer.request('process.stop', { id: 'forever' })).toMatchObject({ error: { code: 'forbidden' } });
  expect(await client.request('process.stop', { id: 'nope' })).toMatchObject({ error: { code: 'not_found' } });
  const stopped = await client.request('process.stop', { id: 'forever' });
  expect(stopped.data).toMatchObject({ id: 'forever', status: 'stopped', signal: 'SIGTERM' });
});

it('samples CPU, memory and ports only while someone watches the process list', async () => {
  const { hub, url } = await startHub();
  cleanups.push(() => hub.close());
  const sup = new Supervisor({ hub, watchdog: false, resourceIntervalMs: 200, definitions: [{ id: 'busy', command: `${NODE} -e "setInterval(() => {}, 1000)"` }] });
  cleanups.push(() => sup.close());
  sup.start();
  await new Promise((r) => setTimeout(r, 600));
  expect(sup.get('busy').memoryBytes).toBeUndefined(); // nobody looks: nothing sampled
  const client = await TestClient.open(url, { token: VIEWER_TOKEN });
  cleanups.push(() => client.close());
  await client.subscribe('processes');
  const sampled = await client.waitFor((m) => {
    if (m.channel !== 'processes' || m.type !== 'event') return false;
    const list = (m.data as { processes: ProcessInfo[] }).processes;
    return (list.find((p) => p.id === 'busy')?.memoryBytes ?? 0) > 0;
  }, 10_000);
  expect(sampled).toBeDefined();
});
