// Trust (issue #6): the attacks local servers have fallen to, against a real hub on a loopback
// port. Each attack must fail, and after each one a healthy subscriber must still receive.
// Foreign addresses appear only as header values: every connection goes to 127.0.0.1.
// The basics (one foreign Origin and Host, wrong/missing/empty/oversize tokens, viewers and
// hub.* methods) are in http-guard.test.ts, auth.test.ts and methods.test.ts; this file adds the
// variants attackers actually use.
import { request as httpRequest } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Supervisor } from '../supervisor';
import { SESSION_COOKIE } from './auth';
import type { Hub } from './hub';
import { CloseCode } from './hub';
import { startHub, TestClient, TOKEN, until, upgradeStatus, VIEWER_TOKEN } from './test-helpers';

let hub: Hub;
let url: string;
let port: number;
let healthy: TestClient;
let probe = 0;

beforeAll(async () => {
  ({ hub, url, port } = await startHub());
  healthy = await TestClient.open(url);
  await healthy.subscribe('canary');
});
afterAll(async () => {
  healthy.ws.terminate();
  await hub.close();
});

/** The hub still serves: a message published now reaches the healthy subscriber. */
async function stillServing(): Promise<void> {
  const data = `alive ${++probe}`;
  hub.publish('canary', { type: 'event', data });
  await healthy.waitFor((m) => m.data === data);
}

/** A plain HTTP GET on the hub's port with any headers; resolves with the status. */
function get(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('cross-site WebSocket hijacking: a foreign Origin gets 403 even with a valid token', () => {
  const origins = (): [string, string][] => [
    ['a foreign site', 'http://evil.example'],
    ['the opaque origin null (sandboxed iframe, file://, data:)', 'null'],
    ['a LAN IP literal on our port', `http://192.168.1.5:${port}`],
    ['0.0.0.0 on our port ("0.0.0.0 day")', `http://0.0.0.0:${port}`],
    ['a decimal IP literal of 127.0.0.1', `http://2130706433:${port}`],
    ['a look-alike host', `http://127.0.0.1.evil.example:${port}`],
    ['a look-alike localhost', `http://localhost.evil.example:${port}`],
    ['a subdomain of localhost', `http://evil.localhost:${port}`],
    ['userinfo tricks', `http://127.0.0.1:${port}@evil.example`],
    ['another port on localhost', `http://127.0.0.1:${port === 65535 ? 1 : port + 1}`],
    ['another port on localhost, by name', 'http://localhost:8080'],
    ['no port at all', 'http://127.0.0.1'],
    ['https on our port (scheme mismatch)', `https://localhost:${port}`],
    ['ws: scheme', `ws://127.0.0.1:${port}`],
    ['file:', 'file://'],
    ['a path appended', `http://127.0.0.1:${port}/x`],
    ['a trailing dot', `http://localhost.:${port}`],
    ['IPv4-mapped IPv6', `http://[::ffff:127.0.0.1]:${port}`],
  ];

  it.each([
    ['the Authorization header', (o: string) => ({ headers: { Origin: o } })],
    ['the bearer. subprotocol (what a browser page would use)', (o: string) => ({ token: null, protocols: ['switchyard.v1', `bearer.${TOKEN}`], headers: { Origin: o } })],
  ])('with the token in %s', async (_how, options) => {
    const before = hub.stats().counters.originRejected;
    const statuses: Record<string, number> = {};
    for (const [name, origin] of origins()) statuses[name] = await upgradeStatus(url, options(origin));
    expect(statuses).toEqual(Object.fromEntries(origins().map(([name]) => [name, 403])));
    expect(hub.stats().counters.originRejected - before).toBe(origins().length);
    await stillServing();
  });

  it('the own origin, by every loopback name, is accepted (the check is not just "refuse all")', async () => {
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://LOCALHOST:${port}`, `http://[::1]:${port}`]) {
      expect(await upgradeStatus(url, { headers: { Origin: origin } })).toBe(101);
    }
    await until(() => hub.clientCount() === 1, 5000, 'the accepted probes gone');
  });

  it('a session cookie does not help a foreign Origin (the cookie is what a browser sends for free)', async () => {
    const session = hub.auth.redeemTicket(hub.auth.issueTicket('operator'));
    const Cookie = `${SESSION_COOKIE}=${session?.sessionId}`;
    expect(await upgradeStatus(url, { token: null, headers: { Cookie, Origin: 'http://evil.example' } })).toBe(403);
    expect(await upgradeStatus(url, { token: null, headers: { Cookie, Origin: 'null' } })).toBe(403);
    expect(await upgradeStatus(url, { token: null, headers: { Cookie, Origin: `http://127.0.0.1:${port}` } })).toBe(101);
    await stillServing();
  });
});

