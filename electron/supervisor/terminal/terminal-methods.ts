/**
 * The terminal methods, registered on the hub's method registry, which checks their params and
 * roles against the method map (viewers get `forbidden` for the operator methods before a
 * handler runs) and hears of every call for the audit trail:
 *
 * - `process.input` `{id, data}` (operators): keystrokes to a `tty: true` process, or text to the
 *   stdin of one started with `stdin: true`; `{written: bytes}`. Else `bad_params`; not running:
 *   `conflict`; too fast, or the program does not read: `rate_limited`.
 * - `process.resize` `{id, cols, rows}` (operators): the terminal's size, now and for later runs;
 *   `{cols, rows}`.
 * - `process.screen` `{id}` (viewers too): the current screen, see payloads/terminal.ts.
 */
import type { ScreenSnapshot } from '../../../shared/protocol';
import type { MethodRegistrar } from '../../hub/methods';
import type { InputGuard } from './input-guard';

/** What the methods need of a process. */
export interface TerminalTarget {
  /** Write keystrokes or stdin text; returns the bytes written. Throws MethodError. */
  input(data: string): number;
  /** Throws MethodError `bad_params` for a process without a terminal. */
  resize(cols: number, rows: number): { cols: number; rows: number };
  /** Throws MethodError `bad_params` for a process without a terminal. */
  screen(): Promise<ScreenSnapshot>;
}

/** Register the three methods; `find` throws MethodError `not_found` for an unknown id. */
export function registerTerminalMethods(hub: MethodRegistrar, find: (id: string) => TerminalTarget, guard: InputGuard): void {
  hub.registerMethod('process.input', ({ id, data }, ctx) => {
    const target = find(id);
    guard.admit('process.input', ctx);
    return { written: target.input(data) };
  });
  hub.registerMethod('process.resize', ({ id, cols, rows }, ctx) => {
    const target = find(id);
    guard.admit('process.resize', ctx);
    return target.resize(cols, rows);
  });
  hub.registerMethod('process.screen', ({ id }) => find(id).screen());
}
