// Trust (issue #6): hand-built WebSocket traffic on a raw TCP socket to a real hub, the frames no
// well-behaved client library would send. After a valid handshake, each bad frame must end that
// connection with the RFC 6455 close code for it (1002 protocol error, 1007 bad UTF-8, 1009 too
// big), and the hub must keep serving a healthy subscriber. Bad handshakes (2,000 headers, a
// handshake that never finishes) must be answered or dropped, never hang the hub.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from './hub';
import { startHub, TestClient, TOKEN, until } from './test-helpers';

let hub: Hub;
let port: number;
let healthy: TestClient;
let probe = 0;

beforeAll(async () => {
  let url: string;
  ({ hub, port, url } = await startHub());
  healthy = await TestClient.open(url);
  await healthy.subscribe('canary');
});
afterAll(async () => {
  healthy.ws.terminate();
  await hub.close();
});

async function stillServing(h: Hub = hub, client: TestClient = healthy): Promise<void> {
  const data = `alive ${++probe}`;
  h.publish('canary', { type: 'event', data });
  await client.waitFor((m) => m.data === data);
}

/** A raw TCP connection and everything it received. */
class RawPeer {
  received = Buffer.alloc(0);
  readonly ended: Promise<void>;
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => (this.received = Buffer.concat([this.received, d])));
    socket.on('error', () => {});
    this.ended = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async open(p = port): Promise<RawPeer> {
    const socket = connect(p, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawPeer(socket);
  }

  /** Open and complete a valid, authenticated handshake. */
  static async handshake(p = port): Promise<RawPeer> {
    const peer = await RawPeer.open(p);
    const key = randomBytes(16).toString('base64');
    peer.socket.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
    );
    await until(() => peer.received.includes('\r\n\r\n'), 'the handshake answer', 5000);
    const head = peer.received.subarray(0, peer.received.indexOf('\r\n\r\n')).toString();
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    expect(head).toContain(`Sec-WebSocket-Accept: ${accept}`);
    peer.received = peer.received.subarray(peer.received.indexOf('\r\n\r\n') + 4);
    return peer;
  }

  /** The HTTP status line's code of what was received, or 0. */
  status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.received.toString('latin1'))?.[1] ?? 0);
  }

  /** The code of the first close frame the server sent, or undefined. */
  closeCode(): number | undefined {
    let at = 0;
    const b = this.received;
    while (at + 2 <= b.length) {
      const opcode = (b[at] as number) & 0x0f;
      let len = (b[at + 1] as number) & 0x7f;
      let head = 2;
      if (len === 126) {
        len = b.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        len = Number(b.readBigUInt64BE(at + 2));
        head = 10;
      }
      if (opcode === 0x8) return len >= 2 ? b.readUInt16BE(at + head) : 1005;
      at += head + len;
    }
    return undefined;
  }
}

interface FrameOptions {
  fin?: boolean;
  /** RSV1..3 as bits 0b100, 0b010, 0b001. */
  rsv?: number;
  mask?: boolean;
  /** Announce this length instead of the payload's (bigint for 64-bit lengths). */
  announce?: bigint;
}

/** One WebSocket frame, built by hand. */
function frame(opcode: number, payload: Buffer | string, { fin = true, rsv = 0, mask = true, announce }: FrameOptions = {}): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const length = announce ?? BigInt(body.length);
  const first = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  let head: Buffer;
  if (length < 126n) head = Buffer.from([first, Number(length)]);
  else if (length < 65536n) {
    head = Buffer.alloc(4);
    head.writeUInt16BE(Number(length), 2);
    head[1] = 126;
  } else {
    head = Buffer.alloc(10);
    head.writeBigUInt64BE(length, 2);
    head[1] = 127;
  }
  head[0] = first;
  if (!mask) return Buffer.concat([head, body]);
  head[1] = (head[1] as number) | 0x80;
  const key = randomBytes(4);
  const masked = Buffer.from(body.map((byte, i) => byte ^ (key[i % 4] as number)));
  return Buffer.concat([head, key, masked]);
}

const TEXT = 0x1;
const BINARY = 0x2;
const CONTINUATION = 0x0;
const CLOSE = 0x8;
const PING = 0x9;

