// Trust (issue #6): the attacks of electron/hub/attacks.test.ts again, through serve mode as a
// user runs it (the built out/main/serve.js as a child process), where a browser holds a session
// cookie and every HTTP path is exposed. Each attack must fail and a healthy subscriber must keep
// receiving its process's lines. Foreign names appear only as header values: every connection
// goes to 127.0.0.1.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../hub/auth';
import { TestClient, upgradeStatus } from '../hub/test-helpers';
import { REPO_ROOT, startServe, type ServeProcess } from './serve-process';

const TOKEN = 'serve-trust-token-0123456789abcdef';
const PROCFILE = resolve(REPO_ROOT, 'electron/serve/fixtures/three.Procfile');

let serve: ServeProcess;
let healthy: TestClient;
let session: string;

/** Any request with any headers on the serve port. */
function http(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolveReq, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: serve.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolveReq({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The healthy subscriber gets a line of alpha it had not seen before now. */
async function stillServing(): Promise<void> {
  const seen = healthy.on('process:alpha', 'process_output').length;
  await healthy.waitFor((m) => m.channel === 'process:alpha' && m.type === 'process_output' && healthy.on('process:alpha', 'process_output').indexOf(m) >= seen, 10_000);
}

/** Redeem a fresh login link of a role into a `Cookie` header value. */
async function loginCookie(role: 'operator' | 'viewer'): Promise<string> {
  const link = (await healthy.request('hub.loginLink', { role })).data as { url: string };
  const url = new URL(link.url);
  const res = await http(url.pathname + url.search);
  expect(res.status).toBe(303);
  return (res.headers['set-cookie'] ?? [])[0]?.split(';')[0] ?? '';
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-trust-serve-'));
  serve = await startServe(['--procfile', PROCFILE, '--port', '0', '--token', TOKEN, '--token-file', join(dir, 'token')]);
  healthy = await TestClient.open(serve.hubUrl, { token: TOKEN });
  await healthy.subscribe('process:alpha');
  session = await loginCookie('operator');
  expect(session).toMatch(new RegExp(`^${SESSION_COOKIE}=.+`));
}, 30_000);
afterAll(async () => {
  healthy?.ws.terminate();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
});

describe('cross-site WebSocket hijacking with a valid session cookie (what a browser attaches for free)', () => {
  it('every foreign Origin gets 403, the own origin 101', async () => {
    const port = serve.port;
    const foreign = [
      'http://evil.example',
      'null',
      `http://192.168.1.5:${port}`,
      `http://0.0.0.0:${port}`,
      `http://127.0.0.1.evil.example:${port}`,
      `http://localhost.evil.example:${port}`,
      `http://127.0.0.1:${port === 65535 ? 1 : port + 1}`,
      `https://localhost:${port}`,
      `https://127.0.0.1:${port}`,
      'file://',
    ];
    for (const Origin of foreign) {
      expect(await upgradeStatus(serve.hubUrl, { token: null, headers: { Cookie: session, Origin } }), Origin).toBe(403);
      expect(await upgradeStatus(serve.hubUrl, { token: TOKEN, headers: { Origin } }), Origin).toBe(403);
    }
    expect(await upgradeStatus(serve.hubUrl, { token: null, headers: { Cookie: session, Origin: `http://127.0.0.1:${port}` } })).toBe(101);
    await stillServing();
  });

  it('a cookie-authenticated request for the statistics from a foreign Origin reveals nothing cross-site (CORP same-origin, no CORS)', async () => {
    const res = await http('/api/stats', { Cookie: session, Origin: 'http://evil.example' });
    // The read itself is allowed (same-site checks are the browser's), but no CORS header lets a foreign page see it.
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    await stillServing();
  });
});

describe('DNS rebinding: a foreign Host gets 403 on every path, before anything else', () => {
  const paths = ['/', '/index.html', '/healthz', '/api/stats', '/metrics', '/login?ticket=x', '/ws', '/nope'];
  const hosts = () => ['evil.example', `evil.example:${serve.port}`, `127.0.0.1.evil.example:${serve.port}`, `192.168.1.5:${serve.port}`, `0.0.0.0:${serve.port}`, `localhost:${serve.port + 1}`];

  it('plain requests, even with valid credentials', async () => {
    for (const Host of hosts()) {
      for (const path of paths) {
        expect((await http(path, { Host, Authorization: `Bearer ${TOKEN}`, Cookie: session })).status, `${Host} ${path}`).toBe(403);
      }
    }
    expect((await http('/healthz')).status).toBe(200);
    await stillServing();
  });

  it('upgrades, even with valid credentials', async () => {
    for (const Host of hosts()) {
      expect(await upgradeStatus(serve.hubUrl, { token: TOKEN, headers: { Host } }), Host).toBe(403);
      expect(await upgradeStatus(serve.hubUrl, { token: null, headers: { Host, Cookie: session } }), Host).toBe(403);
    }
    await stillServing();
  });

  it('a rebinding page cannot burn a login ticket: the 403 comes before the ticket is looked at', async () => {
    const link = new URL(((await healthy.request('hub.loginLink', { role: 'viewer' })).data as { url: string }).url);
    expect((await http(link.pathname + link.search, { Host: `evil.example:${serve.port}` })).status).toBe(403);
    expect((await http(link.pathname + link.search)).status).toBe(303);
    expect((await http(link.pathname + link.search)).status).toBe(401);
    await stillServing();
  });
});

describe('credentials over HTTP', () => {
  it('never takes a token or ticket from the query string', async () => {
    for (const path of [`/ws?token=${TOKEN}`, `/ws?access_token=${TOKEN}`]) {
      expect(await upgradeStatus(`ws://127.0.0.1:${serve.port}${path}`, { token: null })).toBe(401);
    }
    for (const path of [`/api/stats?token=${TOKEN}`, `/metrics?token=${TOKEN}`, `/api/stats?access_token=${TOKEN}`]) {
      expect((await http(path)).status, path).toBe(401);
    }
    await stillServing();
  });

  it.each([
    ['no credentials', {}],
    ['a wrong token', { Authorization: 'Bearer wrong-token-000000000000' }],
    ['Basic with the token', { Authorization: `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}` }],
    ['an empty Bearer', { Authorization: 'Bearer ' }],
    ['a forged session', { Cookie: `${SESSION_COOKIE}=forged` }],
    ['a very long token', { Authorization: `Bearer ${'t'.repeat(8000)}` }],
  ])('/api/stats and /metrics refuse %s with 401', async (_name, headers: Record<string, string>) => {
    expect((await http('/api/stats', headers)).status).toBe(401);
    expect((await http('/metrics', headers)).status).toBe(401);
    await stillServing();
  });

  it('a used login ticket is refused, by a different client too', async () => {
    const link = new URL(((await healthy.request('hub.loginLink', { role: 'operator' })).data as { url: string }).url);
    expect((await http(link.pathname + link.search)).status).toBe(303);
    const again = await http(link.pathname + link.search, { 'User-Agent': 'someone else' });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    await stillServing();
  });

  it('only GET and HEAD: other methods get 405 and change nothing', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      expect((await http('/api/stats', { Authorization: `Bearer ${TOKEN}` }, method)).status, method).toBe(405);
    }
    await stillServing();
  });
});

