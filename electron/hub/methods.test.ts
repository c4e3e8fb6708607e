// Client publish, request/response, roles, bad input: each case leaves the hub serving others.
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from './hub';
import { CloseCode } from './hub';
import { startHub, TestClient, until, VIEWER_TOKEN } from './test-helpers';
import { MethodError } from './methods';

let hub: Hub;
let url: string;
let clients: TestClient[] = [];
async function open(options: Parameters<typeof TestClient.open>[1] = {}) {
  const c = await TestClient.open(url, options);
  clients.push(c);
  return c;
}
async function setup(options: Parameters<typeof startHub>[0] = {}) {
  ({ hub, url } = await startHub(options));
}
afterEach(async () => {
  for (const c of clients) c.ws.terminate();
  clients = [];
  await hub.close();
});

describe('publish and requests', () => {
  it('lets an operator publish to a non-reserved channel, numbered for every subscriber', async () => {
    await setup();
    const op = await open();
    const sub = await open();
    await sub.subscribe('chat');
    op.send({ type: 'publish', channel: 'chat', data: { text: 'hi' } });
    expect(await sub.waitFor((m) => m.type === 'publish')).toMatchObject({ channel: 'chat', data: { text: 'hi' }, seq: 1 });
    op.send({ type: 'publish', channel: 'process:web', data: 'x' });
    expect(await op.waitFor((m) => m.type === 'error')).toMatchObject({ data: expect.stringContaining('reserved') });
  });

  it('keeps viewers to subscribing: no publish, no operator methods', async () => {
    await setup();
    const viewer = await open({ token: VIEWER_TOKEN });
    viewer.send({ type: 'publish', channel: 'chat', data: 1 });
    expect(await viewer.waitFor((m) => m.type === 'error')).toMatchObject({ data: expect.stringContaining('viewers') });
    for (const method of ['hub.loginLink', 'hub.disconnect']) {
      expect(await viewer.request(method, { role: 'operator', clientId: 'x' })).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(await viewer.request('hub.stats')).toMatchObject({ data: { clients: 1 } });
    expect(hub.channelCount()).toBe(0);
  });

  it('dispatches registered methods, sync and async, with MethodError codes', async () => {
    await setup();
    hub.registerMethod('echo', (params, ctx) => ({ params, role: ctx.role }), { role: 'viewer' });
    hub.registerMethod('slow', async () => {
      await new Promise((r) => setTimeout(r, 10));
      return 'done';
    }, {});
    hub.registerMethod('fails', () => {
      throw new MethodError('not_found', 'no such process');
    }, {});
    hub.registerMethod('bug', () => {
      throw new Error('secret internals');
    }, {});
    expect(() => hub.registerMethod('echo', () => 1, {})).toThrow(/already registered/);
    const c = await open();
    expect(await c.request('echo', { a: 1 }, 7)).toMatchObject({ type: 'response', id: 7, data: { params: { a: 1 }, role: 'operator' } });
    expect(await c.request('slow')).toMatchObject({ data: 'done' });
    expect(await c.request('fails')).toMatchObject({ error: { code: 'not_found', message: 'no such process' } });
    const bug = await c.request('bug');
    expect(bug).toMatchObject({ error: { code: 'internal' } });
    expect(JSON.stringify(bug)).not.toContain('secret');
    expect(await c.request('nope')).toMatchObject({ error: { code: 'unknown_method' } });
  });

  it('answers a result JSON cannot encode with an internal error and keeps the connection', async () => {
    await setup();
    hub.registerMethod('big', () => ({ n: 1n }), {});
    const c = await open();
    expect(await c.request('big')).toMatchObject({ error: { code: 'internal' } });
    expect(await c.request('hub.stats')).toMatchObject({ data: { counters: { internalErrors: 1 } } });
  });

  it('hub.whoami tells each client its own id, user and role', async () => {
    await setup();
    const op = await open();
    const viewer = await open({ token: VIEWER_TOKEN });
    const me = (await op.request('hub.whoami')).data as { clientId: string; userId: string; role: string };
    expect(me).toMatchObject({ userId: 'alice', role: 'operator' });
    expect(hub.stats().clientList.map((c) => c.id)).toContain(me.clientId);
    expect((await viewer.request('hub.whoami')).data).toMatchObject({ userId: 'victor', role: 'viewer' });
  });

  it('hub.loginLink returns a one-time link; hub.disconnect closes a client with 4000', async () => {
    await setup({ loginUrlBase: () => 'http://127.0.0.1:1/login?ticket=' });
    const op = await open();
    const other = await open();
    const link = await op.request('hub.loginLink', { role: 'viewer' });
    const url = (link.data as { url: string }).url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:1\/login\?ticket=/);
    const ticket = decodeURIComponent(url.split('ticket=')[1] ?? '');
    expect(hub.auth.redeemTicket(ticket)?.role).toBe('viewer');
    expect(hub.auth.redeemTicket(ticket)).toBeNull();
    expect(await op.request('hub.loginLink', { role: 'root' })).toMatchObject({ error: { code: 'bad_params' } });

    const otherId = hub.stats().clientList.find((c) => c.id !== hub.stats().clientList[0]?.id)?.id ?? '';
    expect(await op.request('hub.disconnect', { clientId: otherId })).toMatchObject({ data: { disconnected: otherId } });
    expect((await other.closed).code).toBe(CloseCode.byOperator);
    expect(await op.request('hub.disconnect', { clientId: 'ghost' })).toMatchObject({ error: { code: 'not_found' } });
    expect(hub.stats().counters.operatorDisconnects).toBe(1);
  });
});

