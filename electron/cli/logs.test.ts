// `switchyard logs` in-process against a real hub on port 0: with a store (`logs.read`, served
// here by a stand-in store of canned lines, as the one in electron/ answers it) and without one
// (the retained `process:<id>` channels, subscribed with since: 0), merged in time order, the
// filters, colours, and `-f`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine, LogsReadParams, RunInfo } from '../../shared/protocol/payloads/logs';
import type { Hub } from '../hub/hub';
import { TOKEN, startHub, until } from '../hub/test-helpers';
import { MethodError } from '../hub/methods';
import { runCli } from './program';
import { recordingIo, type RecordedIo } from './test-io';

const hubs: Hub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

/** A hub with `process.list` for these ids, and the flags that reach it with the test token. */
async function hubWith(ids: string[]): Promise<{ hub: Hub; flags: string[] }> {
  const { hub, port } = await startHub();
  hubs.push(hub);
  hub.registerMethod('process.list', () => ids.map((id) => ({ id, command: 'x', cwd: '/', status: 'running', restarts: 0, autostart: true, restartMode: 'never', linesOut: 0, bytesOut: 0, skipped: 0, coalesced: 0, pauses: 0, paused: false })));
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'switchyard-logs-')), 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  return { hub, flags: ['--port', String(port), '--token-file', tokenFile] };
}

/** A stand-in store: `logs.read` over canned lines (oldest first), paging with `before`/`after` as the method map says. */
function serveStore(hub: Hub, lines: LogLine[], runs: RunInfo[] = []): LogsReadParams[] {
  const asked: LogsReadParams[] = [];
  hub.registerMethod(
    'logs.read',
    (raw) => {
      const params = raw as LogsReadParams;
      asked.push(params);
      let pool = lines.filter((l) => !params.processes || params.processes.includes(l.process));
      const position = (p: string) => {
        const at = pool.findIndex((l) => l.cursor === p);
        return at >= 0 ? at : pool.findIndex((l) => l.time >= p) === -1 ? pool.length : pool.findIndex((l) => l.time >= p);
      };
      if (params.before !== undefined) {
        const end = position(params.before);
        const start = Math.max(0, end - params.limit);
        const page = pool.slice(start, end);
        return { lines: page, more: start > 0, runs: runs.filter((r) => page.some((l) => l.process === r.process && l.run === r.run)) };
      }
      if (params.after !== undefined) pool = pool.slice(position(params.after) + 1);
      return { lines: pool.slice(0, params.limit), more: pool.length > params.limit };
    },
  );
  return asked;
}

function line(process: string, ms: number, data: string, run = 1): LogLine {
  return { process, run, time: new Date(Date.UTC(2026, 11, 1, 10, 0, 0, ms)).toISOString(), stream: 'stdout', data, cursor: `${process}:${ms}` };
}

async function logs(flags: string[], argv: string[], io: RecordedIo = recordingIo()): Promise<{ code: number; io: RecordedIo }> {
  const code = await runCli(['logs', ...argv, ...flags], io);
  return { code, io };
}

