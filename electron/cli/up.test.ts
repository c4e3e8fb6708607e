// `switchyard up` in-process, its shell a real serve child (out/main/serve.js, built by the
// tests' global setup): which file of a folder it runs and what the `Processes:` line says,
// `--demo`, a second start from the same folder, the token kept off argv and out of the
// environment, and `--open`.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../hub/test-helpers';
import { startUp, type RunningUp } from './test-io';

const running: RunningUp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((up) => up.stop()));
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-up-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const LONG = 'node -e "console.log(\'ready\'); setInterval(() => {}, 1e6)"';

async function start(dir: string, argv: string[] = ['--no-window', '--port', '0'], extra: Partial<Parameters<typeof startUp>[1]> = {}, env: Record<string, string> = {}): Promise<RunningUp> {
  const up = startUp(argv, { cwd: dir, ...extra }, env);
  running.push(up);
  await up.waitFor(/^Processes: .*$/m);
  return up;
}

describe('which definitions up runs', () => {
  it('the config file wins over the Procfile beside it, and the Processes line says so', async () => {
    const dir = project({ 'switchyard.yaml': `processes:\n  api: ${JSON.stringify(LONG)}\n`, Procfile: `web: ${LONG}\n` });
    const up = await start(dir);
    expect(up.io.stdout).toContain(`Processes: ${join(dir, 'switchyard.yaml')} (not ${join(dir, 'Procfile')}: name it with "procfile:" to use it too)\n`);
  });

  it('a config file that names the Procfile runs both, and says so', async () => {
    const dir = project({ 'switchyard.yml': 'procfile: Procfile\nprocesses:\n  web: { autostart: true }\n', Procfile: `web: ${LONG}\n` });
    const up = await start(dir);
    expect(up.io.stdout).toContain(`Processes: ${join(dir, 'switchyard.yml')}, with its procfile: ${join(dir, 'Procfile')}\n`);
  });

  it('switchyard.json counts as a config file; a Procfile alone is read as such', async () => {
    const json = project({ 'switchyard.json': JSON.stringify({ processes: { api: LONG } }) });
    expect((await start(json)).io.stdout).toContain(`Processes: ${join(json, 'switchyard.json')}\n`);
    const procfile = project({ Procfile: `web: ${LONG}\n` });
    expect((await start(procfile)).io.stdout).toContain(`Processes: ${join(procfile, 'Procfile')}\n`);
  });

  it('--demo runs the demo set wherever it is', async () => {
    const up = await start(project({}), ['--demo', '--no-window', '--port', '0']);
    expect(up.io.stdout).toMatch(/^Processes: .*resources\/demo\/switchyard\.yaml \(demo\)$/m);
  });

  it('a Procfile named by the config that does not exist: the config and the name are said, no ENOENT', async () => {
    const dir = project({ 'switchyard.yaml': 'procfile: Procfil\n' });
    const up = startUp(['--no-window', '--port', '0'], { cwd: dir });
    expect(await up.exited).toBe(1);
    expect(up.io.stderr).toBe(`switchyard: ${join(dir, 'switchyard.yaml')} names "procfile: Procfil": no such file (${join(dir, 'Procfil')})\n`);
  });

  it('a missing --procfile is named as given', async () => {
    const up = startUp(['--no-window', '--port', '0', '--procfile', 'nope/Procfile'], { cwd: project({}) });
    expect(await up.exited).toBe(1);
    expect(up.io.stderr).toMatch(/^switchyard: --procfile nope\/Procfile: no such file \(\/\S+\/nope\/Procfile\)\n$/);
    expect(up.io.stderr).not.toMatch(/ENOENT/);
  });
});

describe('one instance per folder', () => {
  it('a second up in the same folder says where the first runs, and exits 1', async () => {
    const dir = project({ Procfile: `web: ${LONG}\n` });
    const first = await start(dir);
    const port = /^Hub: ws:\/\/127\.0\.0\.1:(\d+)\/ws$/m.exec(first.io.stdout)?.[1];
    const second = startUp(['--no-window'], { cwd: dir, env: first.io.env }, {});
    expect(await second.exited).toBe(1);
    expect(second.io.stderr).toBe(`switchyard: already running from ${dir} on port ${port}: \`switchyard link\` prints a login link, \`switchyard down\` stops it (--port N starts another)\n`);
  });
});

