// Acceptance of interactive terminals (issue 17) end to end: the Supervisor with the real Hub on
// port 0, real `ws` clients, real pseudo-terminals running bash, top and a full-screen program.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, ProcessStatusData, ScreenSnapshot } from '../../../shared/protocol';
import { TestClient, until, VIEWER_TOKEN } from '../../hub/test-helpers';
import { cleanups, onRealHub, runCleanups } from '../test-support';
import { isLive, listProcesses } from '../proc-reader';
import type { ProcessDefinition } from '../process-definition';
import { renderScreen } from './screen-replay';

const FULL_SCREEN = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(__dirname, 'fixtures', 'full-screen.mjs'))}`;
const BASH = { command: 'exec bash --norc --noprofile -i', tty: true, env: { PS1: '$ ', HISTFILE: '/dev/null' } };
const ESC = '\x1b';
afterEach(runCleanups);

async function setup(definitions: ProcessDefinition[]) {
  // The hub's registry hears every answered call: the audit trail's hook (who, what, which process).
  const audit: string[] = [];
  const { hub, url, sup, client } = await onRealHub(definitions, {
    onMethodCall: ({ method, ctx, params, error }) => {
      if (method === 'process.input' || method === 'process.resize') audit.push(`${method} ${(params as { id: string }).id} ${ctx.userId}${error ? ` ${error}` : ''}`);
    },
  });
  sup.start();
  const open = async (token?: string) => {
    const c = await TestClient.open(url, token ? { token } : {});
    cleanups.push(() => c.close());
    return c;
  };
  return { hub, sup, client, open, audit };
}

const screenText = (c: TestClient, id: string) =>
  c
    .on(`process:${id}`, 'terminal_output')
    .map((m) => m.data)
    .join('');
const lines = (c: TestClient, id: string) => c.on(`process:${id}`, 'process_output').map((m) => m.data as string);
const ok = (m: Message) => {
  expect((m as { error?: unknown }).error).toBeUndefined();
  return m.data;
};

describe('terminals over the hub', () => {
  it('bash in a pty answers process.input; its lines reach the log without prompts redrawn', async () => {
    const { client, audit } = await setup([{ id: 'sh', ...BASH }]);
    await until(() => screenText(client, 'sh').includes('$ '), 'the prompt', 10_000);
    expect(ok(await client.request('process.input', { id: 'sh', data: 'echo answer=$((6*7))\r' }))).toEqual({ written: 21 });
    await until(() => screenText(client, 'sh').includes('answer=42'), 'the answer', 10_000);
    await until(() => lines(client, 'sh').includes('answer=42'), 'the answer as a log line', 10_000);
    expect(lines(client, 'sh')).toContain('$ echo answer=$((6*7))');
    // nothing of the line editor's escapes (cursor movement, erasing, modes) in the log
    const cursorEscape = new RegExp(`${ESC}\\[\\??\\d*[A-HJKhl]`);
    for (const l of lines(client, 'sh')) expect(l).not.toMatch(cursorEscape);
    expect(audit).toEqual(['process.input sh alice']);
  });

  it('process.resize changes the size the program sees (tput cols, stty size)', async () => {
    const { client } = await setup([{ id: 'sh', ...BASH }]);
    await until(() => screenText(client, 'sh').includes('$ '), 'the prompt', 10_000);
    ok(await client.request('process.input', { id: 'sh', data: 'tput cols\r' }));
    await until(() => lines(client, 'sh').includes('120'), 'the default width', 10_000);
    expect(ok(await client.request('process.resize', { id: 'sh', cols: 77, rows: 21 }))).toEqual({ cols: 77, rows: 21 });
    ok(await client.request('process.input', { id: 'sh', data: 'tput cols; stty size\r' }));
    await until(() => lines(client, 'sh').includes('21 77'), 'the new size', 10_000);
    expect(lines(client, 'sh')).toContain('77');
    expect(client.on('process:sh', 'event').map((m) => m.data)).toContainEqual({ kind: 'terminal_resize', cols: 77, rows: 21 });
    const screen = ok(await client.request('process.screen', { id: 'sh' })) as ScreenSnapshot;
    expect(screen).toMatchObject({ cols: 77, rows: 21 });
  });

  it("a late client's snapshot plus what follows shows what a client connected from the start shows (top, a full-screen program)", async () => {
    const top = { id: 'top', command: 'exec top -d 0.2', tty: true };
    const fs = { id: 'fs', command: FULL_SCREEN, tty: true };
    const { client, open } = await setup([top, fs]);
    await until(() => screenText(client, 'top').split(`${ESC}[H`).length > 6 && screenText(client, 'fs').includes('tick 10'), 'some frames', 15_000);
    for (const id of ['top', 'fs']) {
      const late = await open();
      await late.subscribe(`process:${id}`);
      const snapshot = ok(await late.request('process.screen', { id })) as ScreenSnapshot;
      expect(snapshot.data.length).toBeGreaterThan(100);
      // let a few more frames come, then compare the two screens at the same seq
      const seqAt = () => (late.on(`process:${id}`).filter((m) => m.type === 'terminal_output').at(-1)?.seq ?? 0) as number;
      await until(() => seqAt() > snapshot.seq + 3, 'frames after the snapshot', 15_000);
      const upTo = seqAt();
      await until(() => client.on(`process:${id}`).some((m) => (m.seq ?? 0) >= upTo), 'the early client to catch up', 10_000);
      const early = await renderScreen(client.on(`process:${id}`).filter((m) => (m.seq ?? 0) <= upTo), { cols: 120, rows: 30 });
      const lateScreen = await renderScreen(late.on(`process:${id}`).filter((m) => (m.seq ?? 0) <= upTo), { cols: 120, rows: 30 }, snapshot);
      expect(lateScreen).toBe(early);
    }
    // Redraws are not logged: the program on the alternate screen logs nothing; top, which
    // redraws the normal screen in place, at most its first frame.
    expect(lines(client, 'fs')).toEqual(['before the screen']);
    expect(lines(client, 'top').length).toBeLessThanOrEqual(30);
    expect(screenText(client, 'top').split(`${ESC}[H`).length).toBeGreaterThan(5);
  });

  it('viewers may look at the screen but get forbidden for input and resize', async () => {
    const { client, open, audit } = await setup([{ id: 'sh', ...BASH }]);
    await until(() => screenText(client, 'sh').includes('$ '), 'the prompt', 10_000);
    const viewer = await open(VIEWER_TOKEN);
    expect(await viewer.request('process.input', { id: 'sh', data: 'touch /tmp/nope\r' })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await viewer.request('process.resize', { id: 'sh', cols: 50, rows: 10 })).toMatchObject({ error: { code: 'forbidden' } });
    expect(ok(await viewer.request('process.screen', { id: 'sh' }))).toMatchObject({ cols: 120, rows: 30 });
    expect(audit).toEqual(['process.input sh victor forbidden', 'process.resize sh victor forbidden']);
    // bad input is a clear error
    expect(await client.request('process.resize', { id: 'sh', cols: 0, rows: 10 })).toMatchObject({ error: { code: 'bad_params' } });
    expect(await client.request('process.input', { id: 'sh', data: 42 })).toMatchObject({ error: { code: 'bad_params' } });
    expect(await client.request('process.input', { id: 'nope', data: 'x' })).toMatchObject({ error: { code: 'not_found' } });
  });

  it('a client that floods process.input is refused past its burst; another client still types', async () => {
    const { client, open } = await setup([{ id: 'sink', command: 'exec cat > /dev/null', tty: true }]);
    await client.waitFor((m) => m.channel === 'process:sink' && m.type === 'process_status' && (m.data as ProcessStatusData).status === 'running');
    const answers = await Promise.all(Array.from({ length: 260 }, (_, i) => client.request('process.input', { id: 'sink', data: 'x' }, `flood-${i}`)));
    const codes = answers.map((a) => (a as { error?: { code: string } }).error?.code ?? 'ok');
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(200);
    expect(codes).toContain('rate_limited');
    const other = await open();
    expect(ok(await other.request('process.input', { id: 'sink', data: 'y' }))).toEqual({ written: 1 });
  });

  it('stopping a tty process kills its whole session: the shell and its jobs in their own groups', async () => {
    const { client, sup } = await setup([{ id: 'sh', ...BASH }]);
    await until(() => screenText(client, 'sh').includes('$ '), 'the prompt', 10_000);
    ok(await client.request('process.input', { id: 'sh', data: 'sleep 1001 & sleep 1002\r' }));
    const sid = sup.get('sh').pid as number;
    const session = () => listProcesses().filter((p) => p.sid === sid && isLive(p));
    await until(() => session().some((p) => p.pgid !== sid && p.ppid !== 0) && session().length >= 3, 'the jobs', 10_000);
    const pids = session().map((p) => p.pid);
    expect(new Set(session().map((p) => p.pgid)).size).toBeGreaterThanOrEqual(3); // bash, the background job, the foreground job
    const stopped = ok(await client.request('process.stop', { id: 'sh' }));
    expect(stopped).toMatchObject({ status: 'stopped', signal: 'SIGHUP' }); // SIGTERM is ignored by an interactive shell
    const alive = listProcesses().filter((p) => pids.includes(p.pid) && isLive(p));
    expect(alive).toEqual([]);
  });

  it('stdin: true takes process.input on a process without a terminal; one with neither refuses it', async () => {
    const { client } = await setup([
      { id: 'cat', command: 'cat', stdin: true },
      { id: 'plain', command: 'sleep 1000' },
    ]);
    await client.waitFor((m) => m.channel === 'process:cat' && m.type === 'process_status' && (m.data as ProcessStatusData).status === 'running');
    expect(ok(await client.request('process.input', { id: 'cat', data: 'hello stdin\n' }))).toEqual({ written: 12 });
    await until(() => lines(client, 'cat').includes('hello stdin'), 'the echo', 10_000);
    expect(await client.request('process.input', { id: 'plain', data: 'x\n' })).toMatchObject({ error: { code: 'bad_params' } });
    expect(await client.request('process.resize', { id: 'cat', cols: 80, rows: 24 })).toMatchObject({ error: { code: 'bad_params' } });
    expect(await client.request('process.screen', { id: 'cat' })).toMatchObject({ error: { code: 'bad_params' } });
  });
});
