// Host and Origin checks: unit cases, and 403 before auth on a real server.
import http, { type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHost, checkOrigin } from './http-guard';
import type { Hub } from './hub';
import { startHub, TestClient, until, upgradeStatus } from './test-helpers';

const req = (headers: Record<string, string>, localPort = 7420) => ({ headers, socket: { localPort } }) as unknown as IncomingMessage;

describe('checkHost', () => {
  it.each([
    ['127.0.0.1:7420', true],
    ['localhost:7420', true],
    ['LOCALHOST:7420', true],
    ['[::1]:7420', true],
    ['127.1.2.3:7420', true],
    ['127.0.0.1:7421', false],
    ['127.0.0.1', false],
    ['evil.example', false],
    ['evil.example:7420', false],
    ['app.localhost:7420', false],
    ['127.0.0.1.evil.example:7420', false],
    ['', false],
    ['[::1', false],
  ])('%s → %s', (host, ok) => {
    expect(checkHost(req({ host }))).toBe(ok);
  });

  it('uses the configured port and the allowed hosts', () => {
    expect(checkHost(req({ host: 'localhost:9000' }), { port: 9000 })).toBe(true);
    expect(checkHost(req({ host: 'box.lan:7420' }), { allowedHosts: ['box.lan'] })).toBe(true);
    expect(checkHost(req({ host: 'box.lan:80' }), { allowedHosts: ['box.lan:80'] })).toBe(true);
    expect(checkHost(req({ host: 'box.lan:81' }), { allowedHosts: ['box.lan:80'] })).toBe(false);
  });
});

describe('checkOrigin', () => {
  it.each([
    [undefined, true],
    ['http://127.0.0.1:7420', true],
    ['http://localhost:7420', true],
    ['http://[::1]:7420', true],
    ['http://evil.example', false],
    ['http://localhost:7421', false],
    ['https://localhost:7420', false],
    ['null', false],
    ['file://', false],
  ])('%s → %s', (origin, ok) => {
    expect(checkOrigin(req(origin === undefined ? {} : { origin }))).toBe(ok);
  });

  it('accepts an allowed origin', () => {
    expect(checkOrigin(req({ origin: 'app://switchyard' }), { allowedOrigins: ['app://switchyard'] })).toBe(true);
  });
});

describe('upgrade guard', () => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.close();
  });

  it('answers 403 to a foreign Origin and a foreign Host before auth, and keeps serving others', async () => {
    const started = await startHub();
    hub = started.hub;
    const { url, port } = started;
    const ok = await TestClient.open(url);
    await ok.subscribe('chat');
    expect(await upgradeStatus(url, { headers: { Origin: 'http://evil.example' } })).toBe(403);
    expect(await upgradeStatus(url, { token: null, headers: { Origin: 'http://evil.example' } })).toBe(403);
    expect(await upgradeStatus(url, { headers: { Host: 'evil.example' } })).toBe(403);
    expect(await upgradeStatus(url, { headers: { Host: `evil.example:${port}` } })).toBe(403);
    expect(await upgradeStatus(url, { headers: { Origin: `http://localhost:${port}` } })).toBe(101);
    await until(() => hub?.clientCount() === 1);
    expect(hub.stats().counters).toMatchObject({ originRejected: 2, hostRejected: 2, authFailures: 0 });
    hub.publish('chat', { type: 'event', data: 'still serving' });
    await ok.waitFor((m) => m.data === 'still serving');
    ok.ws.terminate();
  });

  it('answers 403 to plain HTTP with a foreign Host from listen()', async () => {
    const started = await startHub();
    hub = started.hub;
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: started.port, path: '/healthz', headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    expect(await status(`127.0.0.1:${started.port}`)).toBe(200);
    expect(await status('evil.example')).toBe(403);
  });
});