describe('logs with a store (logs.read)', () => {
  const stored = [line('api', 1, 'api starting', 1), line('web', 2, 'web 1', 1), line('api', 3, 'api ready', 1), line('web', 4, '\x1b[31mweb 2\x1b[0m', 2), line('api', 5, 'api GET /', 2)];

  it('starts each run of a process with its separator, as the dashboard does', async () => {
    const { hub, flags } = await hubWith(['web', 'api']);
    const at = (ms: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, 0, ms)).toISOString();
    serveStore(hub, stored, [
      { process: 'api', run: 1, startedAt: at(0), endedAt: at(4), exitCode: 1, lines: 2 },
      { process: 'web', run: 1, startedAt: at(0), endedAt: at(3), exitCode: 0, lines: 1 },
      { process: 'web', run: 2, startedAt: at(4), lines: 1 },
      { process: 'api', run: 2, startedAt: at(5), lines: 1 },
    ]);
    const { io } = await logs(flags, []);
    const clock = (ms: number) => new Date(at(ms)).toTimeString().slice(0, 8);
    expect(io.stdout.split('\n').filter((l) => l.includes('· started'))).toEqual([
      `api | run 1 · started ${clock(0)} · exited 1`,
      `web | run 1 · started ${clock(0)} · exited 0`,
      `web | run 2 · started ${clock(4)} · running`,
      `api | run 2 · started ${clock(5)} · running`,
    ]);
  });

  it('prints every stored line in time order with an aligned prefix, escapes stripped when piped', async () => {
    const { hub, flags } = await hubWith(['web', 'api']);
    serveStore(hub, stored);
    const { code, io } = await logs(flags, []);
    expect(code).toBe(0);
    expect(io.stdout).toBe('api | api starting\nweb | web 1\napi | api ready\nweb | web 2\napi | api GET /\n');
  });

  it('-n, names, --grep and --since', async () => {
    const { hub, flags } = await hubWith(['web', 'api']);
    serveStore(hub, stored);
    expect((await logs(flags, ['-n', '2'])).io.stdout).toBe('web | web 2\napi | api GET /\n');
    expect((await logs(flags, ['web'])).io.stdout).toBe('web | web 1\nweb | web 2\n');
    expect((await logs(flags, ['--grep', '^api [a-z]+$'])).io.stdout).toBe('api | api starting\napi | api ready\n');
    expect((await logs(flags, ['--since', '2026-12-01T10:00:00.003Z'])).io.stdout).toBe('api | api ready\nweb | web 2\napi | api GET /\n');
  });

  it('pages backwards through a large store, asking only for what it needs', async () => {
    const { hub, flags } = await hubWith(['web']);
    const many = Array.from({ length: 12_000 }, (_, i) => line('web', i, `n ${i}`));
    const asked = serveStore(hub, many);
    const all = (await logs(flags, [])).io.stdout.trimEnd().split('\n');
    expect(all).toHaveLength(12_000);
    expect(all[0]).toBe('web | n 0');
    expect(all[11_999]).toBe('web | n 11999');
    asked.length = 0;
    expect((await logs(flags, ['-n', '3'])).io.stdout).toBe('web | n 11997\nweb | n 11998\nweb | n 11999\n');
    expect(asked.map((a) => a.limit)).toEqual([1, 100]);
  });

  it('an unknown name fails naming it', async () => {
    const { hub, flags } = await hubWith(['web']);
    serveStore(hub, stored);
    const { code, io } = await logs(flags, ['wbe']);
    expect(code).toBe(1);
    expect(io.stderr).toBe('switchyard: unknown process: wbe (known: web)\n');
  });

  it('a store failure other than "no such method" is reported, not hidden', async () => {
    const { hub, flags } = await hubWith(['web']);
    hub.registerMethod('logs.read', () => {
      throw new MethodError('internal', 'the store is broken');
    });
    const { code, io } = await logs(flags, []);
    expect(code).toBe(1);
    expect(io.stderr).toBe('switchyard: the store is broken\n');
  });
});

describe('logs without a store: the retained channels', () => {
  async function publishInterleaved(hub: Hub): Promise<void> {
    for (const [id, text] of [['web', 'w1'], ['api', 'a1'], ['web', 'w2'], ['api', 'a2']] as const) {
      hub.sendProcessOutput(id, text);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    hub.sendProcessOutput('web', 'progress 10%');
    hub.sendProcessOutput('web', '\rprogress 100%');
  }

  it('merges what each channel retains in time order; a \\r line replaces the one before it', async () => {
    const { hub, flags } = await hubWith(['web', 'api', 'quiet']);
    await publishInterleaved(hub);
    const { code, io } = await logs(flags, []);
    expect(code, io.stderr).toBe(0);
    expect(io.stdout).toBe('web   | w1\napi   | a1\nweb   | w2\napi   | a2\nweb   | progress 100%\n');
    expect((await logs(flags, ['-n', '2', 'api'])).io.stdout).toBe('api | a1\napi | a2\n');
  });

  it('colours the prefix on a terminal, keeps the line\'s own escapes; NO_COLOR turns colours off', async () => {
    const { hub, flags } = await hubWith(['web']);
    hub.sendProcessOutput('web', '\x1b[32mgreen\x1b[0m');
    const tty = (await logs(flags, [], recordingIo({ stdoutIsTTY: true }))).io.stdout;
    expect(tty).toBe('\x1b[36mweb\x1b[0m | \x1b[32mgreen\x1b[0m\x1b[0m\n');
    expect((await logs(flags, [], recordingIo({ stdoutIsTTY: true }, { NO_COLOR: '1' }))).io.stdout).toBe('web | green\n');
    expect((await logs(flags, [])).io.stdout).toBe('web | green\n');
  });

  it('-f prints the backlog, then new lines and status changes, until Ctrl-C', async () => {
    const { hub, flags } = await hubWith(['web']);
    hub.sendProcessOutput('web', 'old');
    let interrupt: (signal: NodeJS.Signals) => void = () => {};
    const io = recordingIo({ onSignal: (listener) => ((interrupt = listener), () => {}) });
    const done = logs(flags, ['-f'], io);
    await until(() => io.stdout.includes('web | old\n'), 'the backlog', 10_000);
    hub.sendProcessOutput('web', 'new');
    hub.sendProcessStatus('web', { status: 'exited', exitCode: 3 });
    await until(() => io.stdout.includes('[exited 3]'), 'the live line and status', 10_000);
    interrupt('SIGINT');
    expect((await done).code).toBe(0);
    expect(io.stdout).toBe('web | old\nweb | new\nweb | [exited 3]\n');
  });
});
