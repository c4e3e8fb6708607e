/** Terminal colours for the CLI's output: on a terminal, off when piped or with NO_COLOR (FORCE_COLOR forces them). */

/** Whether to colour stdout. */
export function useColour(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

/** SGR codes by name. */
export const SGR = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Style = keyof typeof SGR;

/** `text` in a style when `on`. */
export function paint(text: string, style: Style, on: boolean): string {
  return on ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text;
}

// CSI sequences, OSC strings (ended by BEL or ST) and the two-byte escapes.

export { stripAnsi } from '../../shared/logs/ansi';
