/**
 * The reconnecting client against the real hub (electron/hub) on port 0: drops in the middle of a
 * stream, a hub restart (new epoch), history past retention, a dead connection, requests, auth.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClientConnection } from '../../electron/hub/client-connection';
import { Hub, type HubOptions } from '../../electron/hub/hub';
import { MethodError } from '../../electron/hub/methods';
import { serveHub, type ServedHub } from '../../electron/http/hub-server';
import type { Message } from '../protocol';
import {
  ReconnectingClient,
  type ConnectionInfo,
  type GapEvent,
  type ReconnectingClientOptions,
  type WebSocketLike,
} from './reconnecting-client';
import { until as waitUntil } from '../test-support/until';

const TOKEN = 'client-test-operator-token-0123456789';
const VIEWER = 'client-test-viewer-token-0123456789';
const hubs: Hub[] = [];
const servers: ServedHub[] = [];
const clients: ReconnectingClient[] = [];

async function startHub(options: HubOptions = {}, port = 0): Promise<{ hub: Hub; url: string; port: number }> {
  const hub = new Hub({ tokens: { [TOKEN]: 'tester', [VIEWER]: { userId: 'viewer', role: 'viewer' } }, ...options });
  hubs.push(hub);
  const served = await serveHub(hub, { port });
  // Closing the hub closes its front too (the port is free again for a second hub).
  const close = hub.close.bind(hub);
  hub.close = () => close().then(() => served.close());
  return { hub, url: served.url, port: served.port };
}

function makeClient(url: string, options: Partial<ReconnectingClientOptions> = {}): ReconnectingClient {
  const client = new ReconnectingClient({
    url,
    WebSocket,
    token: TOKEN,
    initialDelayMs: 20,
    maxDelayMs: 200,
    ...options,
  });
  clients.push(client);
  return client;
}

function waitForState(client: ReconnectingClient, pred: (s: ConnectionInfo) => boolean, what = 'state'): Promise<ConnectionInfo> {
  if (pred(client.getInfo())) return Promise.resolve(client.getInfo());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; now ${JSON.stringify(client.getInfo())}`)), 15_000);
    const stop = client.on('state', (s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      stop();
      resolve(s);
    });
  });
}

const until = (cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> => waitUntil(cond, what, timeoutMs);

const tick = () => new Promise((r) => setImmediate(r));
const rawSocket = (c: ClientConnection) => (c.ws as unknown as { _socket: Socket })._socket;

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(hubs.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('ReconnectingClient with the real hub', () => {
  it('delivers 5,000 lines exactly once and in order across three dropped connections', async () => {
    let current: ClientConnection | undefined;
    const { hub, url } = await startHub({ onConnect: (c) => (current = c) });
    const lines: Message[] = [];
    const client = makeClient(url);
    let reconnects = 0;
    client.on('reconnect', () => reconnects++);
    client.subscribe('process:demo', (m) => lines.push(m));
    client.start();
    await client.whenConnected();
    await until(() => hub.channelSubscriberCount('process:demo') === 1, 'the subscription');
    expect(client.getInfo().protocol).toBe('switchyard.v1');
    expect(current?.batching).toBe(true);

    const drops: Record<number, () => void> = {
      1000: () => hub.disconnect(current!.id), // the hub closes it (4000)
      2500: () => rawSocket(current!).destroy(), // the TCP socket is destroyed under the hub
      4000: () => current!.ws.terminate(), // the hub kills it without a close handshake
    };
    for (let i = 0; i < 5000; i++) {
      const drop = drops[i];
      if (drop) {
        await waitForState(client, (s) => s.state === 'connected', 'connected before the drop');
        await until(() => lines.length > i - 200, 'the stream to flow before the drop');
        drop();
      }
      hub.sendProcessOutput('demo', `line ${i}`, i % 7 === 0 ? 'stderr' : 'stdout');
      if (i % 50 === 0) await tick();
    }
    await until(() => lines.length >= 5000, '5,000 lines');
    await new Promise((r) => setTimeout(r, 50)); // anything extra would be a duplicate
    expect(lines.map((m) => m.data)).toEqual(Array.from({ length: 5000 }, (_, i) => `line ${i}`));
    expect(lines.map((m) => m.seq)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(reconnects).toBe(3);
    expect(client.getStats().connections).toBe(4);
  });

  it('after the hub restarts on the same port, reports a gap per channel and delivers the new life from its first message', async () => {
    const first = await startHub();
    const seen: (string | GapEvent)[] = [];
    const client = makeClient(first.url);
    client.subscribe('process:a', (m) => seen.push(`a:${m.data as string}:${m.seq}`), { onGap: (g) => seen.push(g) });
    client.subscribe('notes', (m) => seen.push(`notes:${m.data as string}:${m.seq}`), { onGap: (g) => seen.push(g) });
    client.start();
    for (const line of ['old 1', 'old 2', 'old 3']) first.hub.sendProcessOutput('a', line, 'stdout');
    first.hub.publish('notes', { type: 'publish', data: 'old note' });
    await until(() => seen.length === 4, 'the first life');
    const oldEpoch = client.positions().find((p) => p.channel === 'process:a')?.epoch;
    expect(oldEpoch).toEqual(expect.any(String));

    await first.hub.close();
    await waitForState(client, (s) => s.state === 'waiting', 'waiting');
    const second = new Hub({ tokens: { [TOKEN]: 'tester' } });
    hubs.push(second);
    // Published before anyone can connect: seq 1 and 2 of the new life are <= the old last seq 3.
    second.sendProcessOutput('a', 'new 1', 'stdout');
    second.sendProcessOutput('a', 'new 2', 'stdout');
    servers.push(await serveHub(second, { port: first.port }));
    await until(() => seen.filter((s) => typeof s === 'string' && s.startsWith('a:new')).length === 2, 'the replay of the new life');
    second.sendProcessOutput('a', 'new 3', 'stdout');
    second.publish('notes', { type: 'publish', data: 'new note' });
    await until(() => seen.length === 4 + 2 + 4, 'the live messages of the new life');

    const gaps = seen.filter((s): s is GapEvent => typeof s !== 'string');
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) {
      expect(gap).toMatchObject({ reason: 'epoch_changed', resumed: true, previousEpoch: expect.any(String) });
      expect(gap.epoch).not.toBe(gap.previousEpoch);
    }
    const aGap = gaps.find((g) => g.channel === 'process:a');
    expect(aGap).toMatchObject({ previousEpoch: oldEpoch, afterSeq: 3, latestSeq: 2 });
    const aStream = seen.filter((s) => (typeof s === 'string' ? s.startsWith('a:') : s.channel === 'process:a'));
    expect(aStream).toEqual(['a:old 1:1', 'a:old 2:2', 'a:old 3:3', aGap, 'a:new 1:1', 'a:new 2:2', 'a:new 3:3']);
    expect(seen.filter((s) => typeof s === 'string' && s.startsWith('notes:'))).toEqual(['notes:old note:1', 'notes:new note:1']);
    expect(client.getStats().duplicates).toBe(0);
  });

  it('a client away longer than the hub retains gets the gap event, then the retained lines', async () => {
    let current: ClientConnection | undefined;
    const { hub, url } = await startHub({ retention: { maxMessages: 100 }, onConnect: (c) => (current = c) });
    const seen: (number | GapEvent)[] = [];
    // A long delay keeps the client away until the test calls retryNow().
    const client = makeClient(url, { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 });
    client.subscribe('process:log', (m) => seen.push(m.seq as number), { onGap: (g) => seen.push(g) });
    client.start();
    await client.whenConnected();
    for (let i = 1; i <= 10; i++) hub.sendProcessOutput('log', `line ${i}`, 'stdout');
    await until(() => seen.length === 10, 'the first ten lines');

    hub.disconnect(current!.id);
    const waiting = await waitForState(client, (s) => s.state === 'waiting', 'waiting');
    expect(waiting).toMatchObject({ attempt: 1, delayMs: 60_000 });
    for (let i = 11; i <= 310; i++) hub.sendProcessOutput('log', `line ${i}`, 'stdout');
    client.retryNow();
    await until(() => seen.length === 10 + 1 + 100, 'the gap and the retained lines');
    expect(seen.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(seen[10]).toMatchObject({ channel: 'process:log', reason: 'not_retained', afterSeq: 10, latestSeq: 310, resumed: true });
    expect(seen.slice(11)).toEqual(Array.from({ length: 100 }, (_, i) => 211 + i));
  });

  it('replaces a connection that stops delivering anything (paused server socket) within the idle timeout', async () => {
    let current: ClientConnection | undefined;
    const { hub, url } = await startHub({ onConnect: (c) => (current = c) });
    const idleTimeoutMs = 400;
    const client = makeClient(url, { pingIntervalMs: 100, idleTimeoutMs });
    const lines: unknown[] = [];
    client.subscribe('process:x', (m) => lines.push(m.data));
    client.start();
    await client.whenConnected();
    hub.sendProcessOutput('x', 'before', 'stdout');
    await until(() => lines.length === 1, 'the first line');
    const disconnects: { code: number; at: number }[] = [];
    client.on('disconnect', (d) => disconnects.push({ code: d.code, at: Date.now() }));

    const paused = current!;
    const pausedAt = Date.now();
    rawSocket(paused).pause(); // the hub reads nothing more: no pong, no data; the TCP connection stays up
    await waitForState(client, (s) => s.state === 'waiting', 'the dead connection to be noticed');
    await waitForState(client, (s) => s.state === 'connected', 'a new connection');
    expect(disconnects).toHaveLength(1);
    expect(disconnects[0]!.code).toBe(4000);
    expect(client.getInfo().lastError).toMatch(/presumed dead/);
    const detectedAfter = disconnects[0]!.at - pausedAt;
    expect(detectedAfter).toBeGreaterThanOrEqual(idleTimeoutMs - 150); // not before the timeout (pings keep a live one alive)
    expect(detectedAfter).toBeLessThan(idleTimeoutMs + 5000); // generous: a loaded machine
    expect(current).not.toBe(paused);
    hub.sendProcessOutput('x', 'after', 'stdout');
    await until(() => lines.length === 2, 'the line after the reconnect');
    expect(lines).toEqual(['before', 'after']);
  });

  it('keeps a quiet but healthy connection: pings are answered', async () => {
    const { url } = await startHub();
    const client = makeClient(url, { pingIntervalMs: 50, idleTimeoutMs: 200 });
    let disconnects = 0;
    client.on('disconnect', () => disconnects++);
    client.start();
    await client.whenConnected();
    await new Promise((r) => setTimeout(r, 700));
    expect(disconnects).toBe(0);
    expect(client.state).toBe('connected');
  });

  it('calls methods: results, hub error codes, timeouts, and rejection when the connection drops', async () => {
    let current: ClientConnection | undefined;
    const { hub, url } = await startHub({ onConnect: (c) => (current = c) });
    hub.registerMethod('test.echo', (params) => params, { role: 'viewer' });
    hub.registerMethod('test.fail', () => {
      throw new MethodError('not_found', 'no such thing');
    }, {});
    hub.registerMethod('test.hang', () => new Promise(() => {}), {});
    const client = makeClient(url);
    await expect(client.request('test.echo', { a: 1 })).rejects.toMatchObject({ code: 'not_connected' });
    client.start();
    await client.whenConnected();

    await expect(client.request('test.echo', { a: 1 })).resolves.toEqual({ a: 1 });
    const stats = await client.request('hub.stats');
    expect(stats.clients).toBe(1);
    await expect(client.request('test.fail')).rejects.toMatchObject({ name: 'ClientError', code: 'not_found', message: expect.stringMatching(/no such thing/) });
    await expect(client.request('no.such.method')).rejects.toHaveProperty('code', expect.any(String));
    await expect(client.request('test.hang', undefined, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'timeout' });

    const pending = client.request('test.hang', undefined, { timeoutMs: 10_000 });
    hub.disconnect(current!.id);
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    await waitForState(client, (s) => s.state === 'connected', 'reconnected');
    await expect(client.request('test.echo', 'again')).resolves.toBe('again');
  });

  it('publishes to a channel, and surfaces what the hub refuses as a message', async () => {
    const { url } = await startHub();
    const operator = makeClient(url);
    const viewer = makeClient(url, { token: VIEWER });
    const got: unknown[] = [];
    viewer.subscribe('chat', (m) => got.push(m.data));
    operator.start();
    viewer.start();
    await Promise.all([operator.whenConnected(), viewer.whenConnected()]);
    await until(() => viewer.positions()[0]?.epoch !== undefined, 'the subscription');
    operator.publish('chat', { text: 'hello' });
    await until(() => got.length === 1, 'the published message');
    expect(got).toEqual([{ text: 'hello' }]);

    const errors: Message[] = [];
    viewer.on('message', (m) => m.type === 'error' && errors.push(m));
    viewer.publish('chat', 'not allowed');
    await until(() => errors.length === 1, 'the refusal');
    expect(errors[0]!.data).toMatch(/forbidden/);
    expect(() => operator.publish('process:web', 'x')).toThrow(RangeError);
    expect(() => operator.publish('bad channel', 'x')).toThrow(TypeError);
  });

  it('subscribes while connected, removes one handler, unsubscribes, and close() leaves the hub with no client', async () => {
    const { hub, url } = await startHub();
    const client = makeClient(url);
    client.start();
    await client.whenConnected();
    const first: unknown[] = [];
    const second: unknown[] = [];
    const removeFirst = client.subscribe('process:late', (m) => first.push(m.data));
    client.subscribe('process:late', (m) => second.push(m.data));
    await until(() => hub.channelSubscriberCount('process:late') === 1, 'the subscription');
    hub.sendProcessOutput('late', 'one', 'stdout');
    await until(() => second.length === 1, 'the first line');
    removeFirst();
    hub.sendProcessOutput('late', 'two', 'stdout');
    await until(() => second.length === 2, 'the second line');
    expect(first).toEqual(['one']);
    expect(client.unsubscribe('process:late')).toBe(true);
    await until(() => hub.channelSubscriberCount('process:late') === 0, 'the unsubscribe');
    await client.close();
    await until(() => hub.clientCount() === 0, 'the hub to see the client go');
  });

  it('authenticates with the Authorization header too, and stops for good on a 401', async () => {
    const { url } = await startHub();
    const viaHeader = makeClient(url, { tokenVia: 'header' });
    viaHeader.start();
    await viaHeader.whenConnected();
    expect(viaHeader.getInfo().protocol).toBe('switchyard.v1');

    const wrong = makeClient(url, { token: 'wrong-token-0123456789abcdef' });
    const errors: Error[] = [];
    wrong.on('error', (e) => errors.push(e));
    wrong.start();
    await expect(wrong.whenConnected()).rejects.toMatchObject({ code: 'auth' });
    expect(wrong.getInfo()).toMatchObject({ state: 'failed', failure: 'auth', lastError: expect.stringMatching(/401/) });
    expect(errors).toHaveLength(1);

    const none = makeClient(url, { token: undefined });
    none.start();
    await expect(none.whenConnected()).rejects.toMatchObject({ code: 'auth' });
  });

  it('in a browser (which hides the 401), says the session may have ended after repeated closes before open', async () => {
    const { url } = await startHub();
    const client = makeClient(url, { token: 'expired-token-0123456789abcdef', WebSocket: BrowserLikeWebSocket, initialDelayMs: 5, maxDelayMs: 20 });
    client.start();
    const info = await waitForState(client, (s) => s.sessionMaybeEnded, 'sessionMaybeEnded');
    expect(info.closedBeforeOpen).toBeGreaterThanOrEqual(3);
    expect(info.state).not.toBe('failed'); // only a hint: the client keeps trying
  });
});

/**
 * ws behind the browser's surface and reticence: error events carry no message (so the HTTP
 * status stays hidden), no headers, no terminate().
 */
class BrowserLikeWebSocket implements WebSocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private readonly ws: WebSocket;

  constructor(url: string, protocols?: string | string[]) {
    this.ws = new WebSocket(url, protocols);
    this.ws.onopen = (e) => this.onopen?.(e);
    this.ws.onmessage = (e) => this.onmessage?.({ data: e.data });
    this.ws.onclose = (e) => this.onclose?.({ code: e.code, reason: e.reason });
    this.ws.onerror = () => this.onerror?.({ type: 'error' });
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  send(data: string): void {
    this.ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}