describe('the token', () => {
  it('--token-stdin: the instance takes it, and it is neither on the shell\'s argv nor in its environment', async () => {
    const token = 'stdin-token-0123456789abcdef';
    const dir = project({ Procfile: `web: ${LONG}\n` });
    const up = await start(dir, ['--no-window', '--port', '0', '--token-stdin'], { readStdin: () => `${token}\n` });
    const hubUrl = (await up.waitFor(/^Hub: (\S+)$/m))[1] as string;
    const client = await TestClient.open(hubUrl, { token });
    await client.close();
    const record = JSON.parse(readFileSync(join(up.io.env.XDG_RUNTIME_DIR as string, 'switchyard', 'instances', readdirSync(join(up.io.env.XDG_RUNTIME_DIR as string, 'switchyard', 'instances'))[0] as string), 'utf8')) as { pid: number; tokenFile: string };
    expect(JSON.stringify(record)).not.toContain(token);
    expect(readFileSync(`/proc/${record.pid}/cmdline`, 'utf8')).not.toContain(token);
    expect(readFileSync(`/proc/${record.pid}/environ`, 'utf8')).not.toContain(token);
    expect(up.io.stderr).not.toMatch(/warning/);
  });

  it('SWITCHYARD_TOKEN is used, and not passed on to the shell\'s environment', async () => {
    const token = 'env-token-0123456789abcdef';
    const dir = project({ Procfile: `web: ${LONG}\n` });
    const up = await start(dir, undefined, {}, { SWITCHYARD_TOKEN: token });
    const hubUrl = (await up.waitFor(/^Hub: (\S+)$/m))[1] as string;
    const client = await TestClient.open(hubUrl, { token });
    await client.close();
    const dirOf = join(up.io.env.XDG_RUNTIME_DIR as string, 'switchyard', 'instances');
    const record = JSON.parse(readFileSync(join(dirOf, readdirSync(dirOf)[0] as string), 'utf8')) as { pid: number };
    expect(readFileSync(`/proc/${record.pid}/environ`, 'utf8')).not.toContain('SWITCHYARD_TOKEN=');
  });

  it('--token works and is warned about', async () => {
    const up = await start(project({ Procfile: `web: ${LONG}\n` }), ['--no-window', '--port', '0', '--token', 'flag-token-0123456789']);
    expect(up.io.stderr).toContain('switchyard: warning: --token is readable by every local user (`ps`); pass it with --token-stdin, --token-file FILE or SWITCHYARD_TOKEN instead\n');
  });
});

describe('--open', () => {
  it('hands the Dashboard link to xdg-open', async () => {
    const dir = project({ Procfile: `web: ${LONG}\n` });
    const fakeBin = join(dir, 'bin');
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'xdg-open'), `#!/bin/sh\necho "$1" > ${join(dir, 'opened')}\n`);
    chmodSync(join(fakeBin, 'xdg-open'), 0o755);
    const up = startUp(['--no-window', '--port', '0', '--open'], { cwd: dir }, { PATH: `${fakeBin}:${process.env.PATH}` });
    running.push(up);
    const link = (await up.waitFor(/^Dashboard: (\S+)$/m))[1];
    await expect.poll(() => readFileSync(join(dir, 'opened'), { encoding: 'utf8', flag: 'a+' }).trim(), { timeout: 10_000 }).toBe(link);
  });
});

describe('serve options pass through up', () => {
  it('--allow-host reaches serve as given', async () => {
    const up = await start(project({ Procfile: `web: ${LONG}\n` }), ['--no-window', '--port', '0', '--allow-host', 'box.test']);
    const port = Number(/^Hub: ws:\/\/127\.0\.0\.1:(\d+)\/ws$/m.exec(up.io.stdout)?.[1]);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', headers: { Host: `box.test:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});
