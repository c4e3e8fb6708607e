// The log-line rule of terminals (line-log.ts) on a real headless xterm: what a line feed
// completes is logged once, as the screen shows it; redraws and the alternate screen are not.
import { describe, expect, it } from 'vitest';
import { LineLog } from './line-log';
import { xtermHeadless } from './terminal-modules';

function setup(cols = 40, rows = 6, maxLineChars?: number) {
  const { Terminal } = xtermHeadless();
  const term = new Terminal({ cols, rows, scrollback: 50, allowProposedApi: true });
  const lines: string[] = [];
  const log = new LineLog(term, (l) => lines.push(l), { maxLineChars });
  const write = (data: string) => new Promise<void>((r) => term.write(data, r));
  return { term, lines, log, write };
}

describe('LineLog', () => {
  it('logs each completed line once, colours as SGR, without cursor movement', async () => {
    const { lines, write } = setup();
    await write('plain\r\n\x1b[1;31mred\x1b[0m and \x1b[38;2;1;2;3mrgb\x1b[0m\r\n\r\nafter blank\r\n');
    expect(lines).toEqual(['plain', '\x1b[0;1;31mred\x1b[0m and \x1b[0;38;2;1;2;3mrgb\x1b[0m', '', 'after blank']);
  });

  it('logs a \\r progress line in its final state only', async () => {
    const { lines, write } = setup();
    for (let i = 0; i <= 100; i += 25) await write(`\rprogress ${i}%`);
    expect(lines).toEqual([]);
    await write('\r\ndone\r\n');
    expect(lines).toEqual(['progress 100%', 'done']);
  });

  it('joins the rows a long line wrapped onto, keeping spaces at the wrap', async () => {
    const { lines, write } = setup(10, 6);
    await write('0123456789 abcdefghi  xyz\r\n');
    expect(lines).toEqual(['0123456789 abcdefghi  xyz']);
  });

  it('does not log a redraw of rows already logged (cursor up and rewrite)', async () => {
    const { lines, write } = setup();
    await write('a: 0%\r\nb: 0%\r\n');
    for (let i = 1; i <= 5; i++) await write(`\x1b[2A\x1b[2Ka: ${i * 20}%\r\n\x1b[2Kb: ${i * 20}%\r\n`);
    await write('finished\r\n');
    expect(lines).toEqual(['a: 0%', 'b: 0%', 'finished']);
  });

  it('logs nothing drawn on the alternate screen, and carries on after it', async () => {
    const { lines, write } = setup();
    await write('before\r\n\x1b[?1049h');
    for (let frame = 0; frame < 20; frame++) await write(`\x1b[H\x1b[2Jframe ${frame}\r\n${'row\r\n'.repeat(4)}`);
    await write('\x1b[?1049lafter\r\n');
    expect(lines).toEqual(['before', 'after']);
  });

  it('starts afresh after the screen is cleared', async () => {
    const { lines, write } = setup();
    await write('one\r\ntwo\r\nthree\r\n\x1b[H\x1b[2Jfresh\r\n');
    expect(lines).toEqual(['one', 'two', 'three', 'fresh']);
  });

  it('keeps logging when the screen scrolls past the scrollback', async () => {
    const { lines, write } = setup(20, 4);
    let text = '';
    for (let i = 0; i < 200; i++) text += `line ${i}\r\n`;
    await write(text);
    expect(lines).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i}`));
  });

  it('flushes a line without a newline at the end of a run, once', async () => {
    const { lines, log, write } = setup();
    await write('$ ');
    expect(lines).toEqual([]);
    log.flush();
    expect(lines).toEqual(['$']);
    await write('\r\nnext\r\n');
    expect(lines).toEqual(['$', 'next']);
  });

  it('cuts an endless line into pieces at row boundaries', async () => {
    const { lines, write } = setup(10, 4, 25);
    await write('x'.repeat(100) + '\r\n');
    expect(lines.join('')).toBe('x'.repeat(100));
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
  });
});
