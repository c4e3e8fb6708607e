/**
 * Encoding, once per message: the hub turns a message into a payload (its JSON without `seq`),
 * the engine numbers payloads without reading them, and the hub turns a payload and its `seq`
 * into the wire frame (the same JSON with `"seq":N` as its last key). Every subscriber of a
 * channel shares one frame per publication.
 */
import type { Level, Message, OutputStream } from '../../shared/protocol';
import type { Publication } from './engine';

/** One line of process output as the supervisor hands it over. */
export interface OutputLine {
  /** The line, ANSI kept, no trailing newline. */
  data: string;
  stream: OutputStream;
  /** Where the line says it. */
  level?: Level;
  /** ISO time the line was read. */
  time: string;
}

/** Deepest nesting of a message's `data` the hub encodes (JSON.stringify recurses; deeper would overflow the stack). */
export const MAX_DATA_DEPTH = 64;

/** A message that cannot be encoded (too deep, a cycle, a BigInt): refused before any `seq` is taken. */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

/** The payload of any message (`seq` absent). Throws {@link EncodeError} for what JSON cannot hold. */
export function encodePayload(message: Omit<Message, 'seq'>): Buffer {
  if (depthOver(message.data, MAX_DATA_DEPTH)) throw new EncodeError(`data nested deeper than ${MAX_DATA_DEPTH} levels`);
  let text: string;
  try {
    text = JSON.stringify(message);
  } catch (err) {
    throw new EncodeError(`data cannot be encoded as JSON: ${(err as Error).message}`);
  }
  return Buffer.from(text);
}

const STREAM_JSON = { stdout: ',"stream":"stdout"', stderr: ',"stream":"stderr"' } as const;
const LEVEL_JSON: Record<Level, string> = {
  error: ',"level":"error"',
  warn: ',"level":"warn"',
  info: ',"level":"info"',
  debug: ',"level":"debug"',
  trace: ',"level":"trace"',
};

/**
 * Where output payloads are written before they are copied out, exactly sized, into the one
 * Buffer a chunk's payloads share: grown to the largest chunk seen, never shrunk.
 */
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

/**
 * The payloads of a chunk of one process's output lines, in one allocation: process output is
 * nearly every message the hub carries, in one fixed shape where only the line, the stream, the
 * level and the time change, so each payload is written straight into bytes from a prefix cached
 * per channel and a tail shared by the lines of one stream, level and time, rather than through
 * JSON.stringify per message and a string of the whole chunk (the two largest costs of ingest).
 * The bytes equal `JSON.stringify({type, channel, processId, data, stream, level?, timestamp})`.
 */
export function encodeOutputPayloads(prefix: Buffer, lines: readonly OutputLine[]): Buffer[] {
  const ends = new Array<number>(lines.length);
  let off = 0;
  let time: string | undefined;
  let timeJson = '';
  let tailOf: string | undefined;
  let tail = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as OutputLine;
    if (line.time !== time) {
      time = line.time;
      timeJson = JSON.stringify(time);
      tailOf = undefined;
    }
    const tailKey = line.level === undefined ? line.stream : line.level + line.stream;
    if (tailKey !== tailOf) {
      tailOf = tailKey;
      tail = `${STREAM_JSON[line.stream]}${line.level ? LEVEL_JSON[line.level] : ''},"timestamp":${timeJson}}`;
    }
    // A UTF-16 unit takes at most 3 bytes of UTF-8 (an escaped line makes room for itself).
    room(off + prefix.length + 2 + line.data.length * 3);
    scratch.set(prefix, off);
    off += prefix.length;
    off = writeJsonString(line.data, off);
    room(off + tail.length * 3);
    off += scratch.write(tail, off, 'utf8');
    ends[i] = off;
  }
  const all = Buffer.allocUnsafe(off);
  scratch.copy(all, 0, 0, off);
  const out = new Array<Buffer>(lines.length);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i] as number;
    out[i] = all.subarray(start, end);
    start = end;
  }
  return out;
}

