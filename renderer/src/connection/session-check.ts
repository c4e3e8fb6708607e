/**
 * Why reconnecting keeps failing, in a browser: a browser cannot see the 401 that refused a
 * WebSocket upgrade, but it can ask `/api/stats` with the same page token. A 401 or 403 there
 * means the session is over (serve restarted, the session was revoked or expired), not that the
 * hub is down.
 */

/** The answer of a session check. */
export type SessionState = 'valid' | 'refused' | 'unreachable';

/** Ask the hub whether this page's token still holds. */
export async function checkSession(fetchImpl: typeof fetch, baseUrl: string, token: string | undefined): Promise<SessionState> {
  if (token === undefined) return 'refused';
  try {
    const res = await fetchImpl(new URL('/api/stats', baseUrl).toString(), { cache: 'no-store', headers: { Authorization: `Bearer ${token}` } });
    if (res.status === 401 || res.status === 403) return 'refused';
    return res.ok ? 'valid' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}
