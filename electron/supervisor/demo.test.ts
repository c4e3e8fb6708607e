// The demo set in resources/demo runs as advertised: a setup job that completes before the web
// server starts, the web server's readiness before the ticker, colours, stderr, a `\r` progress
// bar, a crasher restarted by the config's policy, and a ticker that stops on its configured SIGINT.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from './config-file';
import { RecordingHub } from './recording-hub';
import { Supervisor } from './supervisor';

const demo = join(__dirname, '..', '..', 'resources', 'demo');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

it('runs the demo set from switchyard.yaml', async () => {
  const defs = loadConfig(join(demo, 'switchyard.yaml'));
  expect(defs.map((d) => d.id)).toEqual(['setup', 'web', 'logger', 'warnings', 'progress', 'crasher', 'ticker']);
  const hub = new RecordingHub();
  // `node` on PATH is what the Procfile names; make sure it is this test's node.
  const env = { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}`, CRASH_AFTER_MS: '200' };
  const sup = new Supervisor({ hub, definitions: defs, env, watchdog: false });
  cleanups.push(() => sup.close());
  sup.start();
  await Promise.all([
    hub.waitFor(() => hub.lines('logger').some((l) => l.line.includes('\x1b[')), 'a coloured log line'),
    hub.waitFor(() => hub.lines('warnings').some((l) => l.stream === 'stderr'), 'a stderr line'),
    hub.waitFor(() => hub.lines('progress').some((l) => l.line.startsWith('\r')), 'a progress update'),
    hub.waitStatus('crasher', 'restarting'),
    hub.waitFor(() => hub.lines('ticker').some((l) => l.line === 'tick 1'), 'a tick'),
  ]);
  // the order: setup completed, then web started; web healthy, then the ticker started
  const at = (id: string, pred: (d: { status?: string; health?: string; exitCode?: number }) => boolean): number =>
    hub.messages.findIndex((m) => m.channel === `process:${id}` && m.type === 'process_status' && pred(m.data as { status?: string }));
  expect(at('setup', (d) => d.status === 'exited' && d.exitCode === 0)).toBeLessThan(at('web', (d) => d.status === 'starting'));
  expect(at('web', (d) => d.health === 'healthy')).toBeLessThan(at('ticker', (d) => d.status === 'starting'));
  expect(hub.statuses('ticker')[0]).toMatchObject({ status: 'waiting', waitingFor: ['web'] });
  const web = sup.get('web');
  expect(web).toMatchObject({ status: 'running', health: 'healthy', dependsOn: [{ id: 'setup', condition: 'completed', met: true }] });
  expect(hub.statuses('crasher').find((s) => s.status === 'exited')?.exitCode).toBe(1);
  expect(hub.statuses('crasher').find((s) => s.status === 'restarting')?.delayMs).toBe(1000);
  await sup.close();
  // the whole group got SIGINT: the ticker said goodbye (the wrapping shell may die of the signal itself)
  expect(hub.statuses('ticker').at(-1)).toMatchObject({ status: 'stopped', signal: 'SIGINT' });
  expect(hub.lines('ticker').at(-1)?.line).toMatch(/SIGINT received/);
  for (const id of ['web', 'logger', 'warnings', 'progress', 'crasher']) expect(sup.get(id).status).toBe('stopped');
});