/** Make the scratch hold at least `size` bytes, keeping what it holds. */
function room(size: number): void {
  if (size <= scratch.length) return;
  const bigger = Buffer.allocUnsafeSlow(Math.max(size, scratch.length * 2));
  scratch.copy(bigger, 0);
  scratch = bigger;
}

/**
 * `JSON.stringify(text)` written at `off`; returns where it ends. Most lines need no escape: the
 * text is written as UTF-8 between quotes and its bytes checked, and only a line holding a quote,
 * a backslash, a control character or a byte that may stand for a lone surrogate (which UTF-8
 * writes as U+FFFD, EF BF BD, where JSON.stringify escapes it) is written again through
 * JSON.stringify.
 */
function writeJsonString(text: string, off: number): number {
  const from = off;
  scratch[off++] = 34; // "
  const end = off + scratch.write(text, off, 'utf8');
  for (let j = off; j < end; j++) {
    const c = scratch[j] as number;
    if (c < 32 || c === 34 || c === 92 || c === 0xef) {
      const json = JSON.stringify(text);
      room(from + json.length * 3);
      return from + scratch.write(json, from, 'utf8');
    }
  }
  scratch[end] = 34;
  return end + 1;
}

/** The cached start of every output payload of a channel: `{"type":"process_output","channel":…,"processId":…,"data":`. */
export function outputPrefix(channel: string, processId: string): Buffer {
  return Buffer.from(`{"type":"process_output","channel":${JSON.stringify(channel)},"processId":${JSON.stringify(processId)},"data":`);
}

/** The payload of a `terminal_output` message. */
export function encodeTerminalPayload(channel: string, processId: string, data: string, time: string): Buffer {
  return Buffer.from(`{"type":"terminal_output","channel":${JSON.stringify(channel)},"processId":${JSON.stringify(processId)},"data":${JSON.stringify(data)},"timestamp":${JSON.stringify(time)}}`);
}

const TIMESTAMP_KEY = Buffer.from(',"timestamp":"');
const STREAM_TAILS = [Buffer.from(STREAM_JSON.stdout), Buffer.from(STREAM_JSON.stderr)] as const;
const STREAM_ROW = [Buffer.from(',"stdout",'), Buffer.from(',"stderr",')] as const;
const LEVEL_TAILS = Object.entries(LEVEL_JSON).map(([level, json]) => ({ tail: Buffer.from(json), row: Buffer.from(`,"${level}"`) }));

/** Most bytes the row or the frame ({@link writeFrame}) of a publication takes: its payload, its seq and a few more. */
export function outputRowRoom(pub: Publication): number {
  return pub.data.length + 24;
}

/**
 * A process_output payload as the compact row of `/api/history?form=rows`,
 * `[seq,"timestamp","stream",data]` or `[seq,"timestamp","stream",data,"level"]`, written into
 * `out` at `at` (room: {@link outputRowRoom}); returns where it ends, or -1 when the payload is
 * not one (then nothing counts as written and it is sent whole). Its bytes are copied, none
 * parsed: only a payload in exactly the layout above, starting with `prefix` (the channel's
 * process's, {@link outputPrefix}), becomes a row. The tail is read from the end: the data is a
 * JSON string, so no unescaped quote in it can imitate the keys that follow it.
 */
