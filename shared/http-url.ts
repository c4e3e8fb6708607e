/** The one rule for URLs Switchyard follows or links to: http(s) only, never file:, javascript: or custom schemes. */

/** Whether `value` is an absolute `http:` or `https:` URL. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