describe('DNS rebinding: a foreign Host gets 403 on upgrades and plain requests', () => {
  const hosts = (): string[] => [
    'evil.example',
    `evil.example:${port}`,
    `127.0.0.1.evil.example:${port}`,
    `localhost.evil.example:${port}`,
    `rebind.localhost:${port}`,
    `192.168.1.5:${port}`,
    `0.0.0.0:${port}`,
    `[::ffff:127.0.0.1]:${port}`,
    `2130706433:${port}`,
    `127.0.0.1:${port + 1}`,
    `127.0.0.1:${port}@evil.example`,
    `127.0.0.1:${port}:${port}`,
    '127.0.0.1',
  ];

  it('upgrades with a valid token', async () => {
    const before = hub.stats().counters.hostRejected;
    const statuses = await Promise.all(hosts().map((Host) => upgradeStatus(url, { headers: { Host } })));
    expect(statuses).toEqual(hosts().map(() => 403));
    expect(hub.stats().counters.hostRejected - before).toBe(hosts().length);
    await stillServing();
  });

  it('plain requests to /healthz (and unknown paths)', async () => {
    for (const Host of hosts()) {
      expect(await get('/healthz', { Host })).toBe(403);
      expect(await get('/', { Host })).toBe(403);
    }
    expect(await get('/healthz', { Host: `localhost:${port}` })).toBe(200);
    await stillServing();
  });
});