export function writeOutputRow(pub: Publication, prefix: Buffer, out: Buffer, at: number): number {
  const p = pub.data;
  const n = p.length;
  if (n < prefix.length + 2 || p[n - 1] !== 125 || p[n - 2] !== 34 || !bytesAt(p, 0, prefix)) return -1;
  const timeAt = p.lastIndexOf(TIMESTAMP_KEY);
  if (timeAt < prefix.length) return -1;
  // The time, quotes kept: one string with no quote or backslash inside.
  const timeFrom = timeAt + TIMESTAMP_KEY.length - 1;
  for (let i = timeFrom + 1; i < n - 2; i++) if (p[i] === 34 || p[i] === 92) return -1;
  let end = timeAt;
  let level: Buffer | undefined;
  for (const l of LEVEL_TAILS) {
    if (end - l.tail.length > prefix.length && bytesAt(p, end - l.tail.length, l.tail)) {
      level = l.row;
      end -= l.tail.length;
      break;
    }
  }
  const stream = bytesAt(p, end - STREAM_TAILS[0].length, STREAM_TAILS[0]) ? 0 : bytesAt(p, end - STREAM_TAILS[1].length, STREAM_TAILS[1]) ? 1 : null;
  if (stream === null) return -1;
  end -= STREAM_TAILS[stream].length;
  if (end - prefix.length < 2 || p[prefix.length] !== 34 || p[end - 1] !== 34) return -1;
  let w = at;
  out[w++] = 91; // [
  w = writeDigits(out, w, pub.seq);
  out[w++] = 44; // ,
  w += p.copy(out, w, timeFrom, n - 1);
  w += STREAM_ROW[stream].copy(out, w);
  w += p.copy(out, w, prefix.length, end);
  if (level) w += level.copy(out, w);
  out[w++] = 93; // ]
  return w;
}

/** Whether `p` holds `bytes` at `at` (a loop: cheaper than a native compare for a few bytes). */
function bytesAt(p: Buffer, at: number, bytes: Buffer): boolean {
  if (at < 0 || at + bytes.length > p.length) return false;
  for (let i = 0; i < bytes.length; i++) if (p[at + i] !== bytes[i]) return false;
  return true;
}

/** The wire frame of one publication. */
function frameOf(pub: Publication): Buffer {
  const out = Buffer.allocUnsafe(pub.data.length + 7 + digits(pub.seq));
  writeFrame(pub, out, 0);
  return out;
}

/** The wire frames of several publications, in one allocation (views into it). */
export function framesOf(pubs: readonly Publication[]): Buffer[] {
  if (pubs.length === 1) return [frameOf(pubs[0] as Publication)];
  let size = 0;
  for (const pub of pubs) size += pub.data.length + 7 + digits(pub.seq);
  const out = Buffer.allocUnsafe(size);
  const frames = new Array<Buffer>(pubs.length);
  let offset = 0;
  for (let i = 0; i < pubs.length; i++) {
    const start = offset;
    offset = writeFrame(pubs[i] as Publication, out, offset);
    frames[i] = out.subarray(start, offset);
  }
  return frames;
}

const SEQ_KEY = Buffer.from(',"seq":');

/**
 * A publication's frame written at `at`: its payload with `,"seq":N}` in place of the closing
 * brace; returns where it ends. Byte by byte, not `Buffer#copy` and `write` of a tail string:
 * those wrappers cost more than the bytes of a 150-byte payload, and ingest frames every line
 * (they were 7% of serve's CPU with the store on).
 */
export function writeFrame(pub: Publication, out: Buffer, at: number): number {
  out.set(pub.data, at);
  let w = at + pub.data.length - 1; // over the closing brace
  for (let i = 0; i < SEQ_KEY.length; i++) out[w++] = SEQ_KEY[i] as number;
  w = writeDigits(out, w, pub.seq);
  out[w++] = 125; // }
  return w;
}

/** The decimal digits of a whole number written at `at`; returns where they end. */
function writeDigits(out: Buffer, at: number, value: number): number {
  const end = at + digits(value);
  let rest = value;
  for (let i = end - 1; i >= at; i--) {
    out[i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return end;
}

// A frame is the payload less its closing brace, `,"seq":` (7 bytes), the digits and `}`: the
// payload's length plus 7 plus the digits.
function digits(n: number): number {
  let d = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) d++;
  return d;
}

function depthOver(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (depthOver(item, max - 1)) return true;
    return false;
  }
  for (const key in value) if (depthOver((value as Record<string, unknown>)[key], max - 1)) return true;
  return false;
}
