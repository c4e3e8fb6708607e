/**
 * Encoding and decoding of wire frames. The decoder never throws: every input becomes a list of
 * typed messages and precise errors, one per newline-separated message in the frame.
 */
import { channelNameError } from './channels';
import { MESSAGE_TYPES, type Message, type MessageType } from './messages';
import { ERROR_CODES, type DecodeErrorCode } from './error-codes';
import { isLevel, LEVELS } from './payloads/logs';

const KNOWN_ERROR_CODES = new Set<string>(ERROR_CODES);

/** The contract's default frame limit: 64 KiB. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

/** What went wrong with one message of a frame. */
export type { DecodeErrorCode } from './error-codes';

/** A precise decoding error; `message` is fit to send back in an `error` message. */
export interface DecodeError {
  code: DecodeErrorCode;
  message: string;
  /** The offending field, when one is to blame. */
  field?: string;
  /** 0-based index of the message within a batched frame. */
  index: number;
  /** The request id, when the bad message carried one, so a reply can be matched. */
  id?: string | number;
}

/** One decoded message, or why it could not be decoded. */
export type DecodeResult = { ok: true; message: Message } | { ok: false; error: DecodeError };

/** Options of {@link decodeFrame}. */
export interface DecodeOptions {
  /** Largest frame accepted, in UTF-8 bytes. Default {@link DEFAULT_MAX_FRAME_BYTES}. */
  maxBytes?: number;
}

type FieldKind = 'string' | 'integer' | 'id' | 'stream' | 'level' | 'any' | 'object' | 'boolean';

const COMMON_FIELDS: Record<string, FieldKind> = {
  type: 'string',
  channel: 'string',
  processId: 'string',
  data: 'any',
  timestamp: 'string',
  seq: 'integer',
};
const EXTRA_FIELDS: Partial<Record<MessageType, Record<string, FieldKind>>> = {
  process_output: { stream: 'stream', level: 'level' },
  subscribe: { since: 'integer', epoch: 'string' },
  request: { id: 'id' },
  response: { id: 'id', error: 'object' },
  error: { id: 'id' },
};

const KNOWN_TYPES = new Set<string>(MESSAGE_TYPES);
const encoder = new TextEncoder();

/** UTF-8 length of a string without allocating when it is clearly small. */
export function utf8Length(text: string): number {
  if (text.length * 3 <= 0x1_0000) {
    // Fast path: at most 3 bytes per UTF-16 unit; only count exactly near the limit.
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
    }
    return bytes;
  }
  return encoder.encode(text).length;
}

/** Decode one text frame (possibly several `\n`-separated messages). Never throws. */
export function decodeFrame(frame: unknown, options: DecodeOptions = {}): DecodeResult[] {
  if (typeof frame !== 'string') return [fail('not_object', 'frame must be text', 0)];
  const max = options.maxBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (frame.length > max || (frame.length * 3 > max && utf8Length(frame) > max)) {
    return [fail('oversize', `frame larger than ${max} bytes`, 0)];
  }
  if (frame.indexOf('\n') === -1) return [decodeMessage(frame, 0)];
  const results: DecodeResult[] = [];
  let index = 0;
  for (const line of frame.split('\n')) {
    if (line.trim() === '') continue; // tolerate a trailing newline or \r\n batching
    results.push(decodeMessage(line, index++));
  }
  return results.length > 0 ? results : [fail('empty', 'empty frame', 0)];
}

/** Decode a single JSON message. Never throws. */
export function decodeMessage(text: string, index = 0): DecodeResult {
  if (text.trim() === '') return fail('empty', 'empty message', index);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail('malformed_json', `malformed JSON: ${(err as Error).message}`, index);
  }
  return validateMessage(value, index);
}

/** Check a parsed value against the contract; the value itself becomes the message. */
export function validateMessage(value: unknown, index = 0): DecodeResult {
  if (isPlainOutput(value)) return { ok: true, message: value as Message };
  return validateFully(value, index);
}

