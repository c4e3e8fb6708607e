import { describe, expect, it } from 'vitest';
import { browserSession, forgetSession } from './browser-session';

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

const answer = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;

describe('browserSession', () => {
  it('trades a login cookie for a page token and keeps it', async () => {
    const storage = new MemoryStorage();
    let init: RequestInit | undefined;
    const spy = (async (_url: string | URL | Request, options?: RequestInit) => {
      init = options;
      return new Response(JSON.stringify({ token: 'fresh', role: 'viewer', expiresAt: '2030-01-01T00:00:00Z' }), { status: 200 });
    }) as typeof fetch;
    expect(await browserSession(spy, 'http://127.0.0.1:7420/', storage)).toBe('fresh');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    // The next load has no cookie: the kept token is used.
    expect(await browserSession(answer(401, { error: 'no login session' }), 'http://127.0.0.1:7420/', storage)).toBe('fresh');
    forgetSession(storage);
    expect(await browserSession(answer(401, {}), 'http://127.0.0.1:7420/', storage)).toBeUndefined();
  });

  it('keeps the old token when the hub cannot be reached or answers nonsense', async () => {
    const storage = new MemoryStorage();
    storage.setItem('switchyard.session', 'kept');
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await browserSession(down, 'http://127.0.0.1:7420/', storage)).toBe('kept');
    expect(await browserSession(answer(200, { token: 42 }), 'http://127.0.0.1:7420/', storage)).toBe('kept');
  });
});
