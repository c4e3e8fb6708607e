// The watchdog, for real: a parent process (a bundled fixture) runs a Supervisor, the test
// SIGKILLs the parent (so none of its code runs), and the process groups must still vanish, and
// the processes that left their group with them (trust item 14). Trust item 15: the watchdog is
// killed first (as a supervised process could do), then the parent: a new watchdog took over, the
// death was reported, and the groups still vanish.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { build } from 'rolldown';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { groupMembers, signalGroup } from './process-group';
import { pidAlive } from './proc-reader';
import { waitUntil } from './test-support';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-watchdog-'));
const bundle = join(dir, 'parent.mjs');
const leftovers: number[] = [];
const strays: number[] = [];
beforeAll(async () => {
  await build({ input: join(__dirname, 'fixtures', 'watchdog-parent.ts'), platform: 'node', logLevel: 'silent', output: { file: bundle, format: 'esm' } });
});
afterAll(() => {
  for (const pgid of leftovers) if (groupMembers(pgid).length > 0) signalGroup(pgid, 'SIGKILL');
  for (const pid of strays) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Parent {
  child: ChildProcessByStdio<Writable, Readable, null>;
  messages: Record<string, unknown>[];
  info: { pgids: number[]; escapees: number[]; watchdog: number };
}

async function startParent(name: string): Promise<Parent> {
  const child = spawn(process.execPath, [bundle, join(dir, `${name}.pid`), join(__dirname, 'fixtures', 'daemon.sh')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const messages: Record<string, unknown>[] = [];
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    let i;
    while ((i = out.indexOf('\n')) >= 0) {
      messages.push(JSON.parse(out.slice(0, i)) as Record<string, unknown>);
      out = out.slice(i + 1);
    }
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitUntil(() => exited || messages.some((m) => m.pgids), 'the parent to report its groups');
  if (exited) throw new Error('the parent exited early');
  const info = messages.find((m) => m.pgids) as unknown as Parent['info'];
  leftovers.push(...info.pgids);
  strays.push(...info.escapees);
  expect(info.pgids).toHaveLength(3);
  expect(info.escapees).toHaveLength(2);
  expect(info.watchdog).toBeGreaterThan(1);
  for (const pgid of info.pgids.slice(0, 2)) await waitUntil(() => groupMembers(pgid).length >= 2, `group ${pgid} populated`);
  return { child, messages, info };
}

async function killParentAndCheck(parent: Parent, watchdog: number): Promise<void> {
  parent.child.kill('SIGKILL');
  await new Promise((r) => parent.child.once('exit', r));
  // the polite group goes on SIGTERM, the stubborn one on SIGKILL after its 500 ms grace
  for (const pgid of parent.info.pgids) await waitUntil(() => groupMembers(pgid).length === 0, `group ${pgid} gone`);
  for (const pid of parent.info.escapees) await waitUntil(() => !pidAlive(pid), `escapee ${pid} gone`);
  await waitUntil(() => !pidAlive(watchdog), 'the watchdog to exit');
}

it('kills every process group, and what left them, when the supervisor process is SIGKILLed', async () => {
  const parent = await startParent('a');
  await killParentAndCheck(parent, parent.info.watchdog);
});

it('replaces a watchdog that was killed first, reports it, and still stops everything when the supervisor is SIGKILLed', async () => {
  const parent = await startParent('b');
  process.kill(parent.info.watchdog, 'SIGKILL');
  let replacement = 0;
  await waitUntil(() => {
    parent.child.stdin.write('?\n');
    const last = parent.messages.filter((m) => 'watchdog' in m && !m.pgids).at(-1)?.watchdog as number | undefined;
    if (last && last !== parent.info.watchdog && pidAlive(last)) replacement = last;
    return replacement > 0;
  }, 'a new watchdog');
  expect(parent.messages.map((m) => m.log).filter(Boolean)).toContain(
    'switchyard: the watchdog was killed by SIGKILL; a new one took over (processes stay guarded if Switchyard is killed)',
  );
  await killParentAndCheck(parent, replacement);
});
