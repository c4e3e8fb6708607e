// Trust, round two, item 7 (TRUST.md): cookies ignore ports. A server on another loopback port
// that the browser visits sees the cookies of 127.0.0.1 and may set its own; neither may open
// this hub nor lock the dashboard out. Sessions can be revoked and end.
import { expect, test, type Page } from '@playwright/test';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClient, upgradeStatus } from '../../electron/hub/test-helpers';
import { startServe, type ServeProcess } from '../../electron/serve/serve-process';

const here = dirname(fileURLToPath(import.meta.url));
const PROCFILE = resolve(here, 'fixtures/Procfile');
const TOKEN = 'e2e-sessions-operator-token-0123456789';

let serve: ServeProcess;
let other: Server;
let otherPort = 0;
/** Every Cookie header the other port's server was sent. */
const seenCookies: string[] = [];

test.beforeAll(async () => {
  serve = await startServe(['--procfile', PROCFILE, '--port', '0', '--token', TOKEN, '--token-file', join(here, '../../test-results/e2e-sessions.token')]);
  // Another local user's listener, or a dev server the dashboard links to: it logs cookies and plants its own.
  other = createServer((req: IncomingMessage, res) => {
    if (req.headers.cookie) seenCookies.push(req.headers.cookie);
    res.writeHead(200, {
      'Content-Type': 'text/html',
      'Set-Cookie': ['switchyard_session=planted-by-another-port; Path=/', 'switchyard_session=planted-deeper; Path=/api'],
    });
    res.end('<!doctype html><title>another server</title><p>hello</p>');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherPort = (other.address() as AddressInfo).port;
});

test.afterAll(async () => {
  other?.close();
  if (serve?.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
});

async function loginLink(role: 'operator' | 'viewer' = 'operator'): Promise<string> {
  const client = await TestClient.open(serve.hubUrl, { token: TOKEN });
  const res = await client.request('hub.loginLink', { role });
  await client.close();
  return (res.data as { url: string }).url;
}

async function connected(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
}

test('no credential the browser sends to another port opens the hub, and nothing that port sets locks the dashboard out', async ({ page, context }) => {
  await page.goto(await loginLink());
  await connected(page);
  // The browser visits the other server (a link in a log line, a dev server).
  const visit = await context.newPage();
  await visit.goto(`http://127.0.0.1:${otherPort}/`);
  await visit.goto(`http://127.0.0.1:${otherPort}/api/x`);
  // Whatever cookies it saw, replayed from a script, open nothing: not the WebSocket, not the API.
  for (const cookie of seenCookies) {
    expect(await upgradeStatus(serve.hubUrl, { token: null, headers: { Cookie: cookie } })).toBe(401);
    const res = await fetch(`http://127.0.0.1:${serve.port}/api/stats`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(401);
  }
  // The dashboard's own session cookie was traded for a page token at once: it is not among them.
  expect(await context.cookies(`http://127.0.0.1:${serve.port}/`)).not.toContainEqual(expect.objectContaining({ name: 'switchyard_session', value: expect.not.stringMatching(/^planted/) }));
  // The planted cookies do not lock the dashboard out: a reload reconnects, and so does a fresh link.
  await page.reload();
  await connected(page);
  await page.goto(await loginLink());
  await connected(page);
  await visit.close();
});

test('a login cookie replayed by a page on another port cannot be traded for a token', async ({ page }) => {
  // /login answers with the cookie; the trade is refused to any origin but the hub's own.
  const link = await loginLink();
  const res = await fetch(link, { redirect: 'manual' });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  expect(cookie).toMatch(/^switchyard_session=/);
  const trade = (origin: string) => fetch(`http://127.0.0.1:${serve.port}/api/session`, { method: 'POST', headers: { Cookie: cookie, Origin: origin } });
  expect((await trade(`http://127.0.0.1:${otherPort}`)).status).toBe(403);
  expect((await trade('null')).status).toBe(403);
  const ok = await trade(`http://127.0.0.1:${serve.port}`);
  expect(ok.status).toBe(200);
  // Traded once: the cookie no longer opens anything.
  expect((await trade(`http://127.0.0.1:${serve.port}`)).status).toBe(401);
  expect(await upgradeStatus(serve.hubUrl, { token: null, headers: { Cookie: cookie } })).toBe(401);
  void page;
});

test('sessions end when revoked, and have a bounded lifetime', async ({ page }) => {
  await page.goto(await loginLink('viewer'));
  await connected(page);
  const operator = await TestClient.open(serve.hubUrl, { token: TOKEN });
  const who = await page.evaluate(async () => {
    const token = localStorage.getItem('switchyard.session');
    return new Promise<unknown>((resolveWho) => {
      const ws = new WebSocket(`ws://${location.host}/ws`, ['switchyard.v1', `bearer.${token}`]);
      ws.onopen = () => ws.send(JSON.stringify({ type: 'request', id: 1, data: { method: 'hub.whoami' } }));
      ws.onmessage = (e) => {
        for (const line of String(e.data).split('\n')) {
          const m = JSON.parse(line) as { type: string; data?: unknown };
          if (m.type === 'response') {
            resolveWho(m.data);
            ws.close();
          }
        }
      };
    });
  });
  const expires = Date.parse((who as { sessionExpiresAt: string }).sessionExpiresAt);
  expect(expires - Date.now()).toBeGreaterThan(0);
  expect(expires - Date.now()).toBeLessThanOrEqual(24 * 3600_000 + 60_000);
  const revoked = await operator.request('hub.revokeSessions', { role: 'viewer' });
  expect((revoked.data as { revoked: number }).revoked).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('session-ended')).toBeVisible({ timeout: 20_000 });
  await operator.close();
});

test('page parameters that are not whole numbers are ignored, not a blank page (item 18)', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await page.goto(await loginLink());
  await connected(page);
  for (const bad of ['1.5', '-1', 'abc', '1e400']) {
    await page.goto(`http://127.0.0.1:${serve.port}/?maxLines=${bad}`);
    await connected(page);
    await expect(page.getByTestId('process-row-counter')).toBeVisible({ timeout: 20_000 });
  }
  expect(warnings.filter((w) => w.includes('ignoring ?maxLines=')).length).toBe(4);
});
