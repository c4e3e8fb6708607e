/**
 * The client's bookkeeping of attempts: which attempt this is, how long to wait before the next,
 * when to give up, and what the failures so far suggest (bad credentials, a session that ended).
 * No timers and no sockets: the client asks, this answers.
 */
import { backoffDelay, type BackoffOptions } from './backoff';
import type { FailureReason } from './client-types';

/** What to do after a connection or an attempt ended. */
export type RetryDecision = { kind: 'retry'; attempt: number; delayMs: number } | { kind: 'give_up'; failure: FailureReason; message: string };

/** Options of {@link RetryPolicy} (the client's options of the same names). */
export interface RetryPolicyOptions {
  backoff: BackoffOptions;
  maxRetries: number;
  sessionSuspectAfter: number;
  random: () => number;
}

/**
 * Counts attempts within a run (a run starts at `start()` or when an open connection is lost) and
 * retries (every attempt after the first of `start()`, every attempt after a loss). The delay
 * before retry `n` is `backoffDelay(n)`; the counters reset when a connection opens.
 */
export class RetryPolicy {
  /** The current attempt within the run (0 before the first). */
  attempt = 0;
  /** Why the last connection or attempt ended, fit for a user. */
  lastError: string | null = null;
  /** Attempts in a row that closed before opening. */
  closedBeforeOpen = 0;
  private retries = 0;
  private silentFailures = 0;

  constructor(private readonly options: RetryPolicyOptions) {}

  /** Whether enough attempts in a row failed silently (how a browser sees a 401) to suspect the session. */
  get sessionMaybeEnded(): boolean {
    return this.silentFailures >= Math.max(1, this.options.sessionSuspectAfter);
  }

  /** A fresh run from `start()`. */
  reset(): void {
    this.attempt = this.retries = this.closedBeforeOpen = this.silentFailures = 0;
  }

  /** An attempt begins; returns its number. */
  begin(): number {
    return ++this.attempt;
  }

  /** The attempt opened; returns how many attempts it took. */
  opened(): number {
    const attempts = this.attempt;
    this.reset();
    return attempts;
  }

  /** An open connection was lost: a new run of retries. */
  lost(code: number, reason: string): RetryDecision {
    this.lastError = `connection lost (code ${code}${reason ? `: ${reason}` : ''})`;
    this.attempt = this.retries = 0;
    return this.next();
  }

  /**
   * The attempt ended before opening. `said` is what the runtime told (ws's error message, such
   * as `connect ECONNREFUSED` or `Unexpected server response: 401`); a browser tells nothing.
   */
  failed(said: string | undefined, code: number, reason: string): RetryDecision {
    const status = said ? /Unexpected server response: (\d{3})/.exec(said)?.[1] : undefined;
    if (status === '401') return this.giveUp('auth', 'the hub refused the credentials (401): the token is wrong or the session has ended');
    if (status === '403') return this.giveUp('forbidden', 'the hub refused the connection (403): this origin or host is not allowed');
    this.closedBeforeOpen++;
    this.silentFailures = said ? 0 : this.silentFailures + 1;
    this.lastError = said ?? `connection closed before it opened (code ${code}${reason ? `: ${reason}` : ''})`;
    return this.next();
  }

  private next(): RetryDecision {
    this.retries++;
    const max = this.options.maxRetries;
    if (max > 0 && this.retries > max) {
      return this.giveUp('max_retries', `gave up after ${max} ${max === 1 ? 'retry' : 'retries'}: ${this.lastError ?? 'no connection'}`);
    }
    return { kind: 'retry', attempt: this.attempt + 1, delayMs: backoffDelay(this.retries, this.options.backoff, this.options.random) };
  }

  private giveUp(failure: FailureReason, message: string): RetryDecision {
    this.lastError = message;
    return { kind: 'give_up', failure, message };
  }
}
