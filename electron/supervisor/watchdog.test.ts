// The watchdog, for real: a parent process (a bundled fixture) runs a Supervisor, the test
// SIGKILLs the parent (so none of its code runs), and the process groups must still vanish.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'rolldown';
import { afterAll, expect, it } from 'vitest';
import { groupMembers, signalGroup } from './process-group';
import { until as waitUntil } from '../../shared/test-support/until';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-watchdog-'));
const leftovers: number[] = [];
afterAll(() => {
  for (const pgid of leftovers) if (groupMembers(pgid).length > 0) signalGroup(pgid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

it('kills every process group when the supervisor process is SIGKILLed', async () => {
  const bundle = join(dir, 'parent.mjs');
  await build({
    input: join(__dirname, 'fixtures', 'watchdog-parent.ts'),
    platform: 'node',
    logLevel: 'silent',
    output: { file: bundle, format: 'esm' },
  });
  const parent = spawn(process.execPath, [bundle], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<{ pgids: number[]; watchdog: number }>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0] as string));
    });
    parent.once('exit', (code) => reject(new Error(`parent exited early with ${code}`)));
  });
  leftovers.push(...info.pgids);
  expect(info.pgids).toHaveLength(2);
  expect(info.watchdog).toBeGreaterThan(1);
  for (const pgid of info.pgids) await until(() => groupMembers(pgid).length >= 2, `group ${pgid} populated`);

  parent.kill('SIGKILL');
  await new Promise((r) => parent.once('exit', r));
  // the polite group goes on SIGTERM, the stubborn one on SIGKILL after its 500 ms grace
  for (const pgid of info.pgids) await until(() => groupMembers(pgid).length === 0, `group ${pgid} gone`);
  await until(() => !alive(info.watchdog), 'the watchdog to exit');
});

/** Whether a pid is a live (non-zombie) process. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

const until = (cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> => waitUntil(cond, what, timeoutMs);
