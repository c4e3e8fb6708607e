// Seed parity: every feature of the go-ws Hub, against a real server on port 0 with real clients.
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiKeyAuthenticator, authenticatorFunc } from './auth';
import { CloseCode, type Hub } from './hub';
import { startHub, TestClient, TOKEN, until, upgradeStatus } from './test-helpers';

let hubs: Hub[] = [];
let clients: TestClient[] = [];
async function setup(options: Parameters<typeof startHub>[0] = {}) {
  const started = await startHub(options);
  hubs.push(started.hub);
  return started;
}
async function open(url: string, options: Parameters<typeof TestClient.open>[1] = {}) {
  const client = await TestClient.open(url, options);
  clients.push(client);
  return client;
}
afterEach(async () => {
  for (const c of clients) c.ws.terminate();
  await Promise.all(hubs.map((h) => h.close()));
  hubs = [];
  clients = [];
});

describe('Hub (seed parity)', () => {
  it("subscribes with the seed's form and unsubscribes", async () => {
    const { hub, url } = await setup();
    const c = await open(url);
    c.send({ type: 'subscribe', data: 'process:web' });
    await c.waitFor((m) => m.type === 'subscribed');
    expect(hub.channelSubscriberCount('process:web')).toBe(1);
    hub.sendProcessOutput('web', 'hello', 'stdout');
    const line = await c.waitFor((m) => m.type === 'process_output');
    expect(line).toMatchObject({ type: 'process_output', channel: 'process:web', processId: 'web', data: 'hello', stream: 'stdout', seq: 1 });
    expect(typeof line.timestamp).toBe('string');

    c.send({ type: 'unsubscribe', data: 'process:web' });
    await until(() => hub.channelSubscriberCount('process:web') === 0);
    hub.sendProcessOutput('web', 'after', 'stdout');
    c.send({ type: 'ping' });
    await c.waitFor((m) => m.type === 'pong');
    expect(c.messages.filter((m) => m.type === 'process_output').map((m) => m.data)).toEqual(['hello']);
  });

  it('sends to a channel only its subscribers, and broadcasts to everyone', async () => {
    const { hub, url } = await setup();
    const a = await open(url);
    const b = await open(url);
    await a.subscribe('chat');
    expect((await hub.sendToChannel('chat', { type: 'event', data: { hi: 1 } })).seq).toBe(1);
    await a.waitFor((m) => m.type === 'event' && m.channel === 'chat');
    expect(hub.broadcast({ type: 'event', data: 'all' })).toBe(2);
    await a.waitFor((m) => m.data === 'all');
    await b.waitFor((m) => m.data === 'all');
    expect(b.messages.some((m) => m.channel === 'chat')).toBe(false);
  });

  it('has the helpers for process output, status, errors and events', async () => {
    const { hub, url } = await setup();
    const c = await open(url);
    await c.subscribe('process:api');
    hub.sendProcessOutput('api', 'oops', 'stderr');
    hub.sendProcessStatus('api', { status: 'exited', exitCode: 2, pid: 42 });
    hub.sendError('disk full');
    hub.sendEvent('reloaded', { n: 1 });
    await c.waitFor((m) => m.type === 'event');
    const types = c.messages.map((m) => m.type);
    expect(types).toEqual(['subscribed', 'process_output', 'process_status', 'error', 'event']);
    expect(c.messages[1]).toMatchObject({ stream: 'stderr', seq: 1 });
    expect(c.messages[2]).toMatchObject({ processId: 'api', data: { status: 'exited', exitCode: 2, pid: 42 }, seq: 2 });
    expect(c.messages[3]).toMatchObject({ data: 'disk full' });
    expect(c.messages[4]).toMatchObject({ data: { event: 'reloaded', data: { n: 1 } } });
  });

  it('counts clients, channels and subscribers, and removes empty channels', async () => {
    const { hub, url } = await setup();
    const a = await open(url);
    const b = await open(url);
    await a.subscribe('x');
    await b.subscribe('x');
    await b.subscribe('y');
    expect(hub.clientCount()).toBe(2);
    expect(hub.channelCount()).toBe(2);
    expect(hub.channelSubscriberCount('x')).toBe(2);
    expect(hub.stats()).toMatchObject({ clients: 2, channels: 2 });
    await b.close();
    await until(() => hub.clientCount() === 1);
    // `y` had no history and no subscriber left: gone. `x` still has a subscriber.
    expect(hub.channelCount()).toBe(1);
    a.send({ type: 'unsubscribe', channel: 'x' });
    await until(() => hub.channelCount() === 0, 'empty channel removed', 5000);
  });

  it('calls onConnect and onDisconnect with the client', async () => {
    const onConnect = vi.fn();
    const onDisconnect = vi.fn();
    const { url } = await setup({ onConnect, onDisconnect });
    const c = await open(url);
    await until(() => onConnect.mock.calls.length === 1);
    expect(onConnect.mock.calls[0]?.[0]).toMatchObject({ userId: 'alice', role: 'operator' });
    await c.close();
    await until(() => onDisconnect.mock.calls.length === 1);
    expect(onDisconnect.mock.calls[0]?.[0]).toBe(onConnect.mock.calls[0]?.[0]);
  });

  it('authenticates with a function adapter, sets user id and claims, answers 401 and reports failures', async () => {
    const onAuthFailure = vi.fn();
    const authenticator = authenticatorFunc((req) =>
      req.headers['x-api-user'] === 'bob' ? { valid: true, userId: 'bob', role: 'operator', claims: { team: 'ops' } } : { valid: false, reason: 'nope' },
    );
    const { hub, url } = await setup({ authenticator, onAuthFailure, tokens: {} });
    expect(await upgradeStatus(url, { token: null })).toBe(401);
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    expect(onAuthFailure.mock.calls[0]?.[1]).toMatchObject({ valid: false });
    await open(url, { token: null, headers: { 'X-Api-User': 'bob' } });
    const [client] = hub.stats().clientList;
    expect(client).toMatchObject({ userId: 'bob', role: 'operator' });
    expect(hub.client(client?.id ?? '')?.claims).toEqual({ team: 'ops' });
    expect(hub.stats().counters.authFailures).toBe(1);
  });

  it('authenticates API keys in the Authorization header', async () => {
    const { hub, url } = await setup();
    await open(url, { token: TOKEN });
    expect(hub.stats().clientList[0]).toMatchObject({ userId: 'alice', role: 'operator' });
    expect(await upgradeStatus(url, { token: 'wrong' })).toBe(401);
  });

  it("takes the seed's API-key authenticator as its authenticator", async () => {
    const { hub, url } = await setup({ tokens: {}, authenticator: new ApiKeyAuthenticator({ 'seed-key': 'user-1' }) });
    await open(url, { token: 'seed-key' });
    expect(hub.stats().clientList[0]).toMatchObject({ userId: 'user-1', role: 'operator' });
    expect(await upgradeStatus(url, { token: TOKEN })).toBe(401);
  });

  it('closes a client that sends a frame over 64 KiB with 1009, and only that one', async () => {
    const { hub, url } = await setup();
    const bad = await open(url);
    const good = await open(url);
    await good.subscribe('chat');
    bad.send({ type: 'publish', channel: 'chat', data: 'x'.repeat(70_000) });
    expect((await bad.closed).code).toBe(CloseCode.messageTooBig);
    await until(() => hub.stats().counters.oversize === 1);
    bad.ws.terminate();
    hub.publish('chat', { type: 'event', data: 'still here' });
    await good.waitFor((m) => m.data === 'still here');
    expect(hub.clientCount()).toBe(1);
  });

  it('pings on the heartbeat and terminates a peer that never answers', async () => {
    // A pong deadline that a loaded CI machine still meets for the healthy client (at 200 ms its
    // pong was once late too, and the count jumped past 1).
    const { hub, url, port } = await setup({ heartbeatIntervalMs: 100, pongTimeoutMs: 1000 });
    const alive = await open(url);
    let pings = 0;
    alive.ws.on('ping', () => pings++);
    // A raw peer that completes the handshake and then never reads or answers again.
    const raw = net.connect(port, '127.0.0.1');
    raw.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
    );
    await until(() => hub.clientCount() === 2);
    raw.pause();
    await until(() => hub.stats().counters.pongTimeouts >= 1, 'pong timeout', 10_000);
    await until(() => hub.clientCount() === 1, 'the silent peer removed');
    expect(hub.stats().counters.pongTimeouts).toBe(1);
    expect(pings).toBeGreaterThan(0);
    raw.destroy();
  });

  it('terminates a peer whose socket takes no data for the write timeout', async () => {
    const { hub, url } = await setup({ writeTimeoutMs: 300, maxQueueBytes: 256 * 1024 * 1024, retention: { maxMessages: 10 } });
    const stalled = await open(url);
    await stalled.subscribe('process:flood');
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const line = 'w'.repeat(4000);
    // Enough to fill the loopback socket buffers on both sides, so that writes stop completing.
    for (let i = 0; i < 10_000 && hub.stats().counters.writeTimeouts === 0; i++) {
      hub.sendProcessOutput('flood', line, 'stdout');
      if (i % 1000 === 999) await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => hub.stats().counters.writeTimeouts === 1, 'write timeout', 5000);
    expect(hub.clientCount()).toBe(0);
    expect(hub.stats().queuedBytes).toBe(0);
  });

  it('has the seed timing defaults and rejects a pong timeout not above the heartbeat', async () => {
    const { DEFAULTS, resolveLimits } = await import('./hub-options');
    expect(DEFAULTS).toMatchObject({ heartbeatIntervalMs: 30_000, pongTimeoutMs: 60_000, writeTimeoutMs: 10_000, maxPayload: 65_536 });
    expect(() => resolveLimits({ heartbeatIntervalMs: 1000, pongTimeoutMs: 500 })).toThrow(RangeError);
  });

  it('answers an application ping with a pong', async () => {
    const { url } = await setup();
    const c = await open(url);
    c.send({ type: 'ping' });
    expect(await c.waitFor((m) => m.type === 'pong')).toMatchObject({ type: 'pong' });
  });

  it('closes every client with 1001 on close(), and close() twice is harmless', async () => {
    const { hub, url } = await setup();
    const c = await open(url);
    await Promise.all([hub.close(), hub.close()]);
    expect((await c.closed).code).toBe(CloseCode.goingAway);
    await hub.close();
  });
});
