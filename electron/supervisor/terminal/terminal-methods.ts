/**
 * The terminal methods, registered on the hub's method registry (so its roles apply: viewers get
 * `forbidden` for the operator methods before a handler runs):
 *
 * - `process.input` `{id, data}` (operators): keystrokes to a `tty: true` process, or text to the
 *   stdin of one started with `stdin: true`; `{written: bytes}`. Else `bad_params`; not running:
 *   `conflict`; too fast, or the program does not read: `rate_limited`.
 * - `process.resize` `{id, cols, rows}` (operators): the terminal's size, now and for later runs;
 *   `{cols, rows}`.
 * - `process.screen` `{id}` (viewers too): the current screen, see payloads/terminal.ts.
 */
import { METHODS, type CheckedParamsOf, type MethodName, type ScreenSnapshot } from '../../../shared/protocol';
import { MethodError, type MethodHandler, type MethodOptions } from '../../hub/types';
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
export function registerTerminalMethods(
  register: (name: string, handler: MethodHandler, options?: MethodOptions) => void,
  find: (id: string) => TerminalTarget,
  guard: InputGuard,
): void {
  register('process.input', (raw, ctx) => {
    const { id, data } = checked('process.input', raw);
    const target = find(id);
    guard.admit('process.input', ctx);
    const written = target.input(data);
    guard.record('process.input', id, ctx, written);
    return { written };
  });
  register('process.resize', (raw, ctx) => {
    const { id, cols, rows } = checked('process.resize', raw);
    const target = find(id);
    guard.admit('process.resize', ctx);
    const size = target.resize(cols, rows);
    guard.record('process.resize', id, ctx, 0, `${size.cols}x${size.rows}`);
    return size;
  });
  register('process.screen', (raw) => find(checked('process.screen', raw).id).screen(), { role: 'viewer' });
}

/** The params checked against the method map; a bad one is `bad_params` naming the field. */
function checked<M extends MethodName>(method: M, raw: unknown): CheckedParamsOf<M> {
  const result = METHODS[method].params.safeParse(raw);
  if (result.success) return result.data as CheckedParamsOf<M>;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `params.${issue.path.join('.')}` : 'params';
  throw new MethodError('bad_params', `${method}: ${where}: ${issue?.message ?? 'invalid'}`);
}
