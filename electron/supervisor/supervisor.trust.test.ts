// Trust (issue #12), what a supervised process can do to the supervisor, for real:
// - item 14: leave its process group (setsid, a double fork) and survive stop and exit;
// - item 16: exit at once under `restart: always` with no delay, hundreds of times a second;
// - item 9: be started while the supervisor has no descriptor left (EMFILE).
// The SIGKILL side of item 14 and item 15 (the watchdog killed first) are in watchdog.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'rolldown';
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive, readStat } from './proc-reader';
import { fixture, runCleanups, setup, sleep, tempDir, waitUntil } from './test-support';

afterEach(runCleanups);

const strays: number[] = [];
afterEach(() => {
  for (const pid of strays.splice(0)) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
});

/** The pids the daemon fixture reports, once both have left the group. */
async function daemonPids(lines: () => string[], pgid: number): Promise<{ setsid: number; forked: number }> {
  let pids = { setsid: 0, forked: 0 };
  await waitUntil(() => {
    for (const l of lines()) {
      const [what, pid] = l.split(' ');
      if (what === 'setsid' || what === 'forked') pids = { ...pids, [what]: Number(pid) };
    }
    return pids.setsid > 0 && pids.forked > 0;
  }, 'the daemon fixture to report its escapees');
  strays.push(pids.setsid, pids.forked);
  await waitUntil(() => [pids.setsid, pids.forked].every((pid) => readStat(pid)?.sid === pid), 'both to be in sessions of their own');
  for (const pid of [pids.setsid, pids.forked]) expect(readStat(pid)?.pgid).not.toBe(pgid);
  return pids;
}

describe('item 14: processes that leave their group', () => {
  it('are found by the marker and stopped with their process, on stop and on close', async () => {
    const dir = tempDir();
    const { hub, sup } = setup([
      { id: 'daemons', command: `${fixture('daemon.sh')} ${JSON.stringify(join(dir, 'a.pid'))}`, stopGraceMs: 500 },
      { id: 'daemons2', command: `${fixture('daemon.sh')} ${JSON.stringify(join(dir, 'b.pid'))}`, stopGraceMs: 500 },
    ]);
    // an unrelated process of the same user, without the marker: never touched
    const bystander = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
    strays.push(bystander.pid as number);
    sup.start();
    await hub.waitStatus('daemons', 'running');
    const first = await daemonPids(() => hub.lines('daemons').map((l) => l.line), sup.get('daemons').pid as number);
    const second = await daemonPids(() => hub.lines('daemons2').map((l) => l.line), sup.get('daemons2').pid as number);

    await sup.stopProcess('daemons');
    expect(pidAlive(first.setsid)).toBe(false);
    expect(pidAlive(first.forked)).toBe(false);
    expect(pidAlive(second.setsid)).toBe(true); // another process's escapees are its own

    await sup.close();
    expect(pidAlive(second.setsid)).toBe(false);
    expect(pidAlive(second.forked)).toBe(false);
    expect(pidAlive(bystander.pid as number)).toBe(true);
  });

  it('a daemon left by a run that ended by itself is stopped when the process is stopped', async () => {
    const dir = tempDir();
    const pidFile = JSON.stringify(join(dir, 'd.pid'));
    const { hub, sup } = setup([{ id: 'starter', command: `setsid -f sh -c 'echo "$$" > ${pidFile}; exec sleep 1000'; sleep 0.2; echo started` }]);
    sup.start();
    await hub.waitStatus('starter', 'exited');
    const pid = Number(spawnSync('cat', [join(dir, 'd.pid')]).stdout.toString());
    strays.push(pid);
    expect(pidAlive(pid)).toBe(true); // a daemon it meant to start runs on after it (as with redis-server --daemonize)
    await sup.stopProcess('starter');
    expect(pidAlive(pid)).toBe(false);
  });

  it('killAllSync() reaches escapees too', async () => {
    const dir = tempDir();
    const { hub, sup } = setup([{ id: 'daemons', command: `${fixture('daemon.sh')} ${JSON.stringify(join(dir, 'c.pid'))}` }]);
    sup.start();
    await hub.waitStatus('daemons', 'running');
    const pids = await daemonPids(() => hub.lines('daemons').map((l) => l.line), sup.get('daemons').pid as number);
    sup.killAllSync();
    await waitUntil(() => !pidAlive(pids.setsid) && !pidAlive(pids.forked), 'the escapees to die of SIGKILL', 5000);
  });
});

describe('item 16: a restart loop with no delay', () => {
  it('restarts at most 10 times a second (a 100 ms floor), whatever the policy says', async () => {
    const { hub, sup } = setup([{ id: 'instant', command: 'true', restart: { mode: 'always', initialDelayMs: 0, multiplier: 1, maxRestarts: 10_000 } }]);
    sup.start();
    await sleep(1000);
    await sup.stopProcess('instant');
    const statuses = hub.statuses('instant');
    const restarting = statuses.filter((s) => s.status === 'restarting');
    expect(restarting.length).toBeGreaterThanOrEqual(3);
    expect(restarting.length).toBeLessThanOrEqual(11);
    expect(restarting.every((s) => s.delayMs === 100)).toBe(true);
  });
});

describe('item 9: no descriptor left for a spawn', () => {
  const prlimit = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));
  it.skipIf(!prlimit)('retries with backoff instead of failing for good, and starts once descriptors are back (needs prlimit)', async () => {
    const dir = tempDir();
    const bundle = join(dir, 'emfile-parent.mjs');
    await build({ input: join(__dirname, 'fixtures', 'emfile-parent.ts'), platform: 'node', logLevel: 'silent', output: { file: bundle, format: 'esm' } });
    // a low limit, so that taking every descriptor is quick
    const child = spawn(prlimit as string, ['--nofile=256:256', process.execPath, bundle], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as { status?: { status: string; reason?: string; delayMs?: number }; line?: string });
    expect(code).toBe(0);
    const restarting = events.find((e) => e.status?.status === 'restarting')?.status;
    expect(restarting?.reason).toBe('could not start: this process is out of file descriptors (EMFILE); trying again in 500 ms');
    expect(restarting?.delayMs).toBe(500);
    expect(events.some((e) => e.status?.status === 'failed')).toBe(false);
    expect(events.map((e) => e.status?.status ?? e.line)).toEqual(['starting', 'restarting', 'starting', 'running', 'hello', 'stopping', 'stopped']);
  });
});
