import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeMessage, encodeBatch, encodeMessage, validateFully, validateMessage, type DecodeResult } from './codec';
import { isReservedChannel, isValidChannel, isValidProcessId, processChannel } from './channels';
import { targetChannel, type Message, type SubscribeMessage } from './messages';
import { ERROR_CODES } from './error-codes';

const errorOf = (r: DecodeResult[]) => {
  expect(r).toHaveLength(1);
  const [only] = r;
  if (!only || only.ok) throw new Error(`expected an error, got ${JSON.stringify(only)}`);
  return only.error;
};

describe('decodeFrame', () => {
  it("accepts the seed's subscribe form", () => {
    const [r] = decodeFrame('{"type":"subscribe","data":"process:web"}');
    expect(r).toEqual({ ok: true, message: { type: 'subscribe', data: 'process:web' } });
    if (r?.ok) expect(targetChannel(r.message as SubscribeMessage)).toBe('process:web');
  });

  it("accepts the contract's subscribe with since and epoch", () => {
    const [r] = decodeFrame('{"type":"subscribe","channel":"process:web","since":42,"epoch":"e1"}');
    expect(r).toEqual({ ok: true, message: { type: 'subscribe', channel: 'process:web', since: 42, epoch: 'e1' } });
  });

  it('splits a batched frame of several messages', () => {
    const frame = [
      '{"type":"process_output","channel":"process:a","data":"one","seq":1,"stream":"stdout"}',
      '{"type":"process_output","channel":"process:a","data":"two","seq":2,"stream":"stderr"}',
      '{"type":"ping"}',
    ].join('\n');
    const results = decodeFrame(frame);
    expect(results.map((r) => r.ok && r.message.type)).toEqual(['process_output', 'process_output', 'ping']);
  });

  it('keeps good messages of a batch when one is bad, and says which one', () => {
    const results = decodeFrame('{"type":"ping"}\n{oops\n{"type":"pong"}');
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const bad = results[1];
    if (bad && !bad.ok) expect(bad.error).toMatchObject({ code: 'malformed_json', index: 1 });
  });

  it.each([
    ['malformed JSON', '{"type":', 'malformed_json', undefined],
    ['a non-object', '[1,2]', 'not_object', undefined],
    ['a JSON string', '"subscribe"', 'not_object', undefined],
    ['null', 'null', 'not_object', undefined],
    ['an unknown type', '{"type":"explode"}', 'unknown_type', 'type'],
    ['a missing type', '{"channel":"x"}', 'missing_field', 'type'],
    ['a subscribe with no channel', '{"type":"subscribe"}', 'missing_field', 'channel'],
    ['a publish with no channel', '{"type":"publish","data":1}', 'missing_field', 'channel'],
    ['a request with no method', '{"type":"request","id":1,"data":{}}', 'missing_field', 'data.method'],
    ['a request with no id', '{"type":"request","data":{"method":"hub.stats"}}', 'missing_field', 'id'],
    ['a wrong since type', '{"type":"subscribe","channel":"a","since":"3"}', 'wrong_type', 'since'],
    ['a negative since', '{"type":"subscribe","channel":"a","since":-1}', 'wrong_type', 'since'],
    ['a wrong channel type', '{"type":"subscribe","channel":5}', 'wrong_type', 'channel'],
    ['a wrong stream', '{"type":"process_output","data":"x","stream":"stdin"}', 'wrong_type', 'stream'],
    ['an unknown field', '{"type":"ping","extra":true}', 'unknown_field', 'extra'],
    ['a field named like a prototype property', '{"type":"ping","constructor":1}', 'unknown_field', 'constructor'],
    ['a toString field', '{"type":"subscribe","channel":"a","toString":"x"}', 'unknown_field', 'toString'],
    ['a __proto__ field', '{"type":"ping","__proto__":{"seq":1}}', 'unknown_field', '__proto__'],
    ['an invalid channel name', '{"type":"subscribe","channel":"a b"}', 'bad_channel', 'channel'],
    ['an empty channel in the seed form', '{"type":"subscribe","data":""}', 'bad_channel', 'data'],
    ['an empty frame', '', 'empty', undefined],
    ['a frame of blank lines', '\n\n', 'empty', undefined],
  ])('rejects %s with a typed error', (_name, frame, code, field) => {
    const error = errorOf(decodeFrame(frame));
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    expect(error.message.length).toBeGreaterThan(5);
  });

  it('rejects an oversize frame without parsing it', () => {
    const big = JSON.stringify({ type: 'publish', channel: 'x', data: 'a'.repeat(70_000) });
    expect(errorOf(decodeFrame(big)).code).toBe('oversize');
    expect(errorOf(decodeFrame('{"type":"ping"}', { maxBytes: 8 })).code).toBe('oversize');
    // Counted in UTF-8 bytes, not UTF-16 units: 30,000 three-byte characters exceed 64 KiB.
    const wide = JSON.stringify({ type: 'publish', channel: 'x', data: '€'.repeat(30_000) });
    expect(errorOf(decodeFrame(wide)).code).toBe('oversize');
  });

  it('echoes the id of a bad request so the reply can be matched', () => {
    const error = errorOf(decodeFrame('{"type":"request","id":"r7","data":{"method":3}}'));
    expect(error).toMatchObject({ code: 'wrong_type', id: 'r7' });
  });

  it("reads a response's error code as one of ERROR_CODES: an unknown one is `internal`, naming it", () => {
    expect(decodeMessage('{"type":"response","id":1,"error":{"code":"not_found","message":"no process"}}')).toEqual({
      ok: true,
      message: { type: 'response', id: 1, error: { code: 'not_found', message: 'no process' } },
    });
    expect(decodeMessage('{"type":"response","id":2,"error":{"code":"quota","message":"too many"}}')).toEqual({
      ok: true,
      message: { type: 'response', id: 2, error: { code: 'internal', message: 'quota: too many' } },
    });
  });

  it('never throws, for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' }), fc.array(fc.json()).map((a) => a.join('\n'))), (text) => {
        const results = decodeFrame(text);
        expect(results.length).toBeGreaterThan(0);
        for (const r of results) expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on objects shaped like messages with random fields', () => {
    const typeArb = fc.oneof(fc.constantFrom('subscribe', 'publish', 'request', 'response', 'process_status', 'subscribed', 'error'), fc.string());
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('channel', 'data', 'since', 'epoch', 'id', 'error', 'seq', 'stream', 'x'), fc.jsonValue()), typeArb, (fields, type) => {
        const results = decodeFrame(JSON.stringify({ ...fields, type }));
        expect(results).toHaveLength(1);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the full check\'s verdict on the process_output fast path, for any fields', () => {
    const keyArb = fc.constantFrom('type', 'channel', 'processId', 'data', 'timestamp', 'seq', 'stream', 'id', 'x', 'constructor', '__proto__', 'toString');
    const valueArb = fc.oneof(
      fc.constantFrom('process_output', 'process_status', 'stdout', 'stderr', 'process:web', 'process:a b', '', 'x'.repeat(201)),
      fc.integer(),
      fc.double(),
      fc.constantFrom(2 ** 53, -1, 0, null, true),
      fc.string(),
      fc.jsonValue({ maxDepth: 2 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, valueArb), { maxLength: 9 }), fc.boolean(), (entries, typed) => {
        if (typed) entries.unshift(['type', 'process_output'], ['data', 'a line']);
        // Built as JSON text, so that "__proto__" becomes an own field as it does off the wire.
        const text = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
        expect(validateMessage(JSON.parse(text), 3)).toEqual(validateFully(JSON.parse(text), 3));
        expect(decodeMessage(text, 1)).toEqual(validateFully(JSON.parse(text), 1));
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws, for any JSON value or non-string input', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        let text: unknown = value;
        try {
          text = JSON.stringify(value);
        } catch {
          /* BigInt and friends: feed the raw value */
        }
        const results = decodeFrame(text);
        expect(results.length).toBeGreaterThan(0);
        const single = decodeFrame(value);
        expect(single.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});

const channelArb = fc.stringMatching(/^[A-Za-z0-9_\-.:/@]{1,40}$/);
const textArb = fc.string({ maxLength: 200 });
const idArb = fc.oneof(fc.string({ maxLength: 20 }), fc.integer());
// JSON has no -0: normalise through JSON so that the generated value is one a wire can carry.
const jsonData = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const ts = fc.constant('2026-11-30T12:00:00.000Z');

const messageArb: fc.Arbitrary<Message> = fc.oneof(
  fc.record(
    { type: fc.constant('process_output' as const), channel: channelArb, processId: channelArb, data: textArb, stream: fc.constantFrom('stdout' as const, 'stderr' as const), seq: fc.nat(), timestamp: ts },
    { requiredKeys: ['type', 'data'] },
  ),
  fc.record(
    { type: fc.constant('process_status' as const), channel: channelArb, data: fc.record({ status: fc.constantFrom('running', 'exited'), exitCode: fc.integer(), pid: fc.nat() }, { requiredKeys: ['status'] }), seq: fc.nat() },
    { requiredKeys: ['type', 'data'] },
  ),
  fc.record({ type: fc.constant('event' as const), data: jsonData, timestamp: ts }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('error' as const), data: textArb, id: idArb }, { requiredKeys: ['type', 'data'] }),
  fc.record({ type: fc.constantFrom('ping' as const, 'pong' as const), timestamp: ts }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('subscribe' as const), channel: channelArb, since: fc.nat(), epoch: textArb }, { requiredKeys: ['type', 'channel'] }),
  fc.record({ type: fc.constant('unsubscribe' as const), data: channelArb }),
  fc.record({ type: fc.constant('subscribed' as const), channel: channelArb, data: fc.record({ seq: fc.nat(), epoch: textArb, recovered: fc.boolean() }) }),
  fc.record({ type: fc.constant('publish' as const), channel: channelArb, data: jsonData }, { requiredKeys: ['type', 'channel'] }),
  fc.record({ type: fc.constant('request' as const), id: idArb, data: fc.record({ method: fc.string({ minLength: 1, maxLength: 30 }), params: jsonData }, { requiredKeys: ['method'] }) }),
  fc.record(
    { type: fc.constant('response' as const), id: idArb, data: jsonData, error: fc.record({ code: fc.constantFrom(...ERROR_CODES), message: textArb }) },
    { requiredKeys: ['type', 'id'] },
  ),
);

describe('encode and decode', () => {
  it('decode(encode(m)) equals m for every message', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const [r] = decodeFrame(encodeMessage(m));
        expect(r).toEqual({ ok: true, message: m });
      }),
      { numRuns: 2000 },
    );
  });

  it('a batch decodes to the same messages in order', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 20 }), (ms) => {
        const results = decodeFrame(encodeBatch(ms), { maxBytes: 1 << 22 });
        expect(results).toEqual(ms.map((message) => ({ ok: true, message })));
      }),
      { numRuns: 300 },
    );
  });

  it('decodeMessage reports an empty message', () => {
    expect(decodeMessage('   ')).toMatchObject({ ok: false, error: { code: 'empty' } });
  });
});

describe('channels', () => {
  it('knows the reserved channels', () => {
    expect(isReservedChannel('process:web')).toBe(true);
    expect(isReservedChannel('processes')).toBe(true);
    expect(isReservedChannel('hub:stats')).toBe(true);
    expect(isReservedChannel('chat')).toBe(false);
    expect(isReservedChannel('processes2')).toBe(false);
  });

  it('validates names', () => {
    expect(isValidChannel('process:web')).toBe(true);
    expect(isValidChannel('')).toBe(false);
    expect(isValidChannel('x'.repeat(201))).toBe(false);
    expect(isValidChannel('a\nb')).toBe(false);
    expect(isValidProcessId('web_1-a')).toBe(true);
    expect(isValidProcessId('web 1')).toBe(false);
    expect(processChannel('web')).toBe('process:web');
  });
});
