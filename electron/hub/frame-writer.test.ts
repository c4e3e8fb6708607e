import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { COPY_LIMIT, headerLength, WRITE_PIECE, writeFrames, type FramePlan } from './frame-writer';

// A real ws server's upgraded socket written by writeFrames, read by a real ws client: what the
// client parses is what RFC 6455 framing of the plan means, whatever ws's own sender would do.
let server: WebSocketServer | undefined;
afterEach(() => server?.close());

async function pair(): Promise<{ socket: Socket; client: WebSocket; received: string[]; serverSide: WebSocket }> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => server?.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const upgraded = new Promise<{ socket: Socket; serverSide: WebSocket }>((resolve) => server?.once('connection', (serverSide, req) => resolve({ socket: req.socket as Socket, serverSide })));
  const client = new WebSocket(`ws://127.0.0.1:${port}/`);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise((r) => client.once('open', r));
  return { ...(await upgraded), client, received };
}

const text = (n: number, c: string) => c.repeat(n);

/** A plan of frames over `groups` (each a frame of several messages joined by newlines). */
function planOf(groups: string[][]): { queue: Buffer[]; plan: FramePlan; expected: string[] } {
  const queue: Buffer[] = [];
  const plan: FramePlan = { head: 0, ends: [], sizes: [] };
  for (const group of groups) {
    for (const m of group) queue.push(Buffer.from(m));
    plan.ends.push(queue.length);
    plan.sizes.push(group.reduce((s, m) => s + Buffer.byteLength(m), 0) + group.length - 1);
  }
  return { queue, plan, expected: groups.map((g) => g.join('\n')) };
}

describe('writeFrames', () => {
  it('headers of every length class', () => {
    expect([0, 125, 126, 65535, 65536, 2 ** 32 + 1].map(headerLength)).toEqual([2, 2, 4, 4, 10, 10]);
  });

  it('a client reads every frame whole and in order: each length class, batches, large messages alone, ws frames between flushes', async () => {
    const { socket, client, received, serverSide } = await pair();
    const groups = [
      ['a'],
      [text(125, 'b')],
      [text(126, 'c')],
      [text(65535, 'd')],
      [text(65536, 'e')], // large and alone: written as its own chunk
      ['{"n":1}', '{"n":2}', 'é ü ✓'], // a batch, multi-byte text
      [text(COPY_LIMIT + 1, 'f'), 'g'], // large but batched: copied
      [text(3 * COPY_LIMIT, 'h')], // the last frame large: `done` rides on its payload
    ];
    const { queue, plan, expected } = planOf(groups);
    let done = 0;
    const writes: number[] = [];
    let reporting = 0;
    const write = socket.write.bind(socket);
    socket.write = ((chunk: Uint8Array, cb?: () => void) => {
      writes.push(chunk.length);
      if (cb) reporting++;
      return write(chunk, cb);
    }) as typeof socket.write;
    socket.cork();
    writeFrames(socket, queue, plan, (err) => {
      expect(err ?? null).toBeNull();
      done++;
    });
    socket.uncork();
    socket.write = write as typeof socket.write;
    // No write above the piece size, so that a slow reader's progress shows; each is reported.
    expect(Math.max(...writes)).toBeLessThanOrEqual(WRITE_PIECE);
    expect(reporting).toBeGreaterThan(2); // the pieces, and each large payload
    serverSide.send('from ws'); // ws's own sender between our flushes
    const second = planOf([['after'], ['x', 'y']]);
    writeFrames(socket, second.queue, second.plan, () => done++);
    const all = [...expected, 'from ws', ...second.expected];
    for (let i = 0; i < 200 && received.length < all.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(received).toEqual(all);
    expect(done).toBe(reporting + 1);
    client.close();
  });

  it('starts at the plan head: messages before it are not written', async () => {
    const { socket, client, received } = await pair();
    const { queue, plan } = planOf([['old'], ['new one'], ['and', 'two']]);
    writeFrames(socket, queue, { head: 1, ends: plan.ends.slice(1), sizes: plan.sizes.slice(1) }, () => {});
    for (let i = 0; i < 200 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(received).toEqual(['new one', 'and\ntwo']);
    client.close();
  });
});
