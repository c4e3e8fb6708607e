/**
 * The reconnecting client against small scripted servers on port 0 (where the hub is not needed
 * or where a server must misbehave on purpose): backoff with fake timers, close() in every state,
 * handshake credentials, batched frames, the exact resubscribe on the wire, misuse.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { Message } from '../protocol';
import {
  ClientError,
  ReconnectingClient,
  type ClientTimers,
  type ConnectionInfo,
  type ReconnectingClientOptions,
  type WebSocketConstructor,
} from './reconnecting-client';
import { until as waitUntil } from '../test-support/until';

// Both runtimes' constructors fit the option's type without a cast (checked by the compiler here).
const WS: WebSocketConstructor = WebSocket;
const _browserFits: WebSocketConstructor | undefined = globalThis.WebSocket;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function track(client: ReconnectingClient): ReconnectingClient {
  cleanups.push(() => client.close());
  return client;
}

/** A ws server on port 0 that records handshakes and received messages. */
async function scriptedServer(port = 0, options: { verifyClient?: (info: { req: IncomingMessage }) => boolean } = {}) {
  const received: Message[] = [];
  const handshakes: { protocols: string; authorization: string | undefined }[] = [];
  const wss = new WebSocketServer({
    port,
    host: '127.0.0.1',
    handleProtocols: (protocols) => (protocols.has('switchyard.v1') ? 'switchyard.v1' : false),
    verifyClient: options.verifyClient,
  });
  wss.on('connection', (ws, req) => {
    handshakes.push({ protocols: String(req.headers['sec-websocket-protocol'] ?? ''), authorization: req.headers.authorization });
    ws.on('message', (data) => received.push(JSON.parse(data.toString()) as Message));
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const address = wss.address() as { port: number };
  const close = () => new Promise<void>((resolve) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => resolve());
  });
  cleanups.push(close);
  return { wss, received, handshakes, port: address.port, url: `ws://127.0.0.1:${address.port}/ws`, close };
}

