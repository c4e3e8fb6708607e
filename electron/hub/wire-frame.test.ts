import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../../shared/protocol';
import { encodeOutputPayloads, framesOf, outputPrefix, type OutputLine } from './wire-frame';

const asJson = (channel: string, processId: string, line: OutputLine): string =>
  JSON.stringify({ type: 'process_output', channel, processId, data: line.data, stream: line.stream, ...(line.level ? { level: line.level } : {}), timestamp: line.time });

describe('encodeOutputPayloads', () => {
  const anyText = fc.oneof(
    fc.string({ maxLength: 200 }),
    // every UTF-16 unit, lone surrogates and control characters included
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 100 }),
    fc.constantFrom('', '"', '\\', '\u2028', '\ufffd', '\ud800', 'a\udc00b', '😀', 'tab\there', '\x1b[31mred\x1b[0m'),
  );
  const line = fc.record({
    data: anyText,
    stream: fc.constantFrom('stdout' as const, 'stderr' as const),
    level: fc.option(fc.constantFrom(...LEVELS), { nil: undefined }),
    time: fc.constantFrom('2026-12-02T03:00:00.000Z', '2026-12-02T03:00:00.001Z'),
  });

  it('writes exactly the bytes JSON.stringify writes, line by line, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.array(line, { minLength: 1, maxLength: 30 }), (id, lines) => {
        const channel = `process:${id}`;
        const payloads = encodeOutputPayloads(outputPrefix(channel, id), lines);
        expect(payloads.map((p) => p.toString('utf8'))).toEqual(lines.map((l) => asJson(channel, id, l)));
      }),
      { numRuns: 500 },
    );
  });

  it('grows past its first scratch for a chunk of long lines, and keeps earlier chunks intact', () => {
    const long = (c: string): OutputLine => ({ data: c.repeat(50_000), stream: 'stdout', level: undefined, time: 't' });
    const first = encodeOutputPayloads(outputPrefix('process:a', 'a'), [long('x'), long('é')]);
    const second = encodeOutputPayloads(outputPrefix('process:a', 'a'), [long('"'), long('y')]);
    expect(first.map((p) => JSON.parse(p.toString()).data)).toEqual(['x'.repeat(50_000), 'é'.repeat(50_000)]);
    expect(second.map((p) => JSON.parse(p.toString()).data)).toEqual(['"'.repeat(50_000), 'y'.repeat(50_000)]);
  });

  it('frames each payload with its seq as the last key', () => {
    const [a, b] = encodeOutputPayloads(outputPrefix('process:w', 'w'), [
      { data: 'one', stream: 'stdout', level: undefined, time: 't' },
      { data: 'two', stream: 'stderr', level: 'warn', time: 't' },
    ]) as [Buffer, Buffer];
    const frames = framesOf([
      { seq: 9, data: a },
      { seq: 10, data: b },
    ]);
    expect(frames.map((f) => JSON.parse(f.toString()))).toEqual([
      { type: 'process_output', channel: 'process:w', processId: 'w', data: 'one', stream: 'stdout', timestamp: 't', seq: 9 },
      { type: 'process_output', channel: 'process:w', processId: 'w', data: 'two', stream: 'stderr', level: 'warn', timestamp: 't', seq: 10 },
    ]);
  });
});
