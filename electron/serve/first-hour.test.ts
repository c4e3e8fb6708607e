// Issue #14, "the first hour": what a new user runs into, against the built serve
// (`out/main/serve.js`) as a real child. A used login link answers a page that says how to get
// a new one; a Host refused while listening beyond loopback says how to allow it; a missing file
// is named with who named it; `--port ''` is refused; on a machine without XDG_RUNTIME_DIR the
// printed token file is real and the README's Node snippet works; after a SIGKILL the watchdog
// removes the token file and the instance record; the token can stay off argv.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient, until } from '../hub/test-helpers';
import { REPO_ROOT, startServe, type ServeProcess } from './serve-process';

const TOKEN = 'first-hour-token-0123456789abcdef';
const SERVE = join(REPO_ROOT, 'out/main/serve.js');
const started: ServeProcess[] = [];
afterEach(async () => {
  for (const serve of started.splice(0)) {
    if (serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  }
});

/** A folder with a Procfile of one quiet process, and a private runtime folder for records. */
function project(): { dir: string; runtime: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-first-hour-'));
  writeFileSync(join(dir, 'Procfile'), 'web: echo hello; exec sleep 1000\n');
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  return { dir, runtime };
}

async function serveIn(args: string[], env: Record<string, string> = {}): Promise<ServeProcess & { dir: string; runtime: string }> {
  const { dir, runtime } = project();
  const serve = await startServe(['--port', '0', ...args], { XDG_RUNTIME_DIR: runtime, ...env }, dir);
  started.push(serve);
  return Object.assign(serve, { dir, runtime });
}

/** GET with a chosen Host header (fetch cannot set one). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Serve spawned by hand (for an environment or a stdin startServe does not give); resolves once it printed its lines. */
async function spawnServe(args: string[], env: NodeJS.ProcessEnv, cwd: string, stdin?: string) {
  const child = spawn(process.execPath, [SERVE, ...args], { cwd, env: { ...env, INIT_CWD: cwd }, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (stdin !== undefined) child.stdin?.end(stdin);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await until(() => /^Processes: /m.test(out), 'serve started', 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid as number, output: () => out, stop };
}

/** Run serve to its end (it is expected to fail at start). */
function serveFails(args: string[], cwd: string): { code: number | null; stderr: string; stdout: string } {
  const run = spawnSync(process.execPath, [SERVE, ...args], { cwd, env: { ...process.env, INIT_CWD: cwd }, encoding: 'utf8', timeout: 20_000 });
  return { code: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('a login link that no longer works', () => {
  it('answers an HTML page saying how to get a new one, for a used and for an unknown ticket', async () => {
    const serve = await serveIn(['--token', TOKEN]);
    const first = await fetch(serve.dashboardLink, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const ticket = new URL(serve.dashboardLink).searchParams.get('ticket') as string;
    for (const url of [serve.dashboardLink, `http://127.0.0.1:${serve.port}/login?ticket=not-a-ticket`, `http://127.0.0.1:${serve.port}/login`]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      const page = await res.text();
      expect(page).toMatch(/^<!doctype html>/);
      expect(page).toContain('<h1>No Switchyard session</h1>');
      expect(page).toContain('<code>switchyard link</code>');
      expect(page).toContain('<strong>Open in a browser</strong>');
      expect(page).not.toContain(ticket);
      expect(page).not.toMatch(/<script/i);
    }
  });
});

describe('a Host refused by the DNS-rebinding guard', () => {
  it('with --host 0.0.0.0, a LAN address is told which --allow-host accepts it', async () => {
    const serve = await serveIn(['--host', '0.0.0.0', '--token', TOKEN]);
    const res = await getWithHost(serve.port, '/healthz', `192.168.77.5:${serve.port}`);
    expect(res.status).toBe(403);
    expect(res.body).toBe(
      'Forbidden: unexpected Host header: this hub listens on 0.0.0.0 but answers only loopback names (127.0.0.1, localhost) and the hosts you allow ' +
        '(a guard against DNS rebinding). To open it as 192.168.77.5, restart Switchyard with --allow-host 192.168.77.5\n',
    );
    // A Host that is no plain name is not echoed.
    expect((await getWithHost(serve.port, '/', 'evil<script>')).body).toBe('Forbidden: unexpected Host header\n');
  });

  it('the --allow-host it names works; on loopback no hint is given', async () => {
    const allowed = await serveIn(['--host', '0.0.0.0', '--allow-host', '192.168.77.5', '--token', TOKEN]);
    expect((await getWithHost(allowed.port, '/healthz', `192.168.77.5:${allowed.port}`)).status).toBe(200);
    const loopback = await serveIn(['--token', TOKEN]);
    expect((await getWithHost(loopback.port, '/healthz', `192.168.77.5:${loopback.port}`)).body).toBe('Forbidden: unexpected Host header\n');
  });
});

describe('errors name what the user gave', () => {
  it('a missing --procfile or --config: which option, which file, no ENOENT', () => {
    const { dir } = project();
    const procfile = serveFails(['--port', '0', '--procfile', 'Procfil'], dir);
    expect(procfile.code).toBe(1);
    expect(procfile.stderr).toBe(`switchyard: --procfile Procfil: no such file (${join(dir, 'Procfil')})\n`);
    const config = serveFails(['--port', '0', '--config', 'sy.yaml'], dir);
    expect(config.stderr).toBe(`switchyard: --config sy.yaml: no such file (${join(dir, 'sy.yaml')})\n`);
  });

  it('a Procfile named by a config file: the config file and its procfile: key', () => {
    const { dir } = project();
    writeFileSync(join(dir, 'switchyard.yaml'), 'procfile: ./services/Procfile\n');
    const result = serveFails(['--port', '0', '--config', 'switchyard.yaml'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`switchyard: ${join(dir, 'switchyard.yaml')} names "procfile: ./services/Procfile": no such file (${join(dir, 'services/Procfile')})\n`);
    expect(result.stderr).not.toMatch(/ENOENT/);
  });

  it("--port '' is refused, not taken as port 0", () => {
    const { dir } = project();
    for (const args of [['--port', ''], ['--port=']]) {
      const result = serveFails(args, dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^switchyard: option '--port <n>' argument '' is invalid\. Expected an integer from 0 to 65535\.\n/);
      expect(result.stdout).toBe('');
    }
  });
});

describe('without XDG_RUNTIME_DIR', () => {
  it('prints the real token file (under ~/.switchyard), and the README\'s Node snippet works with it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'switchyard-home-'));
    const { dir } = project();
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.XDG_RUNTIME_DIR;
    const serve = await spawnServe(['--port', '0'], env, dir);
    const out = serve.output();
    try {
      const tokenFile = /^Token file: (.+)$/m.exec(out)?.[1] as string;
      const port = /^Hub: ws:\/\/127\.0\.0\.1:(\d+)\/ws$/m.exec(out)?.[1] as string;
      expect(tokenFile).toBe(join(home, '.switchyard', `hub-${port}.token`));
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(home, '.switchyard')).mode & 0o777).toBe(0o700);
      expect(readdirSync(join(home, '.switchyard', 'instances'))).toHaveLength(1);

      // The README's script, as printed there (it takes the token file and the port).
      const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
      const snippet = /```js\n(\/\/ node watch\.mjs[\s\S]*?)```/.exec(readme)?.[1];
      expect(snippet, 'the Node snippet of the README').toBeDefined();
      const script = join(REPO_ROOT, 'artifacts', `readme-watch-${process.pid}.mjs`);
      mkdirSync(join(REPO_ROOT, 'artifacts'), { recursive: true });
      writeFileSync(script, snippet as string);
      const watch = spawn(process.execPath, [script, tokenFile, port, 'web'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let seen = '';
      watch.stdout.on('data', (d: Buffer) => (seen += d.toString()));
      watch.stderr.on('data', (d: Buffer) => (seen += d.toString()));
      try {
        await until(() => seen.includes('hello'), 'the snippet printed the line of web', 15_000);
      } finally {
        watch.kill();
        rmSync(script, { force: true });
      }
    } finally {
      await serve.stop();
    }
  });
});

describe('after a SIGKILL', () => {
  it('the watchdog removes the token file and the instance record', async () => {
    const serve = await serveIn(['--token', TOKEN]);
    const records = join(serve.runtime, 'switchyard', 'instances');
    expect(existsSync(serve.tokenFile)).toBe(true);
    expect(readdirSync(records)).toHaveLength(1);
    serve.child.kill('SIGKILL');
    await serve.exited;
    await until(() => !existsSync(serve.tokenFile) && readdirSync(records).length === 0, 'token file and record removed', 10_000);
  });
});

describe('the token off the command line', () => {
  it('--token is warned about; --token-stdin takes it from stdin, and argv does not show it', async () => {
    const flagged = await serveIn(['--token', TOKEN]);
    expect(flagged.output()).toContain('switchyard: warning: --token is readable by every local user (`ps`)');

    const { dir, runtime } = project();
    const serve = await spawnServe(['--port', '0', '--token-stdin'], { ...process.env, XDG_RUNTIME_DIR: runtime }, dir, `${TOKEN}\n`);
    try {
      const hub = /^Hub: (\S+)$/m.exec(serve.output())?.[1] as string;
      await (await TestClient.open(hub, { token: TOKEN })).close();
      expect(readFileSync(`/proc/${serve.pid}/cmdline`, 'utf8')).not.toContain(TOKEN);
      expect(serve.output()).not.toMatch(/warning/);
    } finally {
      await serve.stop();
    }
  });

  it('an existing --token-file of yours is read and left in place; one others can read is refused', async () => {
    const { dir } = project();
    const file = join(dir, 'my.token');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const serve = await startServe(['--port', '0', '--token-file', file], {}, dir);
    await (await TestClient.open(serve.hubUrl, { token: TOKEN })).close();
    serve.child.kill('SIGTERM');
    await serve.exited;
    expect(readFileSync(file, 'utf8')).toBe(`${TOKEN}\n`);

    chmodSync(file, 0o644);
    const loose = serveFails(['--port', '0', '--token-file', file], dir);
    expect(loose.code).toBe(1);
    expect(loose.stderr).toBe(`switchyard: --token-file ${file}: ${file} is readable by other users (mode 644); run \`chmod 600 ${file}\`\n`);
  });
});