describe('bad input', () => {
  it.each([
    ['malformed JSON', '{"type":', 'malformed JSON'],
    ['an unknown type', '{"type":"explode"}', 'unknown message type'],
    ['an unknown field', '{"type":"ping","extra":1}', 'unknown field'],
    ['a missing field', '{"type":"publish","data":1}', 'missing field'],
    ['a server-only type', '{"type":"process_output","data":"x"}', 'may not send'],
    ['a binary frame', Buffer.from('{"type":"ping"}'), 'binary'],
  ])('answers %s with an error and stays open', async (_name, frame, reason) => {
    await setup();
    const c = await open();
    const other = await open();
    await other.subscribe('chat');
    c.ws.send(frame);
    expect(await c.waitFor((m) => m.type === 'error')).toMatchObject({ type: 'error', data: expect.stringContaining(reason) });
    c.send({ type: 'ping' });
    await c.waitFor((m) => m.type === 'pong');
    hub.publish('chat', { type: 'event', data: 'fine' });
    await other.waitFor((m) => m.data === 'fine');
    expect(hub.stats().counters.badMessages).toBe(1);
  });

  it('answers a bad request that has an id with a response error', async () => {
    await setup();
    const c = await open();
    c.send('{"type":"request","id":"r1","data":{"method":3}}');
    expect(await c.waitFor((m) => m.type === 'response')).toMatchObject({ id: 'r1', error: { code: 'wrong_type' } });
  });
});

describe('rate limiting', () => {
  it('answers an error when over the limit, and closes persistent abuse with 4029', async () => {
    await setup({ rateLimit: { perSecond: 1, burst: 5, maxStrikes: 20 } });
    const c = await open();
    const other = await open();
    for (let i = 0; i < 10; i++) c.send({ type: 'ping' });
    await c.waitFor((m) => m.type === 'error' && String(m.data).includes('rate limited'));
    await until(() => hub.stats().counters.rateLimited >= 5);
    expect(c.messages.filter((m) => m.type === 'pong')).toHaveLength(5);
    expect(c.messages.filter((m) => m.type === 'error')).toHaveLength(1);
    for (let i = 0; i < 30; i++) c.send({ type: 'ping' });
    expect((await c.closed).code).toBe(CloseCode.rateLimited);
    expect(hub.stats().counters.rateLimitClosed).toBe(1);
    other.send({ type: 'ping' });
    await other.waitFor((m) => m.type === 'pong');
  });
});
