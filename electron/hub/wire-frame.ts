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
 * The payloads of a chunk of one process's output lines, in one allocation: process output is
 * nearly every message the hub carries, in one fixed shape where only the line, the stream, the
 * level and the time change, so it is written from a prefix cached per channel instead of going
 * through JSON.stringify per line (the ingest profile's largest self time). The bytes equal
 * `JSON.stringify({type, channel, processId, data, stream, level?, timestamp})`.
 */
export function encodeOutputPayloads(prefix: string, lines: readonly OutputLine[]): Buffer[] {
  let text = '';
  const ends = new Array<number>(lines.length);
  let lastTime = '';
  let lastTimeJson = '""';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as OutputLine;
    if (line.time !== lastTime) {
      lastTime = line.time;
      lastTimeJson = JSON.stringify(line.time);
    }
    text += `${prefix}${JSON.stringify(line.data)}${STREAM_JSON[line.stream]}${line.level ? LEVEL_JSON[line.level] : ''},"timestamp":${lastTimeJson}}`;
    ends[i] = text.length;
  }
  return splitText(text, ends);
}

/** The cached start of every output payload of a channel: `{"type":"process_output","channel":…,"processId":…,"data":`. */
export function outputPrefix(channel: string, processId: string): string {
  return `{"type":"process_output","channel":${JSON.stringify(channel)},"processId":${JSON.stringify(processId)},"data":`;
}

/** The payload of a `terminal_output` message. */
export function encodeTerminalPayload(channel: string, processId: string, data: string, time: string): Buffer {
  return Buffer.from(`{"type":"terminal_output","channel":${JSON.stringify(channel)},"processId":${JSON.stringify(processId)},"data":${JSON.stringify(data)},"timestamp":${JSON.stringify(time)}}`);
}

/** The wire frame of one publication. */
export function frameOf(pub: Publication): Buffer {
  const tail = `,"seq":${pub.seq}}`;
  const body = pub.data.length - 1; // the payload's closing brace is replaced by the tail
  const out = Buffer.allocUnsafe(body + tail.length);
  pub.data.copy(out, 0, 0, body);
  out.write(tail, body, 'latin1');
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
    const pub = pubs[i] as Publication;
    const start = offset;
    offset += pub.data.copy(out, offset, 0, pub.data.length - 1);
    offset += out.write(`,"seq":${pub.seq}}`, offset, 'latin1');
    frames[i] = out.subarray(start, offset);
  }
  return frames;
}

// A frame is the payload less its closing brace, `,"seq":` (7 bytes), the digits and `}`: the
// payload's length plus 7 plus the digits.
function digits(n: number): number {
  return n < 10 ? 1 : Math.floor(Math.log10(n)) + 1;
}

// Output text is ASCII almost always: then one Buffer.from and views by string offsets.
function splitText(text: string, ends: readonly number[]): Buffer[] {
  const all = Buffer.from(text);
  const out = new Array<Buffer>(ends.length);
  if (all.length === text.length) {
    let start = 0;
    for (let i = 0; i < ends.length; i++) {
      const end = ends[i] as number;
      out[i] = all.subarray(start, end);
      start = end;
    }
    return out;
  }
  let start = 0;
  let byteStart = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i] as number;
    const bytes = Buffer.byteLength(text.slice(start, end));
    out[i] = all.subarray(byteStart, byteStart + bytes);
    byteStart += bytes;
    start = end;
  }
  return out;
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
