/**
 * The `\r` progress rule, in one place for the supervisor that applies it and the views that
 * read it (README, "Progress bars"). A bare `\r` in a process's output returns to the start of
 * the line, as in a terminal. The first state of a progress line goes out as an ordinary line;
 * each later state goes out with a leading `\r`, meaning "replaces the previous output line of
 * this process". No other line starts with `\r`.
 */

const CR = '\r';

/** Mark a line as a later state of the previous line (the wire form). */
export function asReplacement(text: string): string {
  return CR + text;
}

/** Whether a `process_output` line replaces the previous line of its process. */
export function replacesPrevious(data: string): boolean {
  return data.charCodeAt(0) === 13;
}

/**
 * What a terminal shows of a line holding carriage returns: the last non-empty segment (a
 * replacement's own mark included). Cheap when there is no `\r`.
 */
export function visibleText(data: string): string {
  if (data.indexOf(CR) === -1) return data;
  const parts = data.split(CR);
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i]) return parts[i] as string;
  return '';
}
