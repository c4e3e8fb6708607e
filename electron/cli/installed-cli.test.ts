// The command as a user gets it: the project packed (`npm pack`, its prepack build: the tests'
// global setup built out/ already), the tarball installed into a temporary prefix, and every
// subcommand run by the installed `switchyard` against a real instance in a temporary project
// with a Procfile of real processes. About 10 to 20 s here, most of it `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../serve/serve-process';

const work = mkdtempSync(join(tmpdir(), 'switchyard-installed-'));
const prefix = join(work, 'prefix');
const runtime = join(work, 'run');
const project = join(work, 'project');
const empty = join(work, 'empty');
const bin = join(prefix, 'bin', 'switchyard');

/** The environment of a user: npm's own variables (from `npm test`) left out, records in our runtime folder. */
function userEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^npm_|^INIT_CWD$|^ELECTRON_OVERRIDE_DIST_PATH$/i.test(key)) env[key] = value;
  // Piped, so no colours without NO_COLOR (which the supervised node processes would warn about under FORCE_COLOR).
  return { ...env, XDG_RUNTIME_DIR: runtime, HOME: join(work, 'home') };
}

function run(command: string, args: string[], cwd: string, env = userEnv()): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const switchyard = (args: string[], cwd = project) => run(bin, args, cwd);

interface Listed {
  id: string;
  status: string;
  pid?: number;
}
const list = (): Listed[] => JSON.parse(switchyard(['ps', '--json']).stdout) as Listed[];

let up: ReturnType<typeof spawn>;
let upOut = '';
let upExit: Promise<number | null>;
let installWarnings = '';