describe('a valid handshake, then bad frames: that connection ends with the right code, the hub keeps serving', () => {
  it('a well-formed raw frame is answered (the harness itself is sound)', async () => {
    const peer = await RawPeer.handshake();
    peer.socket.write(frame(TEXT, '{"type":"ping"}'));
    await until(() => peer.received.toString().includes('"pong"'), 'a pong', 5000);
    peer.socket.destroy();
  });

  it.each<[string, number, () => Buffer]>([
    ['an unmasked client frame', 1002, () => frame(TEXT, '{"type":"ping"}', { mask: false })],
    ['RSV1 set (no extension negotiated)', 1002, () => frame(TEXT, '{"type":"ping"}', { rsv: 0b100 })],
    ['RSV2 set', 1002, () => frame(TEXT, '{"type":"ping"}', { rsv: 0b010 })],
    ['RSV3 set', 1002, () => frame(TEXT, '{"type":"ping"}', { rsv: 0b001 })],
    ['unknown data opcode 0x3', 1002, () => frame(0x3, 'x')],
    ['unknown control opcode 0xB', 1002, () => frame(0xb, 'x')],
    ['invalid UTF-8 in a text frame', 1007, () => frame(TEXT, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))],
    ['an overlong UTF-8 encoding', 1007, () => frame(TEXT, Buffer.from([0xc0, 0xaf]))],
    ['a UTF-16 surrogate in UTF-8', 1007, () => frame(TEXT, Buffer.from([0xed, 0xa0, 0x80]))],
    ['a fragmented ping (control frames must not be fragmented)', 1002, () => frame(PING, 'x', { fin: false })],
    ['a ping over 125 bytes', 1002, () => frame(PING, 'p'.repeat(126))],
    ['a continuation with nothing to continue', 1002, () => frame(CONTINUATION, 'x')],
    ['a new text frame in the middle of a fragmented one', 1002, () => Buffer.concat([frame(TEXT, '{"ty', { fin: false }), frame(TEXT, 'pe"}')])],
    ['a close frame with a reserved code (999)', 1002, () => frame(CLOSE, Buffer.from([0x03, 0xe7]))],
    ['a close frame with a one-byte body', 1002, () => frame(CLOSE, Buffer.from([0x03]))],
    ['a frame announcing 64 KiB + 1 (over the limit)', 1009, () => frame(TEXT, '', { announce: 65_537n })],
    ['a frame announcing 2^63 bytes', 1009, () => frame(BINARY, '', { announce: 2n ** 63n })],
    ['a frame announcing 2^64 - 1 bytes', 1009, () => frame(BINARY, '', { announce: 2n ** 64n - 1n })],
    ['fragments that add up past the limit', 1009, () => Buffer.concat([frame(TEXT, 'a'.repeat(40_000), { fin: false }), frame(CONTINUATION, 'a'.repeat(40_000))])],
  ])('%s → close %i', async (_name, code, bytes) => {
    const peer = await RawPeer.handshake();
    await until(() => hub.clientCount() === 2, 'the raw peer registered', 5000);
    peer.socket.write(bytes());
    await peer.ended;
    expect(peer.closeCode()).toBe(code);
    await until(() => hub.clientCount() === 1, 'the raw peer gone', 5000);
    await stillServing();
  });

  it('a binary frame and a text frame of garbage JSON get an error and the connection stays', async () => {
    const peer = await RawPeer.handshake();
    peer.socket.write(frame(BINARY, randomBytes(100)));
    peer.socket.write(frame(TEXT, '\u0000\u0001{{{]]]'));
    peer.socket.write(frame(TEXT, '{"type":"ping"}'));
    await until(() => peer.received.toString().includes('"pong"'), 'a pong after the errors', 5000);
    expect(peer.received.toString().match(/"type":"error"/g)).toHaveLength(2);
    peer.socket.destroy();
    await stillServing();
  });

  it('a peer stuck in the middle of a frame, deaf to pings, is terminated by the heartbeat', async () => {
    const started = await startHub({ heartbeatIntervalMs: 50, pongTimeoutMs: 200 });
    try {
      const ok = await TestClient.open(started.url);
      await ok.subscribe('canary');
      const peer = await RawPeer.handshake(started.port);
      // Half a frame: the header promises 100 bytes, 10 arrive, the rest never does.
      peer.socket.write(frame(TEXT, 'x'.repeat(100)).subarray(0, 16));
      await peer.ended;
      expect(started.hub.stats().counters.pongTimeouts).toBeGreaterThanOrEqual(1);
      await stillServing(started.hub, ok);
      ok.ws.terminate();
    } finally {
      await started.hub.close();
    }
  });
});

