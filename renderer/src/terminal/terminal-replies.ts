/**
 * xterm.js answers a program's queries (where is the cursor, what terminal is this, what colours)
 * by emitting the answer as if typed. The server's own headless terminal answers them already, so
 * a view must not pass its answers on: with two operators watching, the program would read every
 * answer twice, and with none, none. This tells an answer from input: it has a reply's shape and
 * did not come from a key (Shift+F3 sends what a cursor report looks like).
 */

// CSI answers: cursor position (`ESC [ r ; c R`, also `ESC [ ? r ; c R`), device attributes
// (`ESC [ ? … c`, `ESC [ > … c`), status (`ESC [ 0 n`), mode reports (`ESC [ ? … $ y`), window
// reports (`ESC [ 8 ; r ; c t` and kin), keyboard flags (`ESC [ ? n u`).
// eslint-disable-next-line no-control-regex -- escapes are what this matches
const CSI_REPLY = /^\x1b\[(?:\??\d+;\d+R|[?>][\d;]*c|\d*n|\??[\d;]+\$y|\d+(?:;\d+)*t|\?\d*u)$/;
// OSC colour answers (`ESC ] 10 ; rgb:… ST`) and DCS answers (`ESC P … ST`: settings, version).
// eslint-disable-next-line no-control-regex -- escapes are what this matches
const STRING_REPLY = /^(?:\x1b\](?:1[0-9]|4;\d+);[^\x07\x1b]*|\x1bP[^\x1b]*)(?:\x07|\x1b\\)$/;

/** Whether `data` (from xterm's onData, not from a key) is the terminal answering the program. */
export function isTerminalReply(data: string): boolean {
  return CSI_REPLY.test(data) || STRING_REPLY.test(data);
}