describe('credentials', () => {
  it.each([
    ['Basic with the token as user', () => `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`],
    ['Basic with the token as password', () => `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`],
    ['the token without a scheme', () => TOKEN],
    ['another scheme', () => `Token ${TOKEN}`],
    ['Bearer with nothing', () => 'Bearer'],
    ['a prefix of the token', () => `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token and more', () => `Bearer ${TOKEN}x`],
    ['the token twice', () => `Bearer ${TOKEN} ${TOKEN}`],
    ['a 4,097-character token', () => `Bearer ${'t'.repeat(4097)}`],
    ['the token in other case', () => `Bearer ${TOKEN.toUpperCase()}`],
  ])('refuses %s with 401', async (_name, header) => {
    expect(await upgradeStatus(url, { token: null, headers: { Authorization: header() } })).toBe(401);
    await stillServing();
  });

  it('accepts the scheme in any case ("bearer", "BEARER"): RFC 9110 §11.1 makes auth schemes case-insensitive', async () => {
    expect(await upgradeStatus(url, { token: null, headers: { Authorization: `bearer ${TOKEN}` } })).toBe(101);
    expect(await upgradeStatus(url, { token: null, headers: { Authorization: `BEARER ${TOKEN}` } })).toBe(101);
    await until(() => hub.clientCount() === 1, 5000, 'the accepted probes gone');
  });

  it('never takes a token from the query string (it would end up in logs, history and Referer)', async () => {
    for (const query of ['token', 'access_token', 'bearer', 'auth', 'ticket', 'session']) {
      expect(await upgradeStatus(`${url}?${query}=${TOKEN}`, { token: null })).toBe(401);
    }
    expect(await upgradeStatus(`${url}?token=${TOKEN}`, { token: null, headers: { Origin: `http://127.0.0.1:${port}` } })).toBe(401);
    await stillServing();
  });

  it('refuses a subprotocol credential in a look-alike form', async () => {
    for (const protocol of [`Bearer.${TOKEN}`, `bearer${TOKEN}`, `bearer-${TOKEN}`, 'bearer.', `token.${TOKEN}`]) {
      expect(await upgradeStatus(url, { token: null, protocols: ['switchyard.v1', protocol] })).toBe(401);
    }
    await stillServing();
  });

  it('refuses a wrong token even beside a valid session cookie (a bad credential is never "upgraded" by another)', async () => {
    const session = hub.auth.redeemTicket(hub.auth.issueTicket('operator'));
    const Cookie = `${SESSION_COOKIE}=${session?.sessionId}`;
    expect(await upgradeStatus(url, { token: 'wrong-token-000000', headers: { Cookie } })).toBe(401);
    await stillServing();
  });

  it('a login ticket is not a credential, and works once', async () => {
    const ticket = hub.auth.issueTicket('operator');
    expect(await upgradeStatus(url, { token: ticket })).toBe(401);
    expect(await upgradeStatus(url, { token: null, headers: { Cookie: `${SESSION_COOKIE}=${ticket}` } })).toBe(401);
    expect(await upgradeStatus(`${url}?ticket=${ticket}`, { token: null })).toBe(401);
    expect(hub.auth.redeemTicket(ticket)).not.toBeNull();
    expect(hub.auth.redeemTicket(ticket)).toBeNull();
    await stillServing();
  });

  it('a forged, truncated or duplicated session cookie is refused', async () => {
    const session = hub.auth.redeemTicket(hub.auth.issueTicket('operator'))?.sessionId ?? '';
    for (const cookie of [`${SESSION_COOKIE}=${session.slice(0, -1)}`, `${SESSION_COOKIE}=${session}x`, `${SESSION_COOKIE}=`, `${SESSION_COOKIE.toUpperCase()}=${session}`]) {
      expect(await upgradeStatus(url, { token: null, headers: { Cookie: cookie } })).toBe(401);
    }
    await stillServing();
  });
});

const ENV_SECRET = 'env-secret-value-0123456789';

describe('a viewer stays a viewer', () => {
  let supervisor: Supervisor;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-trust-'));
    supervisor = new Supervisor({ hub, definitions: [{ id: 'idle', command: 'sleep 1000', autostart: false, env: { API_KEY: ENV_SECRET } }], watchdog: false });
    supervisor.start();
  });
  afterAll(async () => {
    await supervisor.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every operator method answers forbidden and changes nothing', async () => {
    const viewer = await TestClient.open(url, { token: VIEWER_TOKEN });
    const operator = await TestClient.open(url);
    const marker = join(dir, 'pwned');
    const operatorId = hub.stats().clientList.find((c) => c.role === 'operator' && c.id !== hub.stats().clientList[0]?.id)?.id ?? '';
    const calls: [string, unknown][] = [
      ['process.start', { id: 'idle' }],
      ['process.stop', { id: 'idle' }],
      ['process.restart', { id: 'idle' }],
      ['process.add', { id: 'evil', command: `touch ${marker}`, autostart: true }],
      ['process.remove', { id: 'idle' }],
      ['hub.loginLink', { role: 'operator' }],
      ['hub.loginLink', { role: 'viewer' }],
      ['hub.disconnect', { clientId: operatorId }],
    ];
    for (const [method, params] of calls) {
      const response = await viewer.request(method, params);
      expect(response, method).toMatchObject({ type: 'response', error: { code: 'forbidden' } });
      expect(JSON.stringify(response)).not.toMatch(/ticket=|url/);
    }
    expect(supervisor.list()).toEqual([expect.objectContaining({ id: 'idle', status: 'stopped' })]);
    expect(existsSync(marker)).toBe(false);
    expect(operator.ws.readyState).toBe(operator.ws.OPEN);
    // What a viewer may do still works, and shows no process environment (a .env holds secrets).
    const list = await viewer.request('process.list');
    expect(list).toMatchObject({ data: [expect.objectContaining({ id: 'idle' })] });
    await viewer.subscribe('processes', { since: 0 });
    expect(JSON.stringify([list, ...viewer.messages])).not.toContain(ENV_SECRET);
    await stillServing();
    viewer.ws.terminate();
    operator.ws.terminate();
  });

  it('a viewer cannot publish to any channel, reserved or not, nor fake a process line', async () => {
    const viewer = await TestClient.open(url, { token: null, protocols: ['switchyard.v1', `bearer.${VIEWER_TOKEN}`] });
    for (const channel of ['canary', 'chat', 'process:idle', 'processes', 'hub:stats']) {
      viewer.send({ type: 'publish', channel, data: 'forged' });
      await viewer.waitFor((m) => m.type === 'error' && String(m.data).includes('forbidden') && viewer.messages.filter((x) => x.type === 'error').length >= 1);
    }
    viewer.send({ type: 'process_output', channel: 'process:idle', data: 'forged', stream: 'stdout' });
    viewer.send({ type: 'process_status', channel: 'process:idle', data: { status: 'running' } });
    await until(() => viewer.messages.filter((m) => m.type === 'error').length >= 7, 5000, 'seven refusals');
    expect(viewer.messages.filter((m) => m.type === 'error')).toHaveLength(7);
    await stillServing();
    expect(healthy.messages.some((m) => m.data === 'forged')).toBe(false);
    expect(hub.stats().channelList.find((c) => c.name === "chat")).toBeUndefined();
    viewer.ws.terminate();
  });

  it('an operator cannot publish into the hub\'s reserved channels either', async () => {
    const operator = await TestClient.open(url);
    for (const channel of ['process:idle', 'processes', 'hub:stats', 'hub:anything']) {
      operator.send({ type: 'publish', channel, data: 'forged' });
    }
    await until(() => operator.messages.filter((m) => m.type === 'error').length >= 4, 5000, 'four refusals');
    expect(operator.messages.filter((m) => m.type === 'error').every((m) => String(m.data).includes('reserved'))).toBe(true);
    await stillServing();
    operator.ws.terminate();
  });
});

