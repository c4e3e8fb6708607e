import { describe, expect, it } from 'vitest';
import { ansiSegments, MAX_SEGMENTS, xterm256Colour, type WorkCounter } from './ansi';

const bomb = (n: number) => '\x1b[1mA'.repeat(n);

describe('ansiSegments', () => {
  it('reads colours, decorations, 256 colours and true colour, and resets', () => {
    const segs = ansiSegments('\x1b[31mred\x1b[0m plain \x1b[1;4;38;5;196mboth\x1b[22m under\x1b[0m \x1b[48;2;1;2;3mbg\x1b[m');
    expect(segs.map((s) => [s.text, s.className])).toEqual([
      ['red', 'ansi-red-fg'],
      [' plain ', ''],
      ['both', 'ansi-bold ansi-underline'],
      [' under', 'ansi-underline'],
      [' ', ''],
      ['bg', ''],
    ]);
    expect(segs[2]?.color).toBe(xterm256Colour(196));
    expect(segs[5]?.background).toBe('rgb(1, 2, 3)');
    expect(ansiSegments('\x1b[92mx\x1b[39m').map((s) => s.className)).toEqual(['ansi-bright-green-fg']);
  });

  it('skips escapes that are not colours (cursor moves, titles) and a lone ESC', () => {
    expect(ansiSegments('a\x1b[2Kb\x1b]0;title\x07c\x1b').map((s) => s.text).join('')).toBe('abc');
  });

  it('merges runs of equal style: the ANSI bomb is one segment', () => {
    const segs = ansiSegments(bomb(10_000));
    expect(segs).toHaveLength(1);
    expect(segs[0]?.className).toBe('ansi-bold');
    expect(segs[0]?.text).toBe('A'.repeat(10_000));
  });

  it('caps the segments of a row, the rest of the line unstyled but kept', () => {
    // Alternating styles cannot merge.
    const line = Array.from({ length: 5000 }, (_, i) => `\x1b[${31 + (i % 2)}m${i % 10}`).join('');
    const segs = ansiSegments(line);
    expect(segs.length).toBeLessThanOrEqual(MAX_SEGMENTS);
    expect(segs.map((s) => s.text).join('')).toBe(Array.from({ length: 5000 }, (_, i) => String(i % 10)).join(''));
    expect(segs.at(-1)?.className).toBe('');
  });

  it('works in time linear in the line: ten times the bomb is ten times the steps', () => {
    const steps = (n: number) => {
      const work: WorkCounter = { steps: 0 };
      ansiSegments(bomb(n), work);
      return work.steps;
    };
    const small = steps(1000);
    const large = steps(10_000);
    const huge = steps(100_000);
    expect(large / small).toBeGreaterThan(9);
    expect(large / small).toBeLessThan(11);
    expect(huge / large).toBeLessThan(11);
    // A handful of steps per character, not one per earlier escape.
    expect(huge).toBeLessThan(bomb(100_000).length * 3);
  });
});
