// Trust, round two (TRUST.md), through the real serve: credentials never reach a child (item 1),
// `--host localhost` (8), the descriptor limit and a flood of idle sockets (9), the token file
// (11), and page parameters that used to blank the page (18, served side).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient, until } from '../hub/test-helpers';
import { startServe, type ServeProcess } from './serve-process';

const TOKEN = 'trust-two-operator-token-0123456789';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function project(procfile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-trust-'));
  writeFileSync(join(dir, 'Procfile'), procfile);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(dir: string, args: string[] = [], env: Record<string, string> = {}, wrapper: string[] = []): Promise<ServeProcess> {
  const s = await startServe(['--procfile', join(dir, 'Procfile'), '--port', '0', '--token-file', join(dir, 'private', 'token'), ...args], env, dir, wrapper);
  cleanups.push(async () => {
    if (s.child.exitCode === null) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });
  return s;
}

/** Run serve expecting it to refuse to start: its exit code and what it printed. */
function refused(dir: string, args: string[], env: Record<string, string> = {}): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [join(__dirname, '../../out/main/serve.js'), '--procfile', join(dir, 'Procfile'), '--port', '0', ...args], {
    cwd: dir,
    env: { ...process.env, INIT_CWD: dir, XDG_STATE_HOME: join(dir, 'state'), ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

/** Whether this machine has an IPv6 loopback at all. */
function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

/** Every descendant of a pid (children of children...), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

describe('credentials never reach a child (item 1)', () => {
  it('a process that prints its environment shows no token and no token file, nor does any other child hold them', async () => {
    const dir = project('envdump: env; exec sleep 1000\n');
    const tokenFile = join(dir, 'given.token');
    const s = await serve(dir, [], { SWITCHYARD_TOKEN: TOKEN, SWITCHYARD_TOKEN_FILE: tokenFile });
    const client = await TestClient.open(s.hubUrl, { token: TOKEN });
    cleanups.push(() => client.close());
    await client.subscribe('process:envdump', { since: 0 });
    await until(() => client.on('process:envdump', 'process_output').some((m) => String(m.data).startsWith('PATH=')), 'the environment printed', 15_000);
    const printed = client.on('process:envdump', 'process_output').map((m) => String(m.data));
    expect(printed.join('\n')).not.toContain(TOKEN);
    expect(printed.some((l) => l.startsWith('SWITCHYARD_TOKEN'))).toBe(false);
    // Every process serve started (the process, its shell, the watchdog) has neither in its environment.
    const children = descendants(s.child.pid as number);
    expect(children.length).toBeGreaterThan(0);
    for (const pid of children) {
      let environ = '';
      try {
        environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      } catch {
        continue;
      }
      expect(environ.includes(TOKEN), `pid ${pid}`).toBe(false);
      expect(environ.split('\0').some((v) => v.startsWith('SWITCHYARD_TOKEN')), `pid ${pid}`).toBe(false);
    }
  });
});

describe('--host localhost (item 8)', () => {
  it('binds every loopback address and prints an address, never the name', async () => {
    const dir = project('idle: exec sleep 1000\n');
    const s = await serve(dir, ['--host', 'localhost'], { SWITCHYARD_TOKEN: TOKEN });
    expect(s.dashboardLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?ticket=/);
    expect(s.hubUrl).toMatch(/^ws:\/\/127\.0\.0\.1:/);
    // Where the machine has ::1 at all, it is ours: nobody else can listen there on our port.
    if (await hasIpv6Loopback()) expect(await fetch(`http://[::1]:${s.port}/healthz`).then((r) => r.status, () => 0)).toBe(200);
  });
});

describe('descriptors (item 9)', () => {
  it('raises its soft open-file limit at start, and serves valid clients through a flood of idle sockets', async () => {
    const dir = project('ticker: while true; do echo tick; sleep 0.1; done\n');
    const hard = Number(spawnSync('prlimit', ['--pid', String(process.pid), '--nofile', '--raw', '--noheadings', '--output', 'HARD'], { encoding: 'utf8' }).stdout.trim());
    // Started with a soft limit far below the hard one, as a login shell's 1,024 usually is.
    const s = await serve(dir, [], { SWITCHYARD_TOKEN: TOKEN }, ['prlimit', `--nofile=256:${hard}`, '--']);
    const limits = readFileSync(`/proc/${s.child.pid}/limits`, 'latin1');
    const files = /^Max open files\s+(\d+)\s+(\d+)/m.exec(limits);
    expect(Number(files?.[1])).toBe(hard);
    // 600 sockets that never say a word, from this address.
    const flood: Socket[] = [];
    cleanups.push(() => flood.forEach((f) => f.destroy()));
    for (let i = 0; i < 600; i++) {
      const sock = connect(s.port, '127.0.0.1');
      sock.on('error', () => {});
      flood.push(sock);
    }
    await new Promise((r) => setTimeout(r, 500));
    const client = await TestClient.open(s.hubUrl, { token: TOKEN });
    cleanups.push(() => client.close());
    await client.subscribe('process:ticker', { since: 0 });
    await client.waitFor((m) => m.type === 'process_output' && m.data === 'tick', 10_000);
    const stats = (await fetch(`http://127.0.0.1:${s.port}/api/stats`, { headers: { Authorization: `Bearer ${TOKEN}` } }).then((r) => r.json())) as { counters: { unauthenticatedCut: number } };
    expect(stats.counters.unauthenticatedCut).toBeGreaterThan(400);
  });
});

describe('the token file (item 11)', () => {
  it('replaces a symlink planted at its path instead of following it', async () => {
    const dir = project('idle: exec sleep 1000\n');
    mkdirSync(join(dir, 'private'), { mode: 0o700 });
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, 'private', 'token'));
    await serve(dir, [], { SWITCHYARD_TOKEN: TOKEN });
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(dir, 'private', 'token')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'private', 'token'), 'utf8').trim()).toBe(TOKEN);
  });

  it('refuses a folder others can write to, before any process has run', async () => {
    const dir = project(`marker: touch ran; exec sleep 1000\n`);
    mkdirSync(join(dir, 'shared'));
    chmodSync(join(dir, 'shared'), 0o777);
    const { status, out } = refused(dir, ['--token-file', join(dir, 'shared', 'token')], { SWITCHYARD_TOKEN: TOKEN });
    expect(status).not.toBe(0);
    expect(out).toMatch(/writable by other users/);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it("does not take over a live instance's file, and a path under /proc is refused at once", async () => {
    const dir = project('idle: exec sleep 1000\n');
    const first = await serve(dir, [], { SWITCHYARD_TOKEN: TOKEN });
    const second = refused(dir, ['--token-file', first.tokenFile], { SWITCHYARD_TOKEN: 'another-token-0123456789abcdef' });
    expect(second.status).not.toBe(0);
    expect(second.out).toMatch(/belongs to a running instance/);
    expect(readFileSync(first.tokenFile, 'utf8').trim()).toBe(TOKEN);
    const proc = refused(dir, ['--token-file', '/proc/self/fd/switchyard.token'], { SWITCHYARD_TOKEN: TOKEN });
    expect(proc.status).not.toBe(0);
    expect(proc.out).toMatch(/not a place for files/);
  });
});