beforeAll(async () => {
  mkdirSync(runtime, { mode: 0o700 });
  mkdirSync(join(work, 'home'));
  mkdirSync(empty);
  mkdirSync(project);
  // Five numbered lines, then idle; and a second process that says one line.
  writeFileSync(join(project, 'count.mjs'), "let i = 0;\nconst t = setInterval(() => { console.log(`line ${++i}`); if (i === 5) clearInterval(t); }, 40);\nsetInterval(() => {}, 1e6);\n");
  writeFileSync(join(project, 'Procfile'), 'counter: node count.mjs\nidle: node -e "console.log(\'idle ready\'); setInterval(() => {}, 1e6)"\n');

  const pack = run('npm', ['pack', '--pack-destination', work, '--silent'], REPO_ROOT, { ...userEnv(), SWITCHYARD_SKIP_BUILD: '1' });
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const tarball = readdirSync(work).find((name) => /^switchyard-.*\.tgz$/.test(name));
  if (!tarball) throw new Error(`npm pack wrote no tarball: ${pack.stdout}`);
  const install = run('npm', ['install', '-g', '--prefix', prefix, join(work, tarball), '--prefer-offline', '--no-audit', '--no-fund'], work);
  if (install.code !== 0 || !existsSync(bin)) throw new Error(`npm install -g failed:\n${install.stderr}`);
  installWarnings = install.stderr;

  up = spawn(bin, ['--port', '0'], { cwd: project, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  up.stdout?.on('data', (d: Buffer) => (upOut += d.toString()));
  up.stderr?.on('data', (d: Buffer) => (upOut += d.toString()));
  upExit = new Promise((resolve) => up.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!/^Processes: /m.test(upOut)) {
    if (Date.now() > deadline || up.exitCode !== null) throw new Error(`switchyard printed no Processes line:\n${upOut}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 180_000);

afterAll(async () => {
  if (up && up.exitCode === null) {
    up.kill('SIGTERM');
    await upExit;
  }
});

describe('switchyard installed from the packed tarball', () => {
  it('installs without asking to allow an install script', () => {
    expect(installWarnings).not.toMatch(/install-scripts/);
  });

  it('runs the Procfile of the folder it was started in, and prints the serve lines', () => {
    expect(upOut).toMatch(/^Hub: ws:\/\/127\.0\.0\.1:\d+\/ws$/m);
    expect(upOut).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/login\?ticket=\S+$/m);
    expect(upOut).toMatch(new RegExp(`^Token file: ${runtime}/switchyard/hub-\\d+\\.token$`, 'm'));
    expect(upOut).toContain(`Processes: ${join(project, 'Procfile')}\n`);
    // No Electron beside a fresh install: one line says why, and how to get one; serve runs.
    expect(upOut.split('\n').filter((l) => l.startsWith('switchyard: no desktop window'))).toEqual([
      'switchyard: no desktop window (the electron package is not installed; `npm install -g electron@41.7.1` beside switchyard adds one); serving the dashboard instead: open the Dashboard link below',
    ]);
  });

  it('ps: an aligned table of the processes, and --json', async () => {
    await expect.poll(() => list().every((p) => p.status === 'running' && p.pid), { timeout: 15_000 }).toBe(true);
    const table = switchyard(['ps']);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME +STATUS +HEALTH +PID +UPTIME +RESTARTS +CPU +MEM +PORTS$/);
    expect(rows.map((r) => r.split(/ +/).slice(0, 2))).toEqual([
      ['counter', 'running'],
      ['idle', 'running'],
    ]);
    const statusColumn = (header as string).indexOf('STATUS');
    for (const row of rows) expect(row.slice(statusColumn, statusColumn + 7)).toBe('running');
    expect(list().map((p) => p.id)).toEqual(['counter', 'idle']);
  });

  it('restart: the process gets a new pid; an unknown name fails naming it, touching nothing', async () => {
    const before = list().find((p) => p.id === 'counter')?.pid;
    const unknown = switchyard(['restart', 'counter', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('switchyard: unknown process: nope (known: counter, idle)\n');
    expect(list().find((p) => p.id === 'counter')?.pid).toBe(before);

    const restart = switchyard(['restart', 'counter']);
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stdout).toMatch(/^counter: restarted \(running, pid \d+\)$/m);
    await expect.poll(() => list().find((p) => p.id === 'counter'), { timeout: 15_000 }).toMatchObject({ status: 'running', pid: expect.any(Number) });
    expect(list().find((p) => p.id === 'counter')?.pid).not.toBe(before);
  });

  it('logs: both runs of a process in order with its prefix; -n keeps the last lines; names and --grep filter', async () => {
    // Each run starts with its separator line (run N · started HH:MM:SS · how it ended).
    const separator = (l: string) => / · started \d\d:\d\d:\d\d · /.test(l);
    const printed = (args: string[]) => switchyard(args).stdout.split('\n').filter(Boolean);
    const counterLines = () => printed(['logs', 'counter']).filter((l) => !separator(l));
    await expect.poll(() => counterLines().length, { timeout: 15_000 }).toBe(10);
    expect(counterLines()).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map((n) => `counter | line ${n}`));
    const runs = printed(['logs', 'counter']).filter(separator);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatch(/^counter \| run 1 · started /);
    expect(runs[1]).toMatch(/^counter \| run 2 · started .* · running$/);

    const last = switchyard(['logs', '-n', '3', 'counter']);
    expect(last.code).toBe(0);
    expect(last.stdout).toMatch(/^counter \| run 2 · started [^\n]* · running\ncounter \| line 3\ncounter \| line 4\ncounter \| line 5\n$/);

    const all = switchyard(['logs']).stdout.split('\n').filter(Boolean);
    expect(all).toContain('idle    | idle ready');
    expect(all.filter((l) => l.startsWith('counter |') && !separator(l))).toEqual(counterLines());
    expect(printed(['logs', '--grep', 'line [45]$', '-n', '2']).filter((l) => !separator(l))).toEqual(['counter | line 4', 'counter | line 5']);
    const typo = switchyard(['logs', 'countr']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe('switchyard: unknown process: countr (known: counter, idle)\n');
  });

  it('link --viewer: the link opens a viewer session', async () => {
    const link = switchyard(['link', '--viewer']);
    expect(link.code).toBe(0);
    const url = link.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?ticket=\S+$/);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const origin = new URL(url).origin;
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { Cookie: cookie, Origin: origin } });
    const whoami = await new Promise<{ role?: string }>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'request', id: 'w', data: { method: 'hub.whoami' } })));
      ws.on('message', (frame) => {
        for (const line of frame.toString().split('\n')) {
          const message = JSON.parse(line) as { type: string; id?: string; data?: { role?: string } };
          if (message.type === 'response' && message.id === 'w') resolve(message.data ?? {});
        }
      });
    });
    ws.close();
    expect(whoami.role).toBe('viewer');
    // An operator link by default.
    expect(switchyard(['link']).stdout).toMatch(/\/login\?ticket=/);
  });

  it('serves the dashboard from the files the package ships (no build at run time)', async () => {
    const origin = new URL(switchyard(['link']).stdout.trim()).origin;
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const asset = await fetch(new URL(src, origin));
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
    }
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'switchyard', 'resources', 'icon.png'))).toBe(true);
  });

  it('finds the instance from a folder below the one it was started in, and by --port from anywhere', () => {
    mkdirSync(join(project, 'sub'), { recursive: true });
    expect(switchyard(['ps'], join(project, 'sub')).stdout).toMatch(/^counter /m);
    const port = /^Hub: ws:\/\/127\.0\.0\.1:(\d+)\/ws$/m.exec(upOut)?.[1] as string;
    expect(switchyard(['ps', '--port', port], empty).stdout).toMatch(/^idle /m);
    expect(switchyard(['ps'], empty)).toMatchObject({ code: 1, stdout: '' });
  });

  it('down: stops the instance and every process, removes its record and token file', async () => {
    const pids = list().map((p) => p.pid as number);
    const down = switchyard(['down']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/^stopped the instance on port \d+ \(pid \d+\) and its processes$/m);
    expect(await upExit).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(readdirSync(join(runtime, 'switchyard', 'instances'))).toEqual([]);
    expect(readdirSync(join(runtime, 'switchyard')).filter((n) => n.endsWith('.token'))).toEqual([]);
    const after = switchyard(['ps']);
    expect(after.code).toBe(1);
    expect(after.stderr.split('\n')).toHaveLength(2);
  });

  it('in a folder with no definitions: one line saying what to create, exit 1', () => {
    const result = switchyard([], empty);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`switchyard: nothing to run in ${empty}: create a Procfile (one "name: command" per line, e.g. "web: npm run dev") or a switchyard.yaml, or try \`switchyard --demo\`\n`);
  });
});

describe('npx switchyard in the clone', () => {
  it('runs the clone\'s own command', () => {
    const result = run('npx', ['--no-install', 'switchyard', '--help'], REPO_ROOT);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: switchyard /);
  });
});
