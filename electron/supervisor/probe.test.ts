// Probes against real servers on port 0 and real shell commands: each kind's verdict, one check
// in flight at a time whatever the timing, and nothing left behind by a check that timed out or
// was cancelled.
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROBE_DEFAULTS, type ProbeSpec } from './orchestration-definition';
import { Probe } from './probe';
import { checkHttp, checkTcp, stripAnsi } from './probe-checks';
import { findByEnvironment } from './proc-reader';
import { cleanups, runCleanups, sleep, tempDir, waitUntil } from './test-support';

afterEach(runCleanups);

const never = new AbortController().signal;
const base = { periodMs: 50, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3 };

function server(status: number): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const s = createServer((_req, res) => {
      res.statusCode = status;
      if (status === 302) res.setHeader('location', '/elsewhere');
      res.end();
    });
    cleanups.push(() => new Promise((r) => s.close(r)));
    s.listen(0, '127.0.0.1', () => resolve({ server: s, port: (s.address() as { port: number }).port }));
  });
}

function run(spec: ProbeSpec, env: NodeJS.ProcessEnv = process.env, latchLog = true): { probe: Probe; results: { ok: boolean; message: string; inRow?: number }[] } {
  const results: { ok: boolean; message: string; inRow?: number }[] = [];
  const probe = new Probe(spec, { shell: '/bin/sh', cwd: tempDir(), env }, { success: (r) => results.push(r), failure: (r, inRow) => results.push({ ...r, inRow }) }, { latchLog });
  cleanups.push(() => probe.stop());
  return { probe, results };
}

describe('checks', () => {
  it('tcp: a listening port passes, a closed one fails with the error', async () => {
    const { port } = await server(200);
    expect(await checkTcp(port, undefined, 1000, never)).toMatchObject({ ok: true });
    expect(await checkTcp(port, '127.0.0.1', 1000, never)).toEqual({ ok: true, message: `127.0.0.1:${port} accepts connections` });
    const closed = await checkTcp(1, '127.0.0.1', 1000, never);
    expect(closed).toEqual({ ok: false, message: 'connect to 127.0.0.1:1: ECONNREFUSED' });
  });

  it('http: 2xx and 3xx pass (redirects not followed), 5xx fails, a dead port fails', async () => {
    for (const [status, ok] of [[200, true], [204, true], [302, true], [404, false], [503, false]] as const) {
      const { port } = await server(status);
      const url = `http://127.0.0.1:${port}/health`;
      expect(await checkHttp(url, 1000, never)).toEqual({ ok, message: `${url} answered HTTP ${status}` });
    }
    expect((await checkHttp('http://127.0.0.1:1/', 1000, never)).message).toBe('http://127.0.0.1:1/: ECONNREFUSED');
  });

  it('strips colours before a log pattern looks', () => {
    expect(stripAnsi('\x1b[32mready\x1b[0m to \x1b]0;title\x07accept')).toBe('ready to accept');
  });
});

describe('Probe', () => {
  it('never has two checks in flight, however short the period', async () => {
    const dir = tempDir();
    const log = join(dir, 'log');
    const { probe } = run({ kind: 'exec', command: `echo start >> ${log}; sleep 0.2; echo end >> ${log}`, ...base, periodMs: 50 });
    probe.start();
    await sleep(1000);
    probe.stop();
    await sleep(300);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(6);
    lines.forEach((line, i) => expect(line).toBe(i % 2 === 0 ? 'start' : 'end'));
  });

  it('an exec check that times out fails and leaves nothing of its group; stop() cancels the one in flight', async () => {
    const tag = `probe-test-${process.pid}-${Date.now()}`;
    const env = { ...process.env, PROBE_TAG: tag };
    const leftovers = (): number => findByEnvironment(fs, 'PROBE_TAG', tag, process.getuid?.() ?? 0, true, [process.pid]).length;
    const timed = run({ kind: 'exec', command: 'sleep 1000 & sleep 1000', ...base, timeoutMs: 200, failureThreshold: 1 }, env);
    timed.probe.start();
    await waitUntil(() => timed.results.length > 0, 'the first result');
    timed.probe.stop();
    expect(timed.results[0]).toEqual({ ok: false, message: '`sleep 1000 & sleep 1000` did not finish within 200 ms', inRow: 1 });
    await waitUntil(() => leftovers() === 0, 'the timed-out group to be gone', 3000);

    const cancelled = run({ kind: 'exec', command: 'sleep 1000', ...base, timeoutMs: 60_000 }, env);
    cancelled.probe.start();
    await waitUntil(() => leftovers() > 0, 'the check to run');
    cancelled.probe.stop();
    await waitUntil(() => leftovers() === 0, 'the cancelled check to be gone', 3000);
    expect(cancelled.results).toEqual([]);
  });

  it('counts failures in a row and starts again at a success', async () => {
    const dir = tempDir();
    const flag = join(dir, 'up');
    const { probe, results } = run({ kind: 'exec', command: `test -e ${flag}`, ...base });
    probe.start();
    await waitUntil(() => results.length >= 3, 'three failures');
    expect(results.slice(0, 3).map((r) => r.inRow)).toEqual([1, 2, 3]);
    fs.writeFileSync(flag, '');
    await waitUntil(() => results.some((r) => r.ok), 'a success');
    fs.rmSync(flag);
    await waitUntil(() => results.filter((r) => !r.ok).length > 3 && !results.at(-1)?.ok, 'a failure after the success');
    expect(results.at(-1)?.inRow).toBe(1);
  });

  it('log: readiness passes on the line at once; liveness needs a matching line before each check', async () => {
    const ready = run({ kind: 'log', pattern: 'ready to accept', ...base, periodMs: 60_000 });
    ready.probe.start();
    await sleep(50);
    ready.probe.line('\x1b[1mdatabase system is ready to accept connections\x1b[0m');
    // the first check (at once) failed; the line counts at once, not at the next period (60 s)
    await waitUntil(() => ready.results.some((r) => r.ok), 'the readiness result', 5000);
    expect(ready.results.map((r) => r.ok)).toEqual([false, true]);

    const live = run({ kind: 'log', pattern: '^heartbeat$', ...base, periodMs: 100 }, process.env, false);
    live.probe.line('heartbeat');
    live.probe.start(100);
    await waitUntil(() => live.results.length >= 2, 'two liveness checks');
    expect(live.results[0]?.ok).toBe(true);
    expect(live.results[1]).toMatchObject({ ok: false, message: 'no line matched /^heartbeat$/ within 100 ms', inRow: 1 });
  });

  it('uses the documented defaults', () => {
    expect(PROBE_DEFAULTS).toMatchObject({ periodMs: 1000, timeoutMs: 1000, execTimeoutMs: 5000, initialDelayMs: 0, failureThreshold: 3 });
  });
});
