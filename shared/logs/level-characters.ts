/**
 * The ASCII character classes the level scanners test a byte against: one table lookup per
 * byte instead of a chain of range comparisons, on the path every output line takes. Bytes of
 * 128 and above (any part of a non-ASCII character) are in no class.
 */

/** Character classes of the ASCII range: bit 1 letter, 2 digit, 4 word (letter, digit, `_`), 8 logfmt key. */
export const CLASS = new Uint8Array(256);
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
  return ((CLASS[c] as number) & 1) !== 0;
}
/** A letter, a digit or `_`. */
export function isWordChar(c: number): boolean {
  return ((CLASS[c] as number) & 4) !== 0;
}
/** What a logfmt key is made of: word characters, `.`, `-` and `@`. */
export function isKeyChar(c: number): boolean {
  return ((CLASS[c] as number) & 8) !== 0;
}
/** The index of the first byte at or after `i` (before `end`) that is not {@link isSpace}. */
export function skipSpace(b: Uint8Array, i: number, end: number): number {
  while (i < end && isSpace(b[i] as number)) i++;
  return i;
}

/** The bytes `b[a, e)` (ASCII) as a string, for a lookup by name. */
export function asciiWord(b: Uint8Array, a: number, e: number): string {
  return String.fromCharCode.apply(null, b.subarray(a, e) as unknown as number[]);
}
