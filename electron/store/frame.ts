/**
 * Records on disk: every record of a segment or index file is a frame
 *
 *     u32 magic "SWYL" | u32 payload length | u32 CRC-32 of the payload | payload
 *
 * (little-endian; the payload's first byte is its type). The length finds the next frame, the CRC
 * (zlib's, native in Node 20.20) tells a torn or damaged frame from a good one, and the magic lets
 * a reader find its footing again after damage: everything before a bad frame stays readable, and
 * so does every good frame after it.
 */
import { crc32 } from 'node:zlib';

/** "SWYL" as a little-endian u32. */
export const FRAME_MAGIC = 0x4c595753;
const MAGIC_BYTES = Buffer.from([0x53, 0x57, 0x59, 0x4c]);
/** Bytes before a frame's payload. */
export const FRAME_HEADER = 12;
/** A larger length field is damage, not a frame (the largest real frame is a few MiB). */
export const MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;

/** The byte that says what a frame's payload is, on disk (never renumber one). */
export const FrameType = {
  /** JSON: a segment's header (process, segment number, the run it continues). */
  header: 1,
  /** Binary: a batch of lines (line-batch.ts). */
  lines: 2,
  /** JSON: a run began or ended. */
  run: 3,
  /** JSON: a sealed segment's index (its own `.idx` file). */
  index: 4,
} as const;

/** Write magic, length and CRC in front of a payload already placed at `buf[12, 12 + length)`; returns the frame. */
export function sealFrame(buf: Buffer, payloadLength: number): Buffer {
  buf.writeUInt32LE(FRAME_MAGIC, 0);
  buf.writeUInt32LE(payloadLength, 4);
  buf.writeUInt32LE(crc32(buf.subarray(FRAME_HEADER, FRAME_HEADER + payloadLength)), 8);
  return buf.subarray(0, FRAME_HEADER + payloadLength);
}

/** A frame whose payload is `type` and then `value` as JSON. */
export function jsonFrame(type: number, value: unknown): Buffer {
  const json = JSON.stringify(value);
  const buf = Buffer.allocUnsafe(FRAME_HEADER + 1 + Buffer.byteLength(json));
  buf[FRAME_HEADER] = type;
  const written = buf.write(json, FRAME_HEADER + 1, 'utf8');
  return sealFrame(buf, 1 + written);
}

/** The JSON value of a JSON frame's payload `buf[start, end)` (type byte included), or undefined when it does not parse. */
export function jsonPayload(buf: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(buf.toString('utf8', start + 1, end));
  } catch {
    return undefined;
  }
}

/** Damage met by {@link scanFrames}: `corrupt` (bad magic, length or CRC) or `truncated` (the region ends inside a frame). */
export type FrameDamage = 'corrupt' | 'truncated';

/**
 * Visit the good frames of `buf[from, to)` in order: `visit(type, payloadStart, payloadEnd,
 * frameOffset)`. A bad frame is reported once to `onDamage` with its offset, then the scan looks
 * for the next magic whose frame checks out. A frame running past `to` is `truncated` when
 * `atEnd` (the region is the end of the file: a torn last write), else `corrupt`. `checkCrc:
 * false` skips the CRCs (bytes this session already checked). Returns the end of the last good frame.
 */
export function scanFrames(
  buf: Buffer,
  from: number,
  to: number,
  atEnd: boolean,
  visit: (type: number, payloadStart: number, payloadEnd: number, frameOffset: number) => void,
  onDamage: (kind: FrameDamage, offset: number) => void,
  checkCrc = true,
): number {
  let pos = from;
  let goodEnd = from;
  let damaged = false;
  while (pos < to) {
    const problem = checkFrame(buf, pos, to, checkCrc);
    if (problem === null) {
      const length = buf.readUInt32LE(pos + 4);
      const start = pos + FRAME_HEADER;
      visit(buf[start] as number, start, start + length, pos);
      pos = goodEnd = start + length;
      damaged = false;
      continue;
    }
    if (!damaged) onDamage(problem === 'short' && atEnd ? 'truncated' : 'corrupt', pos);
    damaged = true;
    const next = buf.indexOf(MAGIC_BYTES, pos + 1);
    if (next < 0 || next >= to) break;
    pos = next;
  }
  return goodEnd;
}

/** null when a whole good frame starts at `pos`; `short` when it would run past `to`; `bad` otherwise. */
function checkFrame(buf: Buffer, pos: number, to: number, checkCrc: boolean): 'short' | 'bad' | null {
  if (to - pos < FRAME_HEADER) return 'short';
  if (buf.readUInt32LE(pos) !== FRAME_MAGIC) return 'bad';
  const length = buf.readUInt32LE(pos + 4);
  if (length === 0 || length > MAX_FRAME_PAYLOAD) return 'bad';
  if (pos + FRAME_HEADER + length > to) return 'short';
  if (!checkCrc) return null;
  const start = pos + FRAME_HEADER;
  return crc32(buf.subarray(start, start + length)) === buf.readUInt32LE(pos + 8) ? null : 'bad';
}
