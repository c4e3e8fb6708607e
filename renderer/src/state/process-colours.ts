/**
 * Each process's colour: the n-th process in the list takes the n-th colour of a palette ordered
 * so that neighbours differ in hue as much as possible. The list's order is the config's, so a
 * colour is the same after every reload; the palette is defined per theme in app.css
 * (`--pc-0` … `--pc-9`), each readable on that theme's background.
 */
import type { ProcessInfo } from '../../../shared/protocol';

/** Colours in the palette (app.css defines `--pc-0` to `--pc-9` for each theme). */
export const PALETTE_SIZE = 10;

/** The palette index of each process, by id. */
export function colourIndexes(processes: readonly Pick<ProcessInfo, 'id'>[]): Map<string, number> {
  return new Map(processes.map((p, i) => [p.id, i % PALETTE_SIZE]));
}

/** The CSS colour of a palette index. */
export function paletteColour(index: number): string {
  return `var(--pc-${index % PALETTE_SIZE})`;
}

/**
 * The name of a process's custom property: `--proc-<id>`, with every character a CSS name may not
 * hold written as `_<hex>_` (a qualified `web@build-1` is `--proc-web_40_build-1`), so that
 * `var(…)` of it parses.
 */
export function processColourVar(id: string): string {
  return `--proc-${id.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`)}`;
}

/**
 * CSS custom properties {@link processColourVar} for every process: set on the app's root, so any
 * view (the log's process prefixes too) can colour a process with `var(${processColourVar(id)})`.
 */
export function processColourVars(processes: readonly Pick<ProcessInfo, 'id'>[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [id, i] of colourIndexes(processes)) vars[processColourVar(id)] = paletteColour(i);
  return vars;
}
