/** TEST SUPPORT: wait for a condition that something else makes true, with a clear timeout. */

/**
 * Resolve once `cond()` holds (checked every 5 ms; an asynchronous condition, such as a request's
 * answer, is awaited before the next check); reject after `timeoutMs` naming `what`.
 */
export async function until(cond: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
