/**
 * What @xterm/addon-serialize leaves out of a snapshot and a late viewer needs to keep drawing
 * like the others: the scroll region (full-screen programs scroll parts of the screen), a hidden
 * cursor, and a cursor parked past the last column (the next character wraps). Appended to the
 * serialized screen, in escapes any xterm understands. They are read from xterm's internals (no
 * public API has them); where those are missing (another xterm version), nothing is added.
 */
import type { IBufferCell, Terminal } from '@xterm/headless';
import { sgrOf } from './row-ansi';

/** The internal state read here, as far as this file relies on it. */
interface Internals {
  buffer: { scrollTop: number; scrollBottom: number };
  coreService: { isCursorHidden: boolean; decPrivateModes: { origin: boolean } };
  _inputHandler: { _curAttrData: IBufferCell };
}

/** Escapes that restore the state the serializer does not write; '' when there is none. */
export function screenExtras(term: Terminal): string {
  const core = (term as unknown as { _core?: Partial<Internals> })._core;
  if (!core?.buffer || !core.coreService || !core._inputHandler) return '';
  const b = term.buffer.active;
  let out = '';
  const { scrollTop, scrollBottom } = core.buffer;
  const region = scrollTop !== 0 || scrollBottom !== term.rows - 1;
  const wrapPending = b.cursorX >= term.cols;
  if (region || wrapPending) {
    // DECSTBM homes the cursor: put it back, relative to the region in origin mode.
    if (region) out += `\x1b[${scrollTop + 1};${scrollBottom + 1}r`;
    const row = b.cursorY + 1 - (core.coreService.decPrivateModes.origin ? scrollTop : 0);
    if (wrapPending) {
      // Print the last cell again: the cursor ends past it, as in the original.
      const cell = b.getLine(b.baseY + b.cursorY)?.getCell(term.cols - 1);
      const sgr = cell ? sgrOf(cell) : '';
      out += `\x1b[${row};${term.cols}H\x1b[0${sgr ? `;${sgr}` : ''}m${cell?.getChars() || ' '}`;
      const current = sgrOf(core._inputHandler._curAttrData);
      out += `\x1b[0${current ? `;${current}` : ''}m`;
    } else {
      out += `\x1b[${row};${b.cursorX + 1}H`;
    }
  }
  if (core.coreService.isCursorHidden) out += '\x1b[?25l';
  return out;
}

/** The same state, for comparing two screens in tests. */
export function extrasOf(term: Terminal): { region: [number, number]; cursorHidden: boolean } | null {
  const core = (term as unknown as { _core?: Partial<Internals> })._core;
  if (!core?.buffer || !core.coreService) return null;
  return { region: [core.buffer.scrollTop, core.buffer.scrollBottom], cursorHidden: core.coreService.isCursorHidden };
}
