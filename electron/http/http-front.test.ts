// The HTTP front's own defences (trust round two, items 8, 9 and 17): a name bound on every
// loopback address, caps on sockets that have not authenticated, silent sockets cut, and static
// files served by their real path only.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../shared/test-support/until';
import { checkHost } from '../hub/http-guard';
import { Hub } from '../hub/hub';
import { startHttpFront, type HttpFront, type HttpFrontOptions } from './http-front';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function front(options: HttpFrontOptions, staticDir?: string): Promise<{ front: HttpFront; cut: () => number }> {
  const hub = new Hub({ tokens: { 'front-test-token-0123456789': 'op' } });
  let cut = 0;
  const f = await startHttpFront(
    {
      hostAllowed: (req, port) => checkHost(req, { port }),
      auth: hub.auth,
      handleUpgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
      stats: () => hub.stats(),
      staticDir,
      onSocketCut: () => cut++,
    },
    { host: '127.0.0.1', port: 0, ...options },
  );
  cleanups.push(() => hub.close(), () => f.close());
  return { front: f, cut: () => cut };
}

function get(host: string, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers: { Host: `${host.includes(':') ? `[${host}]` : host}:${port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function idle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => {});
    s.once('error', reject);
  });
}

describe('the HTTP front', () => {
  it('binds a host name on every loopback address, so that nobody else can take ::1 (item 8)', async () => {
    const { front: f } = await front({ host: 'localhost' });
    expect(f.addresses[0]).toBe('127.0.0.1');
    expect(await get('127.0.0.1', f.port, '/healthz')).toBe(200);
    if (f.addresses.includes('::1')) expect(await get('::1', f.port, '/healthz')).toBe(200);
  });

  it('caps idle sockets that have not authenticated, evicting the oldest silent one, so a valid client still gets in (item 9)', async () => {
    const { front: f, cut } = await front({ maxUnauthenticatedPerAddress: 10, maxUnauthenticated: 20, silentSocketMs: 60_000 });
    const sockets: Socket[] = [];
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    for (let i = 0; i < 40; i++) sockets.push(await idle(f.port));
    await until(() => sockets.filter((s) => !s.destroyed && s.readyState === 'open').length <= 10 && cut() >= 30, 'the flood held to the cap', 5000);
    // The oldest were cut, the newest kept; a client that speaks at once is served.
    expect(sockets.slice(-5).every((s) => !s.destroyed)).toBe(true);
    expect(await get('127.0.0.1', f.port, '/healthz')).toBe(200);
  });

  it('cuts a socket that sends nothing, quickly (item 9)', async () => {
    const { front: f, cut } = await front({ silentSocketMs: 200 });
    const s = await idle(f.port);
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
    await closed;
    expect(cut()).toBe(1);
  });

  it('serves static files by their real path only: a symlink out of the folder is refused (item 17)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-static-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ok</title>');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    symlinkSync('/etc', join(dir, 'etc'));
    const { front: f } = await front({}, dir);
    expect(await get('127.0.0.1', f.port, '/')).toBe(200);
    expect(await get('127.0.0.1', f.port, '/assets/app.js')).toBe(200);
    expect(await get('127.0.0.1', f.port, '/passwd')).toBe(404);
    expect(await get('127.0.0.1', f.port, '/etc/passwd')).toBe(404);
    expect(await get('127.0.0.1', f.port, '/..%2f..%2fetc%2fpasswd')).toBe(404);
  });
});
