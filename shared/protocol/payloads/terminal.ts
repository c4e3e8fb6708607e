/**
 * What crosses the wire about terminals (processes with `tty: true`): besides the
 * `terminal_output` messages (messages.ts), the `process.screen` snapshot and the resize event
 * that `process:<id>` carries, in order with the output, whenever the terminal's size changes.
 */
import { z } from 'zod';

/** Columns a terminal may have (`process.resize`). */
export const TerminalColsSchema = z.number().int().min(2).max(1000);
/** Rows a terminal may have (`process.resize`). */
export const TerminalRowsSchema = z.number().int().min(1).max(500);

/**
 * `process.screen`'s result: escapes that redraw the whole terminal (scrollback, screen, cursor,
 * modes) on a fresh xterm of `cols` x `rows`, and the `seq` of the last message of `process:<id>`
 * they include; apply the channel's `terminal_output` (and resize events) with a greater `seq`.
 */
export const ScreenSnapshotSchema = z.strictObject({
  data: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  seq: z.number().int(),
});
export type ScreenSnapshot = z.infer<typeof ScreenSnapshotSchema>;

/** `data` of the `event` on `process:<id>` that says the terminal now has this size. */
export const TerminalResizeEventSchema = z.strictObject({
  kind: z.literal('terminal_resize'),
  cols: z.number().int(),
  rows: z.number().int(),
});
export type TerminalResizeEvent = z.infer<typeof TerminalResizeEventSchema>;
