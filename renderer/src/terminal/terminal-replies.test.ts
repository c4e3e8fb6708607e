// Which of xterm's onData strings are answers to the program (held back) and which are input.
import { expect, it } from 'vitest';
import { isTerminalReply } from './terminal-replies';

it('tells the terminal answers from keys and pastes', () => {
  for (const reply of ['\x1b[12;40R', '\x1b[?1;2c', '\x1b[>0;276;0c', '\x1b[0n', '\x1b[?2004;1$y', '\x1b[8;30;120t', '\x1b]11;rgb:0000/0000/0000\x1b\\', '\x1b]10;rgb:ffff/ffff/ffff\x07', '\x1bP>|xterm.js(6.0.0)\x1b\\']) {
    expect(isTerminalReply(reply), JSON.stringify(reply)).toBe(true);
  }
  for (const input of ['a', '\r', '\x03', '\x1b[A', '\x1b[15~', '\x1bOP', '\x1b[200~pasted\x1b[201~', 'echo \x1b[1;1R', '\x1b[I']) {
    expect(isTerminalReply(input), JSON.stringify(input)).toBe(false);
  }
});
