/**
 * One row of a headless terminal's buffer as text with SGR escapes (colours, bold, ...), so a
 * line taken from a terminal reads in the log view as the same line printed through a pipe would:
 * only `ESC [ … m` sequences, no cursor movement.
 */
import type { IBufferCell, IBufferLine } from '@xterm/headless';

/**
 * `row` as text with SGR escapes; ends with a reset when it leaves attributes set. `trim` drops
 * trailing blanks (default true); `cell` is a scratch cell (the buffer's `getNullCell()`); cells
 * past `width` (the terminal's columns: a row keeps its cells when the terminal narrows) are left out.
 */
export function rowToAnsi(row: IBufferLine, cell: IBufferCell, trim = true, width = row.length): string {
  const end = Math.min(width, row.length, trim ? lastUsedColumn(row, cell, width) : row.length);
  // Most rows carry no attributes at all: the buffer's own string then says it all, much faster.
  let plain = true;
  for (let x = 0; x < end && plain; x++) plain = row.getCell(x, cell)?.isAttributeDefault() !== false;
  if (plain) return row.translateToString(false, 0, end);
  let out = '';
  let current = '';
  for (let x = 0; x < end; x++) {
    if (!row.getCell(x, cell)) break;
    if (cell.getWidth() === 0) continue; // the second half of a wide character
    const sgr = sgrOf(cell);
    if (sgr !== current) {
      out += sgr === '' ? '\x1b[0m' : `\x1b[0;${sgr}m`;
      current = sgr;
    }
    out += cell.getChars() || ' ';
  }
  if (current !== '') out += '\x1b[0m';
  return out;
}

/** One past the last column (before `width`) holding a character or a coloured background. */
function lastUsedColumn(row: IBufferLine, cell: IBufferCell, width: number): number {
  for (let x = Math.min(width, row.length) - 1; x >= 0; x--) {
    if (!row.getCell(x, cell)) continue;
    const code = cell.getCode();
    if ((code !== 0 && code !== 32) || !cell.isBgDefault() || cell.isInverse()) return x + 1;
  }
  return 0;
}

/** The SGR parameters of a cell's attributes, `''` for the default ones. */
export function sgrOf(cell: IBufferCell): string {
  if (cell.isAttributeDefault()) return '';
  const p: string[] = [];
  if (cell.isBold()) p.push('1');
  if (cell.isDim()) p.push('2');
  if (cell.isItalic()) p.push('3');
  if (cell.isUnderline()) p.push('4');
  if (cell.isBlink()) p.push('5');
  if (cell.isInverse()) p.push('7');
  if (cell.isInvisible()) p.push('8');
  if (cell.isStrikethrough()) p.push('9');
  if (cell.isOverline()) p.push('53');
  colour(p, cell.isFgRGB(), cell.isFgPalette(), cell.getFgColor(), 30);
  colour(p, cell.isBgRGB(), cell.isBgPalette(), cell.getBgColor(), 40);
  return p.join(';');
}

function colour(p: string[], rgb: boolean, palette: boolean, value: number, base: 30 | 40): void {
  if (rgb) p.push(`${base + 8};2;${(value >> 16) & 255};${(value >> 8) & 255};${value & 255}`);
  else if (palette && value < 8) p.push(String(base + value));
  else if (palette && value < 16) p.push(String(base + 60 + value - 8));
  else if (palette) p.push(`${base + 8};5;${value}`);
}
