/**
 * A flush's WebSocket frames written to the TCP socket in one write, instead of a `ws.send` per
 * frame.
 *
 * Why: `ws.send` frames each message on its own (a header Buffer, a list of two chunks, a write
 * request with its callback), and a fan-out sends the same message to every subscriber: 100
 * subscribers at 2,000/s are 200,000 of those a second, and their garbage is what the latency
 * tail waits on. Server frames are not masked (RFC 6455 §5.1), so a frame is a 2-, 4- or 10-byte
 * header and the payload as it is: a flush copies its frames' headers and payloads into one
 * buffer and writes that, in pieces of at most {@link WRITE_PIECE} bytes. A payload larger than {@link COPY_LIMIT} alone in its frame is written
 * as its own chunk instead of copied.
 *
 * Writing beside `ws` is safe at frame boundaries: `ws` writes its own frames (pings, pongs,
 * close) synchronously and whole, the hub never enables compression (connection-gate.ts), and
 * `ws.bufferedAmount` counts what the socket holds, these writes included.
 */

/** What a flush needs of the TCP socket under a WebSocket (a `net.Socket` is one). */
export interface FrameSocket {
  cork(): void;
  uncork(): void;
  write(chunk: Uint8Array, callback?: (err?: Error | null) => void): boolean;
}

/** FIN and the text opcode: every frame the hub writes is one whole text message. */
const FIN_TEXT = 0x81;
const NEWLINE = 0x0a;
/** Payloads above this, alone in their frame, are written as their own chunk rather than copied. */
export const COPY_LIMIT = 16 * 1024;
/**
 * The copied frames go to the socket in writes of at most this many bytes, each reporting when
 * it reached the kernel: a slow reader's progress is seen as often as with a `ws.send` per frame
 * of a `switchyard.v1` batch (64 KiB at most), which the write timeout and the producers' hold
 * (congestion.ts, `lastProgress`) rely on.
 */
export const WRITE_PIECE = 64 * 1024;

/** Bytes of a frame's header for a payload of `size` bytes. */
export function headerLength(size: number): number {
  return size < 126 ? 2 : size < 65536 ? 4 : 10;
}

function writeHeader(out: Buffer, at: number, size: number): number {
  out[at] = FIN_TEXT;
  if (size < 126) {
    out[at + 1] = size;
    return at + 2;
  }
  if (size < 65536) {
    out[at + 1] = 126;
    out.writeUInt16BE(size, at + 2);
    return at + 4;
  }
  out[at + 1] = 127;
  out.writeUInt32BE(Math.floor(size / 2 ** 32), at + 2);
  out.writeUInt32BE(size >>> 0, at + 6);
  return at + 10;
}

/**
 * Frames planned from a client's queue: frame k is the messages from the previous frame's end
 * (the first from `head`) to `ends[k]`, joined by newlines, `sizes[k]` bytes in all.
 */
export interface FramePlan {
  head: number;
  ends: number[];
  sizes: number[];
}

/** Write the planned frames; `done` is called as each write of them reaches the kernel. */
export function writeFrames(socket: FrameSocket, queue: readonly (Buffer | undefined)[], plan: FramePlan, done: (err?: Error | null) => void): void {
  const { ends, sizes } = plan;
  let copied = 0;
  for (let k = 0, from = plan.head; k < ends.length; from = ends[k++] as number) {
    const size = sizes[k] as number;
    if (!(size > COPY_LIMIT && (ends[k] as number) - from === 1)) copied += headerLength(size) + size;
  }
  const out = Buffer.allocUnsafe(copied);
  let at = 0;
  let written = 0;
  for (let k = 0, from = plan.head; k < ends.length; from = ends[k++] as number) {
    const end = ends[k] as number;
    const size = sizes[k] as number;
    if (size > COPY_LIMIT && end - from === 1) {
      // A large message: what is copied so far, then its header, then the payload as it is.
      const header = Buffer.allocUnsafe(headerLength(size));
      writeHeader(header, 0, size);
      writePieces(socket, out, written, at, done);
      written = at;
      socket.write(header);
      socket.write(queue[from] as Buffer, done);
      continue;
    }
    at = writeHeader(out, at, size);
    for (let i = from; i < end; i++) {
      if (i > from) out[at++] = NEWLINE;
      const message = queue[i] as Buffer;
      // set, not copy: Buffer#copy's JS wrapper costs more than the bytes of a short message.
      out.set(message, at);
      at += message.length;
    }
  }
  writePieces(socket, out, written, at, done);
}

function writePieces(socket: FrameSocket, out: Buffer, from: number, to: number, done: (err?: Error | null) => void): void {
  if (from === 0 && to === out.length && to <= WRITE_PIECE) {
    if (to > 0) socket.write(out, done);
    return;
  }
  for (let at = from; at < to; at += WRITE_PIECE) socket.write(out.subarray(at, Math.min(to, at + WRITE_PIECE)), done);
}
