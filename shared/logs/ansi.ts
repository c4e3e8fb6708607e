/**
 * Terminal escapes out of a line: CSI sequences (colours, cursor movement), OSC sequences (titles,
 * hyperlinks) ended by BEL or ST, and two-character escapes. One scan, no regular expression, no
 * copy when the line holds no ESC. Used wherever a line is read as text: level detection, log
 * probes, search and filters in the dashboard, the CLI's plain output.
 */

/** `s` without its terminal escapes. */
export function stripAnsi(s: string): string {
  if (s.indexOf('\x1b') === -1) return s;
  let out = '';
  let from = 0;
  let i = s.indexOf('\x1b');
  while (i !== -1) {
    out += s.slice(from, i);
    let j = i + 1;
    const kind = s.charCodeAt(j);
    if (kind === 91 /* [ */) {
      j++;
      while (j < s.length) {
        const c = s.charCodeAt(j++);
        if (c >= 0x40 && c <= 0x7e) break;
      }
    } else if (kind === 93 /* ] */) {
      j++;
      while (j < s.length) {
        const c = s.charCodeAt(j++);
        if (c === 7) break;
        if (c === 27 && s.charCodeAt(j) === 92) {
          j++;
          break;
        }
      }
    } else if (j < s.length) {
      j++;
    }
    from = j;
    i = s.indexOf('\x1b', j);
  }
  return out + s.slice(from);
}