describe('a viewer session through serve', () => {
  it('can watch, cannot control a process, publish or mint links', async () => {
    const cookie = await loginCookie('viewer');
    const viewer = await TestClient.open(serve.hubUrl, { token: null, headers: { Cookie: cookie, Origin: `http://127.0.0.1:${serve.port}` } });
    const before = (await healthy.request('process.list')).data as Array<{ id: string; pid?: number; status: string }>;
    for (const [method, params] of [
      ['process.stop', { id: 'alpha' }],
      ['process.restart', { id: 'beta' }],
      ['process.start', { id: 'gamma' }],
      ['process.remove', { id: 'alpha' }],
      ['process.add', { id: 'evil', command: 'echo pwned' }],
      ['hub.loginLink', { role: 'operator' }],
      ['hub.disconnect', { clientId: 'x' }],
    ] as const) {
      expect(await viewer.request(method, params), method).toMatchObject({ error: { code: 'forbidden' } });
    }
    viewer.send({ type: 'publish', channel: 'chat', data: 'x' });
    await viewer.waitFor((m) => m.type === 'error');
    const after = (await healthy.request('process.list')).data as typeof before;
    expect(after.map((p) => [p.id, p.pid, p.status])).toEqual(before.map((p) => [p.id, p.pid, p.status]));
    await viewer.subscribe('process:beta');
    await viewer.waitFor((m) => m.channel === 'process:beta' && m.type === 'process_output', 10_000);
    await viewer.close();
    await stillServing();
  });
});

describe('slow-loris: handshakes and requests that never finish', () => {
  it('are dropped with 408 by the server in bounded time (headersTimeout), while others are served', async () => {
    const port = serve.port;
    const openings = [
      '', // connects and sends nothing
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`,
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`,
    ];
    const started = Date.now();
    const outcomes = await Promise.all(
      openings.map(
        (opening) =>
          new Promise<{ status: string; ms: number }>((resolveLoris) => {
            const socket = connect(port, '127.0.0.1');
            let first = '';
            let drips = 0;
            // One more header line a second, at most 40 (40 s): the server must hang up first.
            const drip = setInterval(() => {
              if (opening && ++drips <= 40 && !socket.destroyed) socket.write(`X-Slow-${drips}: 1\r\n`);
            }, 1000);
            socket.on('connect', () => opening && socket.write(opening));
            socket.on('data', (d: Buffer) => (first ||= d.toString('latin1').split('\r\n')[0] ?? ''));
            socket.on('error', () => {});
            socket.on('close', () => {
              clearInterval(drip);
              resolveLoris({ status: first, ms: Date.now() - started });
            });
          }),
      ),
    );
    for (const { status, ms } of outcomes) {
      expect(['HTTP/1.1 408 Request Timeout', '']).toContain(status);
      // Bounded: Node's default would hold them for 60 s or more (headersTimeout 60 s, checked every 30 s).
      expect(ms).toBeLessThan(30_000);
    }
    await stillServing();
  }, 60_000);
});
