import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../../shared/protocol';
import type { Publication } from './engine';
import { encodeOutputPayloads, framesOf, outputPrefix, outputRowRoom, writeOutputRow, type OutputLine } from './wire-frame';

/** The row of a publication, or null. */
function outputRow(pub: Publication, prefix: Buffer): Buffer | null {
  const out = Buffer.alloc(outputRowRoom(pub));
  const end = writeOutputRow(pub, prefix, out, 0);
  return end < 0 ? null : out.subarray(0, end);
}

const asJson = (channel: string, processId: string, line: OutputLine): string =>
  JSON.stringify({ type: 'process_output', channel, processId, data: line.data, stream: line.stream, ...(line.level ? { level: line.level } : {}), timestamp: line.time });

const anyText = fc.oneof(
  // what the row reader must not be fooled by: the keys of the tail, inside the line
  fc.constantFrom('","stream":"stdout"', ',"timestamp":"x"}', ',"level":"warn"', '"]', '\\"'),
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

describe('encodeOutputPayloads', () => {
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

  it('writes any seq exactly, alone or among others: every digit count, powers of ten and their neighbours', () => {
    const payload = Buffer.from(JSON.stringify({ type: 'event', channel: 'c', data: 'é' }));
    const seqs = [1, 9, 10, 11, 99, 100, 999, 1000, 12345, 2 ** 31, 10 ** 15 - 1, 10 ** 15, Number.MAX_SAFE_INTEGER];
    const expected = seqs.map((seq) => `{"type":"event","channel":"c","data":"é","seq":${seq}}`);
    expect(framesOf(seqs.map((seq) => ({ seq, data: payload }))).map((f) => f.toString())).toEqual(expected);
    expect(seqs.map((seq) => framesOf([{ seq, data: payload }])[0]?.toString())).toEqual(expected);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 8 }), (list) => {
        expect(framesOf(list.map((seq) => ({ seq, data: payload }))).map((f) => JSON.parse(f.toString()).seq)).toEqual(list);
      }),
    );
  });
});

describe('writeOutputRow', () => {
  it('is the row [seq, time, stream, data, level?] of any output payload, its bytes copied', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.array(line, { minLength: 1, maxLength: 20 }), (id, lines) => {
        const channel = `process:${id}`;
        const prefix = outputPrefix(channel, id);
        encodeOutputPayloads(prefix, lines).forEach((data, i) => {
          const l = lines[i] as OutputLine;
          const row = outputRow({ seq: i + 1, data }, prefix);
          expect(row).not.toBeNull();
          expect(JSON.parse((row as Buffer).toString('utf8'))).toEqual([i + 1, l.time, l.stream, l.data, ...(l.level ? [l.level] : [])]);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('is null for any payload of another shape: another process, other keys, a status', () => {
    const prefix = outputPrefix('process:web', 'web');
    const [own] = encodeOutputPayloads(prefix, [{ data: 'x', stream: 'stdout', level: undefined, time: 't' }]) as [Buffer];
    const other = encodeOutputPayloads(outputPrefix('process:web', 'api'), [{ data: 'x', stream: 'stdout', level: undefined, time: 't' }])[0] as Buffer;
    const shapes = [
      other,
      Buffer.from(JSON.stringify({ type: 'process_output', channel: 'process:web', processId: 'web', data: 'x', timestamp: 't', stream: 'stdout' })),
      Buffer.from(JSON.stringify({ type: 'process_output', channel: 'process:web', processId: 'web', data: 'x', stream: 'stdout', level: 'loud', timestamp: 't' })),
      Buffer.from(JSON.stringify({ type: 'process_output', channel: 'process:web', processId: 'web', data: 'x', stream: 'stdout', timestamp: 't"x' })),
      Buffer.from(JSON.stringify({ type: 'process_output', channel: 'process:web', processId: 'web', data: 1, stream: 'stdout', timestamp: 't' })),
      Buffer.from(JSON.stringify({ type: 'process_status', channel: 'process:web', processId: 'web', data: { status: 'running' }, timestamp: 't' })),
      own.subarray(0, own.length - 1),
    ];
    expect(outputRow({ seq: 1, data: own }, prefix)?.toString()).toBe('[1,"t","stdout","x"]');
    for (const data of shapes) expect(outputRow({ seq: 1, data }, prefix), data.toString()).toBeNull();
  });
});
