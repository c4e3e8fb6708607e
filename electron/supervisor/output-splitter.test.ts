import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutputSplitter, type OutputSplitterOptions } from './output-splitter';

function collect(options: OutputSplitterOptions = {}): { lines: string[]; s: OutputSplitter } {
  const lines: string[] = [];
  return { lines, s: new OutputSplitter((l) => lines.push(l), options) };
}

const feed = (s: OutputSplitter, ...chunks: (string | Uint8Array)[]): void => {
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
};

afterEach(() => {
  vi.useRealTimers();
});

describe('OutputSplitter', () => {
  it('splits on \\n and \\r\\n, across chunks, and flushes a last line without newline at the end', () => {
    const { lines, s } = collect();
    feed(s, 'one\ntw', 'o\r', '\nthree\r\n\nfour');
    expect(lines).toEqual(['one', 'two', 'three', '']);
    s.end();
    expect(lines).toEqual(['one', 'two', 'three', '', 'four']);
    s.end();
    feed(s, 'ignored after end\n');
    expect(lines).toHaveLength(5);
  });

  it('decodes UTF-8 split at every byte, replaces invalid bytes and removes NUL', () => {
    const text = 'añ€😀\n';
    const bytes = Buffer.from(text);
    const { lines, s } = collect();
    for (const b of bytes) s.push(Uint8Array.of(b));
    s.push(Uint8Array.of(0x66, 0xff, 0x00, 0xc3, 0x67, 0x0a));
    expect(lines).toEqual(['añ€😀', 'f\ufffd\ufffdg']);
  });

  it('cuts a long line into pieces of at most maxLineBytes at character boundaries', () => {
    const { lines, s } = collect({ maxLineBytes: 10 });
    feed(s, 'abcdefgh€€€', 'xyz\nok\n');
    expect(lines.join('')).toBe('abcdefgh€€€xyzok');
    for (const l of lines) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(10);
    expect(lines.at(-1)).toBe('ok');
    expect(lines.length).toBe(4);
  });

  it('gives the same lines however the bytes are chunked (no \\r in the input)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('\n', '\r\n', '€', '\0')), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (parts, cuts) => {
          const text = parts.join('').replace(/\r(?!\n)/g, '');
          const bytes = Buffer.from(text);
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const { lines, s } = collect({ maxLineBytes: 1 << 20 });
          let from = 0;
          for (const p of [...points, bytes.length]) {
            s.push(bytes.subarray(from, p));
            from = p;
          }
          s.end();
          const expected = text.replace(/\0/g, '').split(/\r?\n/);
          if (expected.at(-1) === '') expected.pop();
          expect(lines).toEqual(expected);
        },
      ),
    );
  });

  it('sends the first progress state as a line and later ones as \\r replacements, throttled', () => {
    let now = 0;
    const { lines, s } = collect({ progressIntervalMs: 100, now: () => now });
    feed(s, 'start\n', '10%\r');
    expect(lines).toEqual(['start', '10%']);
    feed(s, '20%\r30%\r');
    expect(lines).toEqual(['start', '10%']); // within 100 ms: held back
    now = 150;
    feed(s, '40%\r');
    expect(lines).toEqual(['start', '10%', '\r40%']);
    feed(s, '50%\r', '100%\r\n', 'next\n');
    expect(lines).toEqual(['start', '10%', '\r40%', '\r100%', 'next']);
    expect(s.coalesced).toBe(3); // 20%, 30%, 50% were never shown
  });

  it('shows the text after the last \\r as the line, terminal style', () => {
    const { lines, s } = collect();
    feed(s, '\rDownloading 1/3\rDownloading 3/3\r\rdone\n', 'a\r\r\n');
    expect(lines).toEqual(['Downloading 1/3', '\rdone', 'a']);
  });

  it('sends the latest progress state after a pause (trailing update) and at end of stream', () => {
    vi.useFakeTimers();
    let now = 0;
    const { lines, s } = collect({ progressIntervalMs: 100, now: () => now });
    feed(s, '\r1%', '\r2%', '\r3%');
    expect(lines).toEqual(['1%']);
    now = 100;
    vi.advanceTimersByTime(100);
    expect(lines).toEqual(['1%', '\r3%']);
    feed(s, '\r4%');
    s.end();
    expect(lines).toEqual(['1%', '\r3%', '\r4%']);
    vi.advanceTimersByTime(1000);
    expect(lines).toHaveLength(3);
  });

  it('rejects a silly maxLineBytes at once', () => {
    expect(() => new OutputSplitter(() => {}, { maxLineBytes: 1 })).toThrow(RangeError);
  });
});
