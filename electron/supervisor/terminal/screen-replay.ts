/**
 * Test support: a terminal's channel messages (`terminal_output` and resize events) rendered into
 * a fresh headless xterm, as a dashboard renders them, then described cell by cell: two viewers
 * show the same screen exactly when these descriptions are equal. (Comparing `serialize()`
 * strings would be stricter than the eye: a row keeps invisible cells past the right edge when
 * the terminal narrows, and the serializer writes them out.)
 */
import type { Terminal } from '@xterm/headless';
import type { ScreenSnapshot } from '../../../shared/protocol';
import { rowToAnsi } from './row-ansi';
import { extrasOf } from './screen-extras';
import { xtermHeadless } from './terminal-modules';

/** The part of a channel message a screen depends on. */
export interface ScreenMessage {
  type: string;
  seq?: number;
  data?: unknown;
}

/**
 * Render `messages` (those with `seq` greater than the snapshot's, when one is given) over a
 * terminal of `start` size (or the snapshot), and describe the result with {@link describeScreen}.
 */
export async function renderScreen(messages: readonly ScreenMessage[], start: { cols: number; rows: number; scrollback?: number }, snapshot?: ScreenSnapshot): Promise<string> {
  const { Terminal } = xtermHeadless();
  const size = snapshot ?? start;
  const term = new Terminal({ cols: size.cols, rows: size.rows, scrollback: start.scrollback ?? 1000, allowProposedApi: true });
  const step = (fn: () => void) => new Promise<void>((resolve) => term.write('', () => (fn(), resolve())));
  if (snapshot) await new Promise<void>((r) => term.write(snapshot.data, r));
  for (const m of messages) {
    if (snapshot && (m.seq ?? 0) <= snapshot.seq) continue;
    if (m.type === 'terminal_output' && typeof m.data === 'string') term.write(m.data);
    const d = m.data as { kind?: unknown; cols?: number; rows?: number } | undefined;
    if (m.type === 'event' && d?.kind === 'terminal_resize') await step(() => term.resize(d.cols as number, d.rows as number));
  }
  let result = '';
  await step(() => (result = describeScreen(term)));
  term.dispose();
  return result;
}

/** What a viewer of `term` sees: size, modes, cursor, and every row (scrollback included) with its colours. */
export function describeScreen(term: Terminal): string {
  const active = term.buffer.active;
  const cell = active.getNullCell();
  const rowsOf = (b: typeof active) => {
    const out: string[] = [];
    for (let y = 0; y < b.length; y++) {
      const row = b.getLine(y);
      out.push(row ? rowToAnsi(row, cell, true, term.cols) : '');
    }
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  };
  return JSON.stringify(
    {
      size: [term.cols, term.rows],
      buffer: active.type,
      cursor: [active.cursorX, active.cursorY, active.baseY],
      modes: term.modes,
      extras: extrasOf(term),
      normal: rowsOf(term.buffer.normal),
      alternate: active.type === 'alternate' ? rowsOf(active) : [],
    },
    null,
    1,
  );
}