describe('floods', () => {
  afterEach(async () => {
    await stillServing();
  });

  it('a subscribe flood to fresh channels ends that connection with 4029; nothing of it stays subscribed, memory stays bounded', async () => {
    const known = new Set(hub.stats().clientList.map((c) => c.id));
    const flooder = await TestClient.open(url);
    await until(() => hub.stats().clientList.some((c) => !known.has(c.id)), 5000, 'the flooder registered');
    const flooderId = hub.stats().clientList.find((c) => !known.has(c.id))?.id ?? '';
    const heapBefore = process.memoryUsage().heapUsed;
    const total = 20_000;
    let sent = 0;
    // Written in bursts so that the flood is not one giant write; stops early if the hub hangs up.
    while (sent < total && flooder.ws.readyState === flooder.ws.OPEN) {
      for (let i = 0; i < 1000; i++) flooder.send({ type: 'subscribe', channel: `flood-${sent++}` });
      await new Promise((r) => setImmediate(r));
    }
    const { code } = await flooder.closed;
    expect(code).toBe(CloseCode.rateLimited);
    // What was still queued when the hub hung up is discarded with the connection; whatever did
    // arrive is an answer or a refusal, never anything else, and never more than the hub allows.
    expect(flooder.messages.filter((m) => m.type === 'subscribed').length).toBeLessThanOrEqual(1000);
    expect(flooder.messages.every((m) => m.type === 'subscribed' || m.type === 'error')).toBe(true);
    expect(hub.stats().counters.rateLimitClosed).toBeGreaterThanOrEqual(1);
    await until(() => hub.client(flooderId) === undefined, 5000, 'the flooder gone');
    // Its subscriptions went with it: no channel of the flood is left with a subscriber.
    expect(hub.stats().channelList.filter((c) => c.name.startsWith('flood-') && c.subscribers > 0)).toEqual([]);
    expect(hub.stats().queuedBytes).toBe(0);
    // Bounded memory, loosely: 20,000 refused subscribes must not have cost a byte per subscribe kept.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('a client past maxSubscriptionsPerClient gets an error per refused subscribe, not a crash', async () => {
    const started = await startHub({ maxSubscriptionsPerClient: 5 });
    try {
      const c = await TestClient.open(started.url);
      for (let i = 0; i < 8; i++) c.send({ type: 'subscribe', channel: `s${i}` });
      await until(() => c.messages.length >= 8, 5000, 'eight answers');
      expect(c.messages.filter((m) => m.type === 'subscribed')).toHaveLength(5);
      expect(c.messages.filter((m) => m.type === 'error').every((m) => String(m.data).includes('too many subscriptions'))).toBe(true);
      c.ws.terminate();
    } finally {
      await started.hub.close();
    }
  });

  it('a request flood is rate limited: at most the burst is answered, the rest refused, then 4029', async () => {
    const flooder = await TestClient.open(url);
    for (let i = 0; i < 5000 && flooder.ws.readyState === flooder.ws.OPEN; i++) {
      flooder.send({ type: 'request', id: i, data: { method: 'hub.stats' } });
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    expect((await flooder.closed).code).toBe(CloseCode.rateLimited);
    expect(flooder.messages.filter((m) => m.type === 'response').length).toBeLessThanOrEqual(1000);
  });
});
