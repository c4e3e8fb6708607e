// Credentials: tokens (header and subprotocol), tickets, sessions; 401 before the upgrade.
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiKeyAuthenticator, HubAuth, SESSION_COOKIE } from './auth';
import type { Hub } from './hub';
import { startHub, TestClient, TOKEN, until, upgradeStatus, VIEWER_TOKEN } from './test-helpers';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('HubAuth', () => {
  it('accepts a token by header and by subprotocol, with its role', () => {
    const auth = new HubAuth({ tokens: { t1: 'alice', t2: { userId: 'v', role: 'viewer' } } });
    expect(auth.authenticate(req({ authorization: 'Bearer t1' }))).toEqual({ userId: 'alice', role: 'operator' });
    expect(auth.authenticate(req({ 'sec-websocket-protocol': 'switchyard.v1, bearer.t2' }))).toEqual({ userId: 'v', role: 'viewer' });
    expect(auth.authenticate(req({ authorization: 'Bearer t3' }))).toBeNull();
    expect(auth.authenticate(req({}))).toBeNull();
  });

  it('redeems a ticket once into a session the cookie carries', () => {
    let now = 1000;
    const auth = new HubAuth({ now: () => now, ticketTtlMs: 100, sessionTtlMs: 1000 });
    const ticket = auth.issueTicket('viewer');
    const redeemed = auth.redeemTicket(ticket);
    expect(redeemed?.role).toBe('viewer');
    expect(auth.redeemTicket(ticket)).toBeNull();
    expect(auth.redeemTicket('unknown')).toBeNull();
    const cookie = `other=1; ${SESSION_COOKIE}=${redeemed?.sessionId}`;
    expect(auth.authenticate(req({ cookie }))).toMatchObject({ role: 'viewer' });
    now += 2000;
    expect(auth.authenticate(req({ cookie }))).toBeNull();
    const late = auth.issueTicket('operator');
    now += 200;
    expect(auth.redeemTicket(late)).toBeNull();
  });

  it('keeps tickets and sessions bounded', () => {
    const auth = new HubAuth({ maxTickets: 3 });
    const tickets = Array.from({ length: 5 }, () => auth.issueTicket('viewer'));
    expect(auth.redeemTicket(tickets[0] as string)).toBeNull();
    expect(auth.redeemTicket(tickets[4] as string)).not.toBeNull();
  });

  it('refuses empty and oversize tokens, and misuse throws', () => {
    const keys = new ApiKeyAuthenticator({ good: 'u' });
    expect(keys.check('')).toBeUndefined();
    expect(keys.check('g'.repeat(10_000))).toBeUndefined();
    expect(() => keys.add('', { userId: 'x' })).toThrow(TypeError);
    expect(() => new HubAuth().issueTicket('root' as never)).toThrow(TypeError);
  });
});

describe('upgrade authentication', () => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.close();
  });

  it('answers 401 to wrong, missing, oversize and empty tokens, and keeps serving others', async () => {
    const onAuthFailure = vi.fn();
    const started = await startHub({ onAuthFailure });
    hub = started.hub;
    const { url } = started;
    const ok = await TestClient.open(url);
    await ok.subscribe('chat');
    expect(await upgradeStatus(url, { token: 'wrong' })).toBe(401);
    expect(await upgradeStatus(url, { token: null })).toBe(401);
    expect(await upgradeStatus(url, { token: 'k'.repeat(10_000) })).toBe(401);
    expect(await upgradeStatus(url, { token: '' })).toBe(401);
    expect(await upgradeStatus(url, { token: null, protocols: ['switchyard.v1', 'bearer.wrong'] })).toBe(401);
    expect(await upgradeStatus(url, { token: null, headers: { Cookie: `${SESSION_COOKIE}=forged` } })).toBe(401);
    expect(hub.stats().counters.authFailures).toBe(6);
    // The failure callback never sees the credential in its result.
    for (const [, result] of onAuthFailure.mock.calls) expect(JSON.stringify(result)).not.toMatch(/wrong|kkkk|forged/);
    hub.publish('chat', { type: 'event', data: 'ok' });
    await ok.waitFor((m) => m.data === 'ok');
    ok.ws.terminate();
  });

  it('accepts the bearer. subprotocol, answers switchyard.v1 and never echoes the token', async () => {
    const started = await startHub();
    hub = started.hub;
    const c = await TestClient.open(started.url, { token: null, protocols: ['switchyard.v1', `bearer.${VIEWER_TOKEN}`] });
    expect(c.ws.protocol).toBe('switchyard.v1');
    expect(hub.stats().clientList[0]).toMatchObject({ userId: 'victor', role: 'viewer' });
    c.ws.terminate();
  });

  it('accepts the session cookie of a redeemed login ticket', async () => {
    const started = await startHub();
    hub = started.hub;
    const session = hub.auth.redeemTicket(hub.auth.issueTicket('viewer'));
    const c = await TestClient.open(started.url, { token: null, headers: { Cookie: `${SESSION_COOKIE}=${session?.sessionId}` } });
    await until(() => hub?.clientCount() === 1);
    expect(hub.stats().clientList[0]?.role).toBe('viewer');
    c.ws.terminate();
  });

  it('never puts a token in an error message or the statistics', async () => {
    const started = await startHub();
    hub = started.hub;
    const c = await TestClient.open(started.url, { token: TOKEN });
    c.send('{"type":"subscribe","channel":5}');
    await c.waitFor((m) => m.type === 'error');
    expect(JSON.stringify(hub.stats())).not.toContain(TOKEN);
    expect(JSON.stringify(c.messages)).not.toContain(TOKEN);
    c.ws.terminate();
  });
});
