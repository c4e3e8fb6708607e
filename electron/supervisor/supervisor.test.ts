// Supervisor integration tests: real child processes through /bin/sh, recorded by RecordingHub
// (a recorder standing in for the hub's publishing side; the end-to-end test uses the real Hub).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROCESSES_CHANNEL, type ProcessInfo } from '../../shared/protocol';
import { groupMembers } from './process-group';
import { loadProcfile } from './procfile';
import { RecordingHub } from './recording-hub';
import { Supervisor } from './supervisor';
import { NODE, cleanups, fixture, runCleanups, setup, tempDir, waitUntil } from './test-support';

afterEach(runCleanups);

describe('Supervisor', () => {
  it('runs a Procfile: every line with its stream and colours, statuses in order, .env applied', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'Procfile'),
      [
        '# four processes',
        `colour: ${NODE} ${fixture('colour.mjs')}`,
        `errors: ${NODE} ${fixture('stderr.mjs')}`,
        '',
        'three: echo "greeting=$GREETING color=$FORCE_COLOR"; exit 3',
        'forever: sleep 1000',
      ].join('\n'),
    );
    writeFileSync(join(dir, '.env'), 'GREETING="hello there"\n');
    const { hub, sup } = setup(loadProcfile(join(dir, 'Procfile')));
    sup.start();
    await Promise.all([hub.waitStatus('colour', 'exited'), hub.waitStatus('errors', 'exited'), hub.waitStatus('three', 'exited'), hub.waitStatus('forever', 'running')]);

    expect(hub.lines('colour')).toEqual([
      { stream: 'stdout', line: '\x1b[31mred\x1b[0m line' },
      { stream: 'stdout', line: '\x1b[32mgreen\x1b[0m line' },
      { stream: 'stdout', line: '\x1b[34mblue\x1b[0m line' },
    ]);
    const errors = hub.lines('errors');
    expect(errors.filter((l) => l.stream === 'stderr')).toEqual([
      { stream: 'stderr', line: 'warning: to stderr' },
      { stream: 'stderr', line: 'error: also stderr' },
    ]);
    expect(errors.filter((l) => l.stream === 'stdout')).toEqual([
      { stream: 'stdout', line: 'to stdout' },
      { stream: 'stdout', line: 'no newline at the end' },
    ]);
    expect(hub.lines('three')).toEqual([{ stream: 'stdout', line: 'greeting=hello there color=1' }]);
    expect(process.env.GREETING).toBeUndefined();

    const three = hub.statuses('three');
    expect(three.map((s) => s.status)).toEqual(['starting', 'running', 'exited']);
    expect(three[1]?.pid).toBeGreaterThan(1);
    expect(three[2]?.exitCode).toBe(3);
    expect(hub.statuses('colour').at(-1)).toMatchObject({ status: 'exited', exitCode: 0 });
    // every output line comes before the exited status on the process channel
    const channel = hub.messages.filter((m) => m.channel === 'process:three');
    expect(channel.at(-1)?.type).toBe('process_status');

    const info = sup.get('forever');
    expect(info).toMatchObject({ status: 'running', command: 'sleep 1000', restarts: 0 });
    const pgid = info.pid as number;
    await sup.close();
    expect(hub.statuses('forever').at(-1)).toMatchObject({ status: 'stopped', signal: 'SIGTERM' });
    expect(groupMembers(pgid)).toEqual([]);

    const lists = hub.messages.filter((m) => m.channel === PROCESSES_CHANNEL);
    expect(lists.length).toBeGreaterThan(1);
    const last = lists.at(-1)?.data as { kind: string; processes: ProcessInfo[] };
    expect(last.kind).toBe('list');
    expect(last.processes.map((p) => [p.id, p.status])).toEqual([
      ['colour', 'exited'],
      ['errors', 'exited'],
      ['three', 'exited'],
      ['forever', 'stopped'],
    ]);
    expect(last.processes[0]).toMatchObject({ linesOut: 3, skipped: 0 });
  });

  it('stops the whole process group, grandchildren included', async () => {
    const { hub, sup } = setup([{ id: 'group', command: 'sleep 1000 & sleep 1000' }]);
    sup.start();
    await hub.waitStatus('group', 'running');
    const pgid = sup.get('group').pid as number;
    await waitUntil(() => groupMembers(pgid).length >= 3, 'sh and two sleeps in the group');
    await sup.stopProcess('group');
    expect(groupMembers(pgid)).toEqual([]);
    expect(hub.statuses('group').at(-1)).toMatchObject({ status: 'stopped', signal: 'SIGTERM' });
  });

  it('SIGKILLs a group that ignores the stop signal after the grace period', async () => {
    const { hub, sup } = setup([{ id: 'stubborn', command: 'trap "" TERM; echo ready; sleep 1000 & wait', stopGraceMs: 300 }]);
    sup.start();
    await hub.waitFor(() => hub.lines('stubborn').length > 0, 'ready');
    const pgid = sup.get('stubborn').pid as number;
    await waitUntil(() => groupMembers(pgid).length >= 2, 'sleep in the group');
    await sup.stopProcess('stubborn');
    expect(groupMembers(pgid)).toEqual([]);
    expect(hub.statuses('stubborn').at(-1)).toMatchObject({ status: 'stopped', signal: 'SIGKILL' });
  });

  it('cleans up what a process left in its group when it exits by itself', async () => {
    const { hub, sup } = setup([{ id: 'leaver', command: 'sleep 1000 & echo left a sleeper' }]);
    sup.start();
    await hub.waitStatus('leaver', 'running');
    const pgid = sup.get('leaver').pid as number;
    await hub.waitStatus('leaver', 'exited');
    expect(hub.lines('leaver')).toEqual([{ stream: 'stdout', line: 'left a sleeper' }]);
    expect(hub.statuses('leaver').at(-1)).toMatchObject({ status: 'exited', exitCode: 0 });
    await waitUntil(() => groupMembers(pgid).length === 0, 'the sleeper gone');
  });

  it('killAllSync SIGKILLs every group at once; stop cancels a pending restart; close twice is harmless', async () => {
    const { hub, sup } = setup([
      { id: 'a', command: 'sleep 1000 & sleep 1000' },
      { id: 'b', command: 'trap "" TERM; sleep 1000' },
      { id: 'c', command: 'exit 1', restart: { mode: 'always', initialDelayMs: 60_000 } },
    ]);
    sup.start();
    await Promise.all([hub.waitStatus('a', 'running'), hub.waitStatus('b', 'running'), hub.waitStatus('c', 'restarting')]);
    const pgids = [sup.get('a').pid as number, sup.get('b').pid as number];
    sup.killAllSync();
    await Promise.all([hub.waitStatus('a', 'exited'), hub.waitStatus('b', 'exited')]);
    for (const pgid of pgids) await waitUntil(() => groupMembers(pgid).length === 0, `group ${pgid} gone`);
    expect(hub.statuses('b').at(-1)).toMatchObject({ status: 'exited', signal: 'SIGKILL', exitCode: 137 });
    await sup.stopProcess('c');
    expect(hub.statuses('c').at(-1)).toEqual({ status: 'stopped' });
    await Promise.all([sup.close(), sup.close()]);
    await sup.close();
    expect(() => sup.startProcess('a')).toThrow(/closed/);
  });

  it('decodes split UTF-8, splits long lines, throttles \\r progress and survives binary output', async () => {
    const { hub, sup } = setup([
      { id: 'utf8', command: `${NODE} ${fixture('split-utf8.mjs')}` },
      { id: 'long', command: `${NODE} -e "process.stdout.write('a'.repeat(200 * 1024) + '\\n' + 'short\\n')"` },
      { id: 'progress', command: `${NODE} ${fixture('progress.mjs')}` },
      { id: 'binary', command: `${NODE} ${fixture('binary.mjs')}` },
    ]);
    sup.start();
    await Promise.all(['utf8', 'long', 'progress', 'binary'].map((id) => hub.waitStatus(id, 'exited')));

    expect(hub.lines('utf8')).toEqual([{ stream: 'stdout', line: 'price: 5€ ok' }]);

    const long = hub.lines('long').map((l) => l.line);
    expect(long.at(-1)).toBe('short');
    const pieces = long.slice(0, -1);
    expect(pieces.join('')).toBe('a'.repeat(200 * 1024));
    expect(pieces.length).toBe(4);
    for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(64 * 1024);

    const progress = hub.lines('progress').map((l) => l.line);
    expect(progress[0]).toBe('before');
    expect(progress.at(-1)).toBe('done');
    const bar = progress.slice(1, -1);
    expect(bar.length).toBeGreaterThanOrEqual(2);
    expect(bar.length).toBeLessThan(50); // throttled, not one line per step
    expect(bar[0]?.startsWith('\r')).toBe(false); // the first state is appended
    for (const update of bar.slice(1)) expect(update.startsWith('\r')).toBe(true); // later ones replace it
    expect(bar.at(-1)).toBe('\r[####################] 100%');
    expect(sup.get('progress').coalesced).toBeGreaterThan(0);

    const binary = hub.lines('binary').map((l) => l.line);
    expect(binary.at(-1)).toBe('AFTER-BINARY');
    for (const line of binary) {
      expect(line).not.toContain('\0');
      expect(JSON.parse(JSON.stringify(line))).toBe(line);
    }
    expect(hub.statuses('binary').at(-1)).toMatchObject({ status: 'exited', exitCode: 0 });
  });

  it('sends a progress update that follows another stream\'s line as a new line, so \\r always replaces the process\'s previous line', async () => {
    const { hub, sup } = setup([{ id: 'mixed', command: `${NODE} ${fixture('mixed-progress.mjs')}` }]);
    sup.start();
    await hub.waitStatus('mixed', 'exited');
    expect(hub.lines('mixed')).toEqual([
      { stream: 'stdout', line: 'step 1/3' },
      { stream: 'stderr', line: 'warning: in between' },
      { stream: 'stdout', line: 'step 2/3' },
      { stream: 'stdout', line: '\rstep 3/3' },
    ]);
  });

  it('reports a command that does not exist as failed, and a missing cwd too', async () => {
    const { hub, sup } = setup([
      { id: 'nope', command: 'definitely-not-a-command-4711 --flag' },
      { id: 'nocwd', command: 'echo hi', cwd: '/no/such/dir/4711' },
      { id: 'bystander', command: 'sleep 1000' },
    ]);
    sup.start();
    await Promise.all([hub.waitStatus('nope', 'failed'), hub.waitStatus('nocwd', 'failed'), hub.waitStatus('bystander', 'running')]);
    const nope = hub.statuses('nope');
    expect(nope.map((s) => s.status)).toEqual(['starting', 'running', 'failed']);
    expect(nope[2]?.reason).toMatch(/command not found/);
    expect(nope[2]?.reason).toMatch(/definitely-not-a-command-4711/);
    expect(hub.statuses('nocwd').map((s) => s.status)).toEqual(['starting', 'failed']);
    expect(hub.statuses('nocwd')[1]?.reason).toMatch(/working directory not found/);
    // nothing else was touched: the bystander still runs
    expect(hub.statuses('bystander').map((s) => s.status)).toEqual(['starting', 'running']);
    expect(groupMembers(sup.get('bystander').pid as number).length).toBeGreaterThan(0);
  });

  it('restarts on failure with growing delays and stops at the cap', async () => {
    const { hub, sup } = setup([
      {
        id: 'crash',
        command: `${NODE} ${fixture('crash.mjs')}`,
        restart: { mode: 'on-failure', initialDelayMs: 100, multiplier: 2, maxDelayMs: 300, maxRestarts: 3 },
      },
      { id: 'clean', command: 'exit 0', restart: { mode: 'on-failure', initialDelayMs: 10 } },
    ]);
    sup.start();
    await hub.waitFor(() => hub.statuses('crash').some((s) => s.status === 'exited' && typeof s.reason === 'string'), 'the last exit');
    const statuses = hub.statuses('crash');
    expect(statuses.filter((s) => s.status === 'restarting').map((s) => s.delayMs)).toEqual([100, 200, 300]);
    expect(statuses.filter((s) => s.status === 'exited').map((s) => s.exitCode)).toEqual([1, 1, 1, 1]);
    expect(statuses.at(-1)).toMatchObject({ status: 'exited', exitCode: 1, reason: 'gave up after 3 restarts in a row' });
    expect(hub.lines('crash').map((l) => l.line)).toEqual(['crashing', 'crashing', 'crashing', 'crashing']);
    expect(sup.get('crash')).toMatchObject({ status: 'exited', restarts: 3 });
    // a clean exit is not a failure
    await hub.waitStatus('clean', 'exited');
    expect(hub.statuses('clean').map((s) => s.status)).toEqual(['starting', 'running', 'exited']);
    // a user's start begins the count again
    sup.startProcess('crash');
    await hub.waitStatus('crash', 'restarting', 4);
    expect(hub.statuses('crash').filter((s) => s.status === 'restarting').at(-1)?.delayMs).toBe(100);
  });

  it('starts the backoff and the cap again after a run that lived resetAfterMs', async () => {
    const { hub, sup } = setup([
      { id: 'slow', command: 'sleep 0.3; exit 2', restart: { mode: 'on-failure', initialDelayMs: 100, maxRestarts: 1, resetAfterMs: 200 } },
    ]);
    sup.start();
    await hub.waitStatus('slow', 'restarting', 3);
    const restarting = hub.statuses('slow').filter((s) => s.status === 'restarting');
    expect(restarting.map((s) => [s.delayMs, s.restarts])).toEqual([
      [100, 1],
      [100, 2],
      [100, 3],
    ]);
    expect(hub.statuses('slow').some((s) => typeof s.reason === 'string')).toBe(false);
  });

  it('serves process.* methods with roles, not_found and add/remove', async () => {
    const { hub, sup } = setup([{ id: 'idle', command: 'sleep 1000', autostart: false }]);
    sup.start();
    const list = (await hub.call('process.list', undefined, 'viewer')) as ProcessInfo[];
    expect(list).toEqual([expect.objectContaining({ id: 'idle', status: 'stopped', restarts: 0 })]);
    expect(list[0]?.pid).toBeUndefined();
    await expect(hub.call('process.start', { id: 'idle' }, 'viewer')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(hub.call('process.start', { id: 'ghost' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(hub.call('process.stop', {})).rejects.toMatchObject({ code: 'bad_params' });

    expect(await hub.call('process.start', { id: 'idle' })).toMatchObject({ id: 'idle', status: 'running' });
    const pid1 = sup.get('idle').pid as number;
    expect(await hub.call('process.restart', { id: 'idle' })).toMatchObject({ status: 'running' });
    expect(sup.get('idle').pid).not.toBe(pid1);
    expect(groupMembers(pid1)).toEqual([]);
    expect(await hub.call('process.stop', { id: 'idle' })).toMatchObject({ status: 'stopped', signal: 'SIGTERM' });

    await expect(hub.call('process.add', { id: 'bad id!', command: 'true' })).rejects.toMatchObject({ code: 'bad_params' });
    await expect(hub.call('process.add', { id: 'x', command: 'true', restart: { mode: 'sometimes' } })).rejects.toThrow(/restart\.mode/);
    await expect(hub.call('process.add', { id: 'idle', command: 'true' })).rejects.toMatchObject({ code: 'conflict' });
    const added = await hub.call('process.add', { id: 'echo', command: 'echo "$WHO"', env: { WHO: 'added at run time' } });
    expect(added).toMatchObject({ id: 'echo', command: 'echo "$WHO"' });
    await hub.waitStatus('echo', 'exited');
    expect(hub.lines('echo')).toEqual([{ stream: 'stdout', line: 'added at run time' }]);
    expect(await hub.call('process.remove', { id: 'echo' })).toEqual({ id: 'echo', removed: true });
    expect(sup.list().map((p) => p.id)).toEqual(['idle']);
    await new Promise((r) => queueMicrotask(() => r(null)));
    const lastList = hub.messages.filter((m) => m.channel === PROCESSES_CHANNEL).at(-1)?.data as { processes: ProcessInfo[] };
    expect(lastList.processes.map((p) => p.id)).toEqual(['idle']);
  });

  it('pauses output while the hub is congested and loses nothing of a flood', async () => {
    const total = 100_000;
    const hub = new FlakyHub(5000);
    const sup = new Supervisor({ hub, definitions: [{ id: 'flood', command: `${NODE} ${fixture('flood.mjs')} ${total}` }], watchdog: false });
    cleanups.push(() => sup.close());
    sup.start();
    await hub.waitStatus('flood', 'exited', 1, 60_000);
    const lines = hub.lines('flood');
    expect(lines.length).toBe(total + 1);
    expect(lines.at(-1)?.line).toBe('END');
    const info = sup.get('flood');
    expect(info).toMatchObject({ linesOut: total + 1, skipped: 0, bytesOut: total * 100 + 4 });
    expect(info.pauses).toBeGreaterThan(5);
    // while congested, at most what was already read (one pipe chunk per stream) got through
    expect(hub.maxLinesPerCongestion).toBeLessThanOrEqual(2 * 700);
  });
});

/** A recorder that turns congested every `every` lines and drains on a later tick, like a busy hub. */
class FlakyHub extends RecordingHub {
  maxLinesPerCongestion = 0;
  private sinceCongested = 0;
  private count = 0;
  constructor(private readonly every: number) {
    super();
  }
  override publishOutput(...args: Parameters<RecordingHub['publishOutput']>): void {
    for (let i = 0; i < args[1].length; i++) {
      if (this.congested) this.maxLinesPerCongestion = Math.max(this.maxLinesPerCongestion, ++this.sinceCongested);
      if (++this.count % this.every === 0 && !this.congested) {
        this.congested = true;
        this.sinceCongested = 0;
        setTimeout(() => this.drain(), 20);
      }
    }
    super.publishOutput(...args);
  }
}
