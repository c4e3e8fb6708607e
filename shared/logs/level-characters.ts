/**
 * The ASCII character classes the level scanners test a character against: one table lookup per
 * character instead of a chain of range comparisons, on the path every output line takes.
 */

/** Character classes of the ASCII range: bit 1 letter, 2 digit, 4 word (letter, digit, `_`), 8 logfmt key. */
export const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const digit = c >= 48 && c <= 57;
  const word = letter || digit || c === 95;
  CLASS[c] = (letter ? 1 : 0) | (digit ? 2 : 0) | (word ? 4 : 0) | (word || c === 46 || c === 45 || c === 64 ? 8 : 0);
}

/** Space, tab, CR or LF. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}
export function isLetter(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 1) !== 0;
}
/** A letter, a digit or `_`. */
export function isWordChar(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 4) !== 0;
}
/** What a logfmt key is made of: word characters, `.`, `-` and `@`. */
export function isKeyChar(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 8) !== 0;
}
/** The index of the first character at or after `i` that is not {@link isSpace}. */
export function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}
