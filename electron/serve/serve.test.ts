// Serve mode as a user runs it: the built `out/main/serve.js` as a real child process, real
// processes from a Procfile, real WebSocket and HTTP clients.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { get, type IncomingHttpHeaders } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, upgradeStatus } from '../hub/test-helpers';
import { groupAlive } from '../supervisor/process-group';
import { REPO_ROOT, startServe, type ServeProcess } from './serve-process';

const TOKEN = 'serve-test-token-0123456789';
const PROCFILE = resolve(REPO_ROOT, 'electron/serve/fixtures/three.Procfile');

/** A plain GET with any headers (fetch cannot set Host, which the DNS-rebinding checks need). */
function http(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolveGet, reject) => {
    const req = get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

describe('npm run serve', () => {
  let serve: ServeProcess;
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'switchyard-serve-')), 'hub.token');

  beforeAll(async () => {
    serve = await startServe(['--procfile', PROCFILE, '--port', '0', '--token', TOKEN, '--token-file', tokenFile]);
  });
  afterAll(async () => {
    if (serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('prints the two lines of the contract, never the token', () => {
    expect(serve.hubUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(serve.dashboardLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?ticket=/);
    expect(serve.output()).not.toContain(TOKEN);
  });

  it('writes the token file for local scripts, readable by the user only', () => {
    expect(serve.tokenFile).toBe(tokenFile);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(TOKEN);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  });

  it('a client with the token receives every process line with its stream', async () => {
    const client = await TestClient.open(serve.hubUrl, { token: TOKEN });
    for (const id of ['alpha', 'beta', 'gamma']) await client.subscribe(`process:${id}`, { since: 0 });
    for (const id of ['alpha', 'beta', 'gamma']) {
      await client.waitFor((m) => m.channel === `process:${id}` && m.type === 'process_output' && m.data === `${id} 3`, 15_000);
      const lines = client.on(`process:${id}`, 'process_output').map((m) => m.data as string);
      expect(lines.slice(0, 3)).toEqual([`${id} 1`, `${id} 2`, `${id} 3`]);
    }
    const beta = client.on('process:beta', 'process_output')[0] as { stream?: string };
    expect(beta.stream).toBe('stderr');
    await client.close();
  });

  it('refuses missing and wrong tokens with 401, foreign Origin and Host with 403', async () => {
    expect(await upgradeStatus(serve.hubUrl, { token: null })).toBe(401);
    expect(await upgradeStatus(serve.hubUrl, { token: 'wrong-token-0000000' })).toBe(401);
    expect(await upgradeStatus(serve.hubUrl, { token: TOKEN, headers: { Origin: 'http://evil.example' } })).toBe(403);
    expect(await upgradeStatus(serve.hubUrl, { token: TOKEN, headers: { Host: 'evil.example' } })).toBe(403);
    expect((await http(serve.port, '/healthz', { Host: 'evil.example' })).status).toBe(403);
    expect((await http(serve.port, '/', { Host: `evil.example:${serve.port}` })).status).toBe(403);
  });

  it('answers /healthz, guards /api/stats and /metrics', async () => {
    expect(await http(serve.port, '/healthz')).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect((await http(serve.port, '/api/stats')).status).toBe(401);
    expect((await http(serve.port, '/metrics')).status).toBe(401);
    const stats = await http(serve.port, '/api/stats', { Authorization: `Bearer ${TOKEN}` });
    expect(stats.status).toBe(200);
    const body = JSON.parse(stats.body) as { clients: number; channelList: Array<{ name: string }> };
    expect(body.channelList.map((c) => c.name)).toEqual(expect.arrayContaining(['process:alpha', 'process:beta', 'process:gamma']));
    const metrics = await http(serve.port, '/metrics', { Authorization: `Bearer ${TOKEN}` });
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/^switchyard_hub_clients \d+$/m);
    expect(metrics.body).toMatch(/^switchyard_channel_seq\{channel="process:alpha"\} \d+$/m);
  });

  it('serves the dashboard at / with a strict CSP', async () => {
    const page = await http(serve.port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await http(serve.port, '/../../etc/passwd')).status).toBe(404);
    expect((await http(serve.port, '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it('the login link works once: a session cookie that opens the hub, then 401', async () => {
    const link = new URL(serve.dashboardLink);
    const first = await http(serve.port, link.pathname + link.search);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = (first.headers['set-cookie'] ?? []).join('; ');
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0] ?? '';
    expect(await upgradeStatus(serve.hubUrl, { token: null, headers: { Cookie: session, Origin: `http://127.0.0.1:${serve.port}` } })).toBe(101);
    expect((await http(serve.port, '/api/stats', { Cookie: session })).status).toBe(200);
    const second = await http(serve.port, link.pathname + link.search);
    expect(second.status).toBe(401);
    expect((await http(serve.port, '/login?ticket=made-up')).status).toBe(401);
  });

  it('SIGTERM stops every process group, removes the token file and exits 0', async () => {
    const client = await TestClient.open(serve.hubUrl, { token: TOKEN });
    const list = (await client.request('process.list')).data as Array<{ id: string; pid?: number; status: string }>;
    await client.close();
    const pids = list.map((p) => p.pid).filter((p): p is number => typeof p === 'number');
    expect(pids).toHaveLength(3);
    for (const pid of pids) expect(groupAlive(pid)).toBe(true);
    serve.child.kill('SIGTERM');
    const { code } = await serve.exited;
    expect(code).toBe(0);
    for (const pid of pids) expect(groupAlive(pid)).toBe(false);
    expect(existsSync(tokenFile)).toBe(false);
  });
});

describe('serve options', () => {
  it('rejects a bad option with the usage and exit code 2', async () => {
    await expect(startServe(['--port', 'nope'])).rejects.toThrow(/exited \(2\)[\s\S]*option '--port <n>' argument 'nope' is invalid[\s\S]*Usage:/);
  });

  it('runs ./Procfile of the current folder when given no process option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cwd-'));
    writeFileSync(join(dir, 'Procfile'), 'hello: echo hi-from-cwd; sleep 30\n');
    const serve = await startServe(['--port', '0', '--token', TOKEN, '--token-file', join(dir, 't')], {}, dir);
    try {
      expect(serve.output()).toContain(`Processes: ${join(dir, 'Procfile')}`);
      const client = await TestClient.open(serve.hubUrl, { token: TOKEN });
      await client.subscribe('process:hello', { since: 0 });
      await client.waitFor((m) => m.type === 'process_output' && m.data === 'hi-from-cwd', 15_000);
      await client.close();
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});