/** A TCP server that accepts connections and never answers the HTTP upgrade: attempts hang in `connecting`. */
async function blackHole(): Promise<{ url: string; open: () => number }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.resume(); // read (and ignore) the upgrade request, or the peer's FIN is never seen
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  const { port } = server.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}/ws`, open: () => sockets.size };
}

/** A port nothing listens on (connections are refused at once). */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The next state matching `pred` (the current one if it matches). Uses no timer, so it works under fake timers. */
function nextState(client: ReconnectingClient, pred: (s: ConnectionInfo) => boolean): Promise<ConnectionInfo> {
  if (pred(client.getInfo())) return Promise.resolve(client.getInfo());
  return new Promise((resolve) => {
    const stop = client.on('state', (s) => {
      if (pred(s)) {
        stop();
        resolve(s);
      }
    });
  });
}

const until = (cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => waitUntil(cond, what, timeoutMs);

/** Real timers that remember which are still pending, to prove that nothing is left behind. */
function countingTimers(): { timers: ClientTimers; pending: Set<unknown> } {
  const pending = new Set<unknown>();
  const timers: ClientTimers = {
    setTimeout(cb, ms) {
      const handle = setTimeout(() => {
        pending.delete(handle);
        cb();
      }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
  return { timers, pending };
}

/** ws that remembers every socket it made. */
function trackedWebSocket(): { ctor: WebSocketConstructor; sockets: WebSocket[] } {
  const sockets: WebSocket[] = [];
  class Tracked extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
  }
  return { ctor: Tracked, sockets };
}

function client(url: string, options: Partial<ReconnectingClientOptions> = {}): ReconnectingClient {
  return track(new ReconnectingClient({ url, WebSocket: WS, initialDelayMs: 20, maxDelayMs: 200, ...options }));
}

describe('backoff (fake timers)', () => {
  it('follows the configured curve within the jitter, caps at the maximum, and resets after a successful connection', async () => {
    const port = await refusedPort();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const randoms = [0, 0.5, 0.999, 0.25, 0.75, 0.1, 0.9];
    let r = 0;
    const c = client(`ws://127.0.0.1:${port}/ws`, {
      initialDelayMs: 1000,
      maxDelayMs: 10_000,
      multiplier: 3,
      jitter: 0.25,
      random: () => randoms[r++ % randoms.length]!,
    });
    const bases = [1000, 3000, 9000, 10_000, 10_000, 10_000];
    c.start();
    for (let retry = 1; retry <= bases.length; retry++) {
      const waiting = await nextState(c, (s) => s.state === 'waiting');
      const base = bases[retry - 1]!;
      const expected = Math.round(base * (1 - 0.25 * randoms[retry - 1]!));
      expect(waiting).toMatchObject({ attempt: retry + 1, delayMs: expected, retryAt: Date.now() + expected, lastError: expect.stringMatching(/ECONNREFUSED/) });
      expect(waiting.delayMs).toBeGreaterThanOrEqual(base * 0.75);
      expect(waiting.delayMs).toBeLessThanOrEqual(Math.min(base, 10_000));
      vi.advanceTimersByTime(expected - 1);
      expect(c.state).toBe('waiting'); // not a millisecond early
      vi.advanceTimersByTime(1);
      expect(c.getInfo()).toMatchObject({ state: 'connecting', attempt: retry + 1 });
    }

    // The hub comes up: the next attempt connects and the curve starts over after the next loss.
    await nextState(c, (s) => s.state === 'waiting');
    const server = await scriptedServer(port);
    let reconnectAttempt = 0;
    c.on('reconnect', (n) => (reconnectAttempt = n));
    vi.advanceTimersByTime(c.getInfo().delayMs!);
    await nextState(c, (s) => s.state === 'connected');
    expect(c.getInfo()).toMatchObject({ attempt: 0, delayMs: null, retryAt: null, protocol: 'switchyard.v1' });
    for (const ws of server.wss.clients) ws.close(1011, 'server trouble');
    const after = await nextState(c, (s) => s.state === 'waiting');
    expect(after.attempt).toBe(1);
    expect(after.delayMs).toBe(Math.round(1000 * (1 - 0.25 * randoms[(r - 1) % randoms.length]!)));
    expect(after.lastError).toMatch(/1011: server trouble/);
    vi.advanceTimersByTime(after.delayMs!);
    await nextState(c, (s) => s.state === 'connected');
    expect(reconnectAttempt).toBe(1);
  });

  it('gives up after maxRetries with a clear error', async () => {
    const port = await refusedPort();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const c = client(`ws://127.0.0.1:${port}/ws`, { maxRetries: 3, initialDelayMs: 1000, maxDelayMs: 30_000, jitter: 0 });
    const attempts: number[] = [];
    const errors: Error[] = [];
    c.on('state', (s) => s.state === 'connecting' && attempts.push(s.attempt));
    c.on('error', (e) => errors.push(e));
    const connected = c.whenConnected();
    c.start();
    for (const delay of [1000, 2000, 4000]) {
      const s = await nextState(c, (x) => x.state === 'waiting');
      expect(s.delayMs).toBe(delay);
      vi.advanceTimersByTime(delay);
    }
    const failed = await nextState(c, (s) => s.state === 'failed');
    expect(attempts).toEqual([1, 2, 3, 4]); // the first try and three retries
    expect(failed).toMatchObject({ failure: 'max_retries', delayMs: null, lastError: expect.stringMatching(/gave up after 3 retries: .*ECONNREFUSED/) });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ClientError);
    expect(errors[0]).toMatchObject({ code: 'max_retries' });
    await expect(connected).rejects.toMatchObject({ code: 'max_retries' });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('close()', () => {
  async function expectPromptAndClean(c: ReconnectingClient, pending: Set<unknown>, sockets: WebSocket[]): Promise<void> {
    const started = performance.now();
    const closing = c.close();
    expect(c.close()).toBe(closing); // twice is harmless
    await closing;
    expect(performance.now() - started).toBeLessThan(100);
    expect(pending.size).toBe(0);
    expect(c.state).toBe('disconnected');
    await until(() => sockets.every((s) => s.readyState === WebSocket.CLOSED), 'every socket closed', 2000);
  }

  it('while connecting: resolves promptly and leaves no timer or socket', async () => {
    const hole = await blackHole();
    const { timers, pending } = countingTimers();
    const { ctor, sockets } = trackedWebSocket();
    const c = client(hole.url, { timers, WebSocket: ctor });
    c.start();
    await until(() => hole.open() === 1, 'the TCP connection');
    expect(c.state).toBe('connecting');
    await expectPromptAndClean(c, pending, sockets);
    await until(() => hole.open() === 0, 'the server side to see the socket go', 2000);
  });

  it('while waiting to retry: resolves promptly and leaves no timer', async () => {
    const port = await refusedPort();
    const { timers, pending } = countingTimers();
    const { ctor, sockets } = trackedWebSocket();
    const c = client(`ws://127.0.0.1:${port}/ws`, { timers, WebSocket: ctor, initialDelayMs: 60_000, maxDelayMs: 60_000 });
    c.start();
    await nextState(c, (s) => s.state === 'waiting');
    expect(pending.size).toBe(1);
    await expectPromptAndClean(c, pending, sockets);
  });

  it('while connected: resolves promptly, rejects pending requests, leaves no timer or socket', async () => {
    const server = await scriptedServer();
    const { timers, pending } = countingTimers();
    const { ctor, sockets } = trackedWebSocket();
    const c = client(server.url, { timers, WebSocket: ctor });
    const disconnects: number[] = [];
    c.on('disconnect', (d) => disconnects.push(d.code));
    c.start();
    await c.whenConnected();
    const outcome = c.request('never.answered').catch((err: unknown) => err);
    expect(pending.size).toBeGreaterThan(0); // heartbeat and the request timeout
    await expectPromptAndClean(c, pending, sockets);
    expect(await outcome).toMatchObject({ code: 'closed' });
    expect(disconnects).toEqual([1000]);
    await until(() => server.wss.clients.size === 0, 'the server to see the close', 2000);
    expect(() => c.start()).toThrow(/after close/);
  });

  it('drops a peer that does not answer the close handshake after closeGraceMs', async () => {
    const server = await scriptedServer();
    const { timers, pending } = countingTimers();
    const { ctor, sockets } = trackedWebSocket();
    const c = client(server.url, { timers, WebSocket: ctor, closeGraceMs: 30 });
    c.start();
    await c.whenConnected();
    for (const ws of server.wss.clients) (ws as unknown as { _socket: Socket })._socket.pause(); // never reads our close frame
    await expectPromptAndClean(c, pending, sockets);
  });
});

describe('connection handling', () => {
  it('abandons an attempt that does not open within connectTimeoutMs', async () => {
    const hole = await blackHole();
    const c = client(hole.url, { connectTimeoutMs: 100, initialDelayMs: 60_000, maxDelayMs: 60_000 });
    c.start();
    const waiting = await nextState(c, (s) => s.state === 'waiting');
    expect(waiting).toMatchObject({ attempt: 2, closedBeforeOpen: 1, lastError: 'no connection within 100 ms' });
    await until(() => hole.open() === 0, 'the abandoned socket to be gone', 2000);
  });

  it('always offers switchyard.v1, adds bearer.<token> or the Authorization header, and works without a token', async () => {
    const server = await scriptedServer();
    for (const options of [{ token: 'tok-1' }, { token: () => 'tok-2', tokenVia: 'header' as const }, {}]) {
      const c = client(server.url, options);
      c.start();
      await c.whenConnected();
      await c.close();
    }
    expect(server.handshakes).toEqual([
      { protocols: 'switchyard.v1,bearer.tok-1', authorization: undefined },
      { protocols: 'switchyard.v1', authorization: 'Bearer tok-2' },
      { protocols: 'switchyard.v1', authorization: undefined },
    ]);
  });

  it('reads batched frames, reports a bad line as an error event and keeps the good ones', async () => {
    const server = await scriptedServer();
    const c = client(server.url);
    const messages: Message[] = [];
    const errors: ClientError[] = [];
    c.on('message', (m) => messages.push(m));
    c.on('error', (e) => errors.push(e as ClientError));
    c.start();
    await c.whenConnected();
    const [ws] = server.wss.clients;
    ws!.send(['{"type":"event","data":1}', '{oops', '{"type":"event","data":2}', '{"type":"pong"}', '{"type":"event","data":3}'].join('\n'));
    await until(() => messages.length === 3, 'three events');
    expect(messages.map((m) => m.data)).toEqual([1, 2, 3]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'bad_message', message: expect.stringMatching(/malformed JSON/) });
    expect(c.getStats()).toMatchObject({ received: 4, delivered: 3, badMessages: 1 });
  });

  it('resubscribes every channel with the last seq and epoch it saw, and drops the replayed overlap', async () => {
    const server = await scriptedServer();
    const c = client(server.url);
    const got: string[] = [];
    c.subscribe('a', (m) => got.push(`a${m.seq}`));
    c.subscribe('b', (m) => got.push(`b${m.seq}`), { since: 7, epoch: 'EB' });
    c.start();
    await c.whenConnected();
    await until(() => server.received.length === 2, 'two subscribes');
    expect(server.received).toEqual([
      { type: 'subscribe', channel: 'a', since: 0 },
      { type: 'subscribe', channel: 'b', since: 7, epoch: 'EB' },
    ]);
    const send = (frame: unknown[]) => [...server.wss.clients][0]!.send(frame.map((m) => JSON.stringify(m)).join('\n'));
    const pub = (channel: string, seq: number) => ({ type: 'publish', channel, seq, data: seq });
    send([
      { type: 'subscribed', channel: 'a', data: { seq: 2, epoch: 'EA', recovered: true } },
      pub('a', 1),
      pub('a', 2),
      { type: 'subscribed', channel: 'b', data: { seq: 8, epoch: 'EB', recovered: true } },
      pub('b', 8),
    ]);
    await until(() => got.length === 3, 'the first messages');
    server.received.length = 0;
    for (const ws of server.wss.clients) ws.terminate();
    await nextState(c, (s) => s.state === 'waiting');
    await c.whenConnected();
    await until(() => server.received.length === 2, 'two resubscribes');
    expect(server.received).toEqual([
      { type: 'subscribe', channel: 'a', since: 2, epoch: 'EA' },
      { type: 'subscribe', channel: 'b', since: 8, epoch: 'EB' },
    ]);
    // A sloppy server replays more than asked: the overlap is dropped, counted, never delivered.
    send([{ type: 'subscribed', channel: 'a', data: { seq: 3, epoch: 'EA', recovered: true } }, pub('a', 1), pub('a', 2), pub('a', 3)]);
    await until(() => got.length === 4, 'the new message');
    expect(got).toEqual(['a1', 'a2', 'b8', 'a3']);
    expect(c.getStats().duplicates).toBe(2);
    expect(c.positions()).toEqual([
      { channel: 'a', epoch: 'EA', lastSeq: 3 },
      { channel: 'b', epoch: 'EB', lastSeq: 8 },
    ]);
    expect(c.unsubscribe('a')).toBe(true);
    await until(() => server.received.some((m) => m.type === 'unsubscribe'), 'the unsubscribe');
    expect(c.subscriptions()).toEqual(['b']);
  });

  it('fails clearly when sending offline, and throws at once on misuse', async () => {
    const port = await refusedPort();
    const c = client(`ws://127.0.0.1:${port}/ws`, { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 });
    expect(() => c.send({ type: 'ping' })).toThrow(ClientError);
    c.start();
    await nextState(c, (s) => s.state === 'waiting');
    let error: unknown;
    try {
      c.publish('chat', 'hi');
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'not_connected', message: expect.stringMatching(/reconnecting in 60 s, attempt 2/) });
    expect(() => new ReconnectingClient({ url: 'not a url', WebSocket: WS })).toThrow(TypeError);
    expect(() => new ReconnectingClient({ url: 'ftp://x/ws', WebSocket: WS })).toThrow(TypeError);
    expect(() => new ReconnectingClient({ url: 'ws://x/ws' } as ReconnectingClientOptions)).toThrow(/WebSocket constructor/);
    expect(() => new ReconnectingClient({ url: 'ws://x/ws', WebSocket: WS, maxDelayMs: 10, initialDelayMs: 100 })).toThrow(RangeError);
    expect(() => new ReconnectingClient({ url: 'ws://x/ws', WebSocket: WS, maxRetries: -1 })).toThrow(RangeError);
    expect(() => c.subscribe('bad channel')).toThrow(TypeError);
    expect(() => c.subscribe('ok', 'nope' as never)).toThrow(TypeError);
    expect(() => c.request('')).toThrow(TypeError);
    c.retryNow();
    await nextState(c, (s) => s.state === 'connecting' || s.state === 'waiting');
  });
});
