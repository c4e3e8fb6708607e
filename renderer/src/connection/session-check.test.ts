import { describe, expect, it } from 'vitest';
import { checkSession } from './session-check';

const answer = (status: number) => (async () => new Response('{}', { status })) as typeof fetch;

describe('checkSession', () => {
  it('tells a refused session from a hub that is down', async () => {
    expect(await checkSession(answer(401), 'http://127.0.0.1:7420/', 'page-token')).toBe('refused');
    expect(await checkSession(answer(403), 'http://127.0.0.1:7420/', 'page-token')).toBe('refused');
    expect(await checkSession(answer(200), 'http://127.0.0.1:7420/', 'page-token')).toBe('valid');
    expect(await checkSession(answer(502), 'http://127.0.0.1:7420/', 'page-token')).toBe('unreachable');
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await checkSession(down, 'http://127.0.0.1:7420/', 'page-token')).toBe('unreachable');
  });

  it('asks /api/stats on the page origin with the page token, never a cookie', async () => {
    let asked = '';
    let init: RequestInit | undefined;
    const spy = (async (url: string | URL | Request, options?: RequestInit) => {
      asked = String(url);
      init = options;
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    await checkSession(spy, 'http://127.0.0.1:7420/some/page?x=1', 'page-token');
    expect(asked).toBe('http://127.0.0.1:7420/api/stats');
    expect(init?.headers).toEqual({ Authorization: 'Bearer page-token' });
    expect(init?.credentials).toBeUndefined();
    // No token at all: refused without asking.
    asked = '';
    expect(await checkSession(spy, 'http://127.0.0.1:7420/', undefined)).toBe('refused');
    expect(asked).toBe('');
  });
});