/** The full check of {@link validateMessage}, without its fast path (tests compare the two). */
export function validateFully(value: unknown, index = 0): DecodeResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('not_object', 'message must be a JSON object', index);
  }
  const obj = value as Record<string, unknown>;
  const id = typeof obj.id === 'string' || typeof obj.id === 'number' ? obj.id : undefined;
  const bad = (code: DecodeErrorCode, message: string, field?: string): DecodeResult => fail(code, message, index, field, id);

  if (!('type' in obj)) return bad('missing_field', 'missing field "type"', 'type');
  if (typeof obj.type !== 'string') return bad('wrong_type', 'field "type" must be a string', 'type');
  if (!KNOWN_TYPES.has(obj.type)) return bad('unknown_type', `unknown message type "${obj.type.slice(0, 40)}"`, 'type');
  const type = obj.type as MessageType;
  const extra = EXTRA_FIELDS[type];

  for (const key of Object.keys(obj)) {
    // Own properties only: `constructor`, `toString` or `__proto__` must not find Object.prototype's.
    const kind = Object.hasOwn(COMMON_FIELDS, key) ? COMMON_FIELDS[key] : extra && Object.hasOwn(extra, key) ? extra[key] : undefined;
    if (kind === undefined) return bad('unknown_field', `unknown field "${key.slice(0, 40)}" for type "${type}"`, key);
    const problem = kindError(kind, obj[key]);
    if (problem) return bad('wrong_type', `field "${key}" must be ${problem}`, key);
  }
  if ('channel' in obj) {
    const problem = channelNameError(obj.channel);
    if (problem) return bad('bad_channel', problem, 'channel');
  }
  const specific = checkType(type, obj);
  if (specific) return bad(specific.code, specific.message, specific.field);
  return { ok: true, message: obj as unknown as Message };
}

/** Encode one message as a JSON text. */
export function encodeMessage(message: Message): string {
  return JSON.stringify(message);
}

/** Encode several messages as one batched frame (`\n`-separated; JSON never holds a raw newline). */
export function encodeBatch(messages: readonly Message[]): string {
  return messages.map(encodeMessage).join('\n');
}

/**
 * The last channel name found valid, so a frame of one channel's lines tests it once (a field,
 * not a module `let`: V8 stores to a mutated module variable through a slow path).
 */
const lastValid: { channel: string | null } = { channel: null };

/**
 * Fast path for the bulk of the traffic, a `process_output` with only its usual fields: true only
 * when the full check below would accept the value too (any doubt, such as an unusual field, says
 * false and leaves the verdict, and its precise error, to the full check).
 */
function isPlainOutput(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const obj = value as Record<string, unknown>;
  if (obj.type !== 'process_output' || typeof obj.data !== 'string') return false;
  // for...in also walks inherited enumerable keys: any there is unusual, so it only sends the
  // value to the full check, never past it.
  for (const key in obj) {
    const v = obj[key];
    switch (key) {
      case 'type':
      case 'data':
        break;
      case 'channel':
      case 'processId':
      case 'timestamp':
        if (typeof v !== 'string') return false;
        break;
      case 'seq':
        if (!Number.isSafeInteger(v)) return false;
        break;
      case 'stream':
        if (v !== 'stdout' && v !== 'stderr') return false;
        break;
      case 'level':
        if (!isLevel(v)) return false;
        break;
      default:
        return false;
    }
  }
  if ('channel' in obj && obj.channel !== lastValid.channel) {
    if (channelNameError(obj.channel) !== null) return false;
    lastValid.channel = obj.channel as string;
  }
  return true;
}

type Problem = { code: DecodeErrorCode; message: string; field: string } | null;

