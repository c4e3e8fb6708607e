import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from './backoff';
import { RetryPolicy } from './retry-policy';

const policy = (maxRetries = 0) => new RetryPolicy({ backoff: { ...DEFAULT_BACKOFF, jitter: 0 }, maxRetries, sessionSuspectAfter: 3, random: () => 0.5 });

describe('RetryPolicy', () => {
  it('numbers attempts per run and waits along the curve', () => {
    const p = policy();
    expect(p.begin()).toBe(1);
    expect(p.failed('connect ECONNREFUSED 127.0.0.1:1', 1006, '')).toEqual({ kind: 'retry', attempt: 2, delayMs: 1000 });
    expect(p.begin()).toBe(2);
    expect(p.failed('connect ECONNREFUSED 127.0.0.1:1', 1006, '')).toEqual({ kind: 'retry', attempt: 3, delayMs: 2000 });
    expect(p.begin()).toBe(3);
    expect(p.opened()).toBe(3);
    // A loss starts a new run: its first attempt is already a retry, after the initial delay.
    expect(p.lost(1001, 'going away')).toEqual({ kind: 'retry', attempt: 1, delayMs: 1000 });
    expect(p.lastError).toBe('connection lost (code 1001: going away)');
  });

  it('gives up after maxRetries retries: the first try plus maxRetries at start, maxRetries after a loss', () => {
    const p = policy(2);
    p.begin();
    expect(p.failed('x', 1006, '').kind).toBe('retry');
    p.begin();
    expect(p.failed('x', 1006, '').kind).toBe('retry');
    p.begin();
    expect(p.failed('x', 1006, '')).toEqual({ kind: 'give_up', failure: 'max_retries', message: 'gave up after 2 retries: x' });
    p.reset();
    p.begin();
    p.opened();
    expect(p.lost(1006, '').kind).toBe('retry');
    p.begin();
    expect(p.failed('x', 1006, '').kind).toBe('retry');
    p.begin();
    expect(p.failed('x', 1006, '').kind).toBe('give_up');
  });

  it('stops at once on a 401 or a 403 that the runtime reports', () => {
    expect(policy().failed('Unexpected server response: 401', 1006, '')).toMatchObject({ kind: 'give_up', failure: 'auth' });
    expect(policy().failed('Unexpected server response: 403', 1006, '')).toMatchObject({ kind: 'give_up', failure: 'forbidden' });
    expect(policy().failed('Unexpected server response: 503', 1006, '')).toMatchObject({ kind: 'retry' });
  });

  it('suspects an ended session only after silent failures in a row (how a browser sees a 401)', () => {
    const p = policy();
    for (let i = 0; i < 2; i++) p.failed(undefined, 1006, '');
    expect(p.sessionMaybeEnded).toBe(false);
    p.failed('connect ECONNREFUSED', 1006, ''); // a runtime that explains itself resets the suspicion
    for (let i = 0; i < 2; i++) p.failed(undefined, 1006, '');
    expect(p.sessionMaybeEnded).toBe(false);
    p.failed(undefined, 1006, '');
    expect(p.sessionMaybeEnded).toBe(true);
    expect(p.closedBeforeOpen).toBe(6);
    p.opened();
    expect(p.sessionMaybeEnded).toBe(false);
  });
});