describe('bad handshakes are answered or dropped, never left hanging', () => {
  it('2,000 headers over the size limit get 431 (Node: 16 KiB of headers)', async () => {
    const peer = await RawPeer.open();
    const headers = Array.from({ length: 2000 }, (_, i) => `X-Junk-${i}: ${'v'.repeat(8)}\r\n`).join('');
    peer.socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}\r\n`);
    await peer.ended;
    expect(peer.status()).toBe(431);
    await stillServing();
  });

  it('2,000 tiny headers within the size limit, around a valid handshake, are answered, not hung', async () => {
    const peer = await RawPeer.open();
    const headers = Array.from({ length: 2000 }, () => 'a:b\r\n').join('');
    const key = randomBytes(16).toString('base64');
    peer.socket.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n${headers}Upgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await until(() => peer.status() !== 0, 'an answer', 5000);
    // Node keeps the first 2,000 headers (maxHeadersCount): the upgrade fields after them are
    // dropped, so the request is no valid upgrade. Any answer but a hang is a pass.
    expect([101, 400, 401, 403, 426, 431]).toContain(peer.status());
    peer.socket.destroy();
    await until(() => hub.clientCount() === 1, 'no extra client', 5000);
    await stillServing();
  });

  it('an upgrade without Sec-WebSocket-Key or with an unsupported version (7; ws takes 8 and 13) gets 400', async () => {
    for (const extra of ['Sec-WebSocket-Version: 13\r\n', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 7\r\n`]) {
      const peer = await RawPeer.open();
      peer.socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${extra}\r\n`);
      await until(() => peer.status() !== 0, 'an answer', 5000);
      expect(peer.status()).toBe(400);
      peer.socket.destroy();
    }
    await stillServing();
  });

  it('a request or upgrade with no Host at all (HTTP/1.0) gets 403', async () => {
    for (const request of [
      'GET /healthz HTTP/1.0\r\n\r\n',
      `GET /ws HTTP/1.0\r\nAuthorization: Bearer ${TOKEN}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ]) {
      const peer = await RawPeer.open();
      peer.socket.write(request);
      await until(() => peer.status() !== 0, 'an answer', 5000);
      expect(peer.status()).toBe(403);
      peer.socket.destroy();
    }
    await stillServing();
  });

  it('garbage instead of HTTP gets 400 and the socket closed', async () => {
    const peer = await RawPeer.open();
    peer.socket.write(randomBytes(512));
    await peer.ended;
    expect([0, 400]).toContain(peer.status());
    await stillServing();
  });

  it('Hub.listen() drops a handshake that never finishes with 408 in bounded time', async () => {
    const peer = await RawPeer.open();
    peer.socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n`);
    let drips = 0;
    // One header line a second, at most 40: the hub's server must hang up first (headersTimeout 10 s).
    const drip = setInterval(() => {
      if (++drips > 40 || peer.socket.destroyed) return clearInterval(drip);
      peer.socket.write(`X-Slow-${drips}: 1\r\n`);
    }, 1000);
    await peer.ended;
    clearInterval(drip);
    expect(drips).toBeLessThan(30);
    expect(peer.status()).toBe(408);
    await stillServing();
  }, 60_000);

  it('a slow-loris handshake that never finishes is dropped by the HTTP server in bounded time', async () => {
    // The mechanism, on a server configured as the hub's servers should be (see TRUST.md for the
    // figures of Node's defaults in serve mode): the headers must be complete within headersTimeout.
    const server: Server = createServer({ headersTimeout: 500, requestTimeout: 1000, connectionsCheckingInterval: 100 });
    server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const loPort = (server.address() as { port: number }).port;
    try {
      const peer = await RawPeer.open(loPort);
      peer.socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${loPort}\r\n`);
      let drips = 0;
      // One header line every 100 ms, at most 100 of them (10 s): the server must hang up first.
      const drip = setInterval(() => {
        if (++drips > 100 || peer.socket.destroyed) return clearInterval(drip);
        peer.socket.write(`X-Slow-${drips}: 1\r\n`);
      }, 100);
      await peer.ended;
      clearInterval(drip);
      expect(drips).toBeLessThan(100);
      expect([0, 408]).toContain(peer.status());
      await stillServing();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