function checkType(type: MessageType, obj: Record<string, unknown>): Problem {
  switch (type) {
    case 'subscribe':
    case 'unsubscribe': {
      if (obj.channel === undefined) {
        if (obj.data === undefined) return missing('channel');
        if (typeof obj.data !== 'string') return wrong('data', 'a channel name (string)');
        const problem = channelNameError(obj.data);
        if (problem) return { code: 'bad_channel', message: problem, field: 'data' };
      }
      if (typeof obj.since === 'number' && obj.since < 0) return wrong('since', 'a non-negative integer');
      return null;
    }
    case 'publish':
      return obj.channel === undefined ? missing('channel') : null;
    case 'process_output':
    case 'terminal_output':
      return typeof obj.data !== 'string' ? (obj.data === undefined ? missing('data') : wrong('data', 'a string')) : null;
    case 'error':
      return typeof obj.data !== 'string' ? (obj.data === undefined ? missing('data') : wrong('data', 'a string')) : null;
    case 'process_status': {
      if (obj.data === undefined) return missing('data');
      if (!isPlainObject(obj.data)) return wrong('data', 'an object');
      const status = (obj.data as Record<string, unknown>).status;
      if (typeof status !== 'string') return status === undefined ? missing('data.status') : wrong('data.status', 'a string');
      return null;
    }
    case 'subscribed': {
      if (obj.channel === undefined) return missing('channel');
      if (!isPlainObject(obj.data)) return obj.data === undefined ? missing('data') : wrong('data', 'an object');
      const d = obj.data as Record<string, unknown>;
      if (!Number.isSafeInteger(d.seq)) return wrong('data.seq', 'an integer');
      if (typeof d.epoch !== 'string') return wrong('data.epoch', 'a string');
      if (typeof d.recovered !== 'boolean') return wrong('data.recovered', 'a boolean');
      return null;
    }
    case 'request': {
      if (obj.id === undefined) return missing('id');
      if (obj.data === undefined) return missing('data');
      if (!isPlainObject(obj.data)) return wrong('data', 'an object {method, params}');
      const method = (obj.data as Record<string, unknown>).method;
      if (method === undefined) return missing('data.method');
      if (typeof method !== 'string' || method.length === 0) return wrong('data.method', 'a non-empty string');
      return null;
    }
    case 'response': {
      if (obj.id === undefined) return missing('id');
      if (obj.error !== undefined) {
        const e = obj.error as Record<string, unknown>;
        if (typeof e.code !== 'string' || typeof e.message !== 'string') return wrong('error', 'an object {code, message}');
        // The caller may branch on every code it is typed with (ErrorCode); a code this side does
        // not know (a newer hub's) still rejects the request, as `internal`, naming the code.
        if (!KNOWN_ERROR_CODES.has(e.code)) obj.error = { code: 'internal', message: `${e.code.slice(0, 40)}: ${e.message}` };
      }
      return null;
    }
    default:
      return null;
  }
}

function kindError(kind: FieldKind, v: unknown): string | null {
  switch (kind) {
    case 'string':
      return typeof v === 'string' ? null : 'a string';
    case 'integer':
      return Number.isSafeInteger(v) ? null : 'an integer';
    case 'id':
      return (typeof v === 'string' && v.length <= 200) || Number.isSafeInteger(v) ? null : 'a string or an integer';
    case 'stream':
      return v === 'stdout' || v === 'stderr' ? null : '"stdout" or "stderr"';
    case 'level':
      return isLevel(v) ? null : `one of ${LEVELS.join(', ')}`;
    case 'object':
      return isPlainObject(v) ? null : 'an object';
    case 'boolean':
      return typeof v === 'boolean' ? null : 'a boolean';
    case 'any':
      return null;
  }
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function missing(field: string): Problem {
  return { code: 'missing_field', message: `missing field "${field}"`, field };
}

function wrong(field: string, what: string): Problem {
  return { code: 'wrong_type', message: `field "${field}" must be ${what}`, field };
}

function fail(code: DecodeErrorCode, message: string, index: number, field?: string, id?: string | number): DecodeResult {
  const error: DecodeError = { code, message, index };
  if (field !== undefined) error.field = field;
  if (id !== undefined) error.id = id;
  return { ok: false, error };
}
