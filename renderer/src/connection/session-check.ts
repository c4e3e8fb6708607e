/**
 * Why reconnecting keeps failing, in a browser: a browser cannot see the 401 that refused a
 * WebSocket upgrade, but it can ask `/api/stats` with the same session cookie. A 401 or 403
 * there means the session is over (serve restarted with a new token), not that the hub is down.
 */

/** The answer of a session check. */
export type SessionState = 'valid' | 'refused' | 'unreachable';

/** Ask the hub whether this page's session cookie still holds. */
export async function checkSession(fetchImpl: typeof fetch, baseUrl: string): Promise<SessionState> {
  try {
    const res = await fetchImpl(new URL('/api/stats', baseUrl).toString(), { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401 || res.status === 403) return 'refused';
    return res.ok ? 'valid' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}
