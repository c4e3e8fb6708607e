/**
 * The browser's credential. `/login` leaves an HttpOnly session cookie; cookies ignore ports, so
 * every other server on this host would see it too. The page trades it at once for a page token
 * (`POST /api/session`, allowed from this origin only; the trade ends the cookie's session) and
 * keeps the token in Web Storage, which is scoped by port, sending it as the `bearer.`
 * subprotocol. Nothing a server on another port sets can lock the page out, and no credential
 * it could see opens this hub.
 */

/** The part of Web Storage used (localStorage in the page, a Map in tests). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const KEY = 'switchyard.session';

/** Trade a fresh login cookie for a page token if there is one, else the token kept from before; undefined when neither exists. */
export async function browserSession(fetchImpl: typeof fetch, baseUrl: string, storage: TokenStorage): Promise<string | undefined> {
  try {
    const res = await fetchImpl(new URL('/api/session', baseUrl).toString(), { method: 'POST', credentials: 'same-origin', cache: 'no-store' });
    if (res.ok) {
      const body = (await res.json()) as { token?: unknown };
      if (typeof body.token === 'string' && body.token.length > 0) {
        storage.setItem(KEY, body.token);
        return body.token;
      }
    }
  } catch {
    // Unreachable hub: the kept token is tried, and the connection reports what happens.
  }
  return storage.getItem(KEY) ?? undefined;
}

/** Forget the kept token (the hub refused it). */
export function forgetSession(storage: TokenStorage): void {
  storage.removeItem(KEY);
}
