/**
 * The connection snapshot a client shows ({@link ConnectionInfo}): a new frozen object on every
 * change, so that a UI can compare by identity (`useSyncExternalStore`, a zustand store), and what
 * it says when a caller tries to use a connection there is not.
 */
import { ClientError } from './client-error';
import type { ConnectionInfo, ConnectionState } from './client-types';
import type { RetryPolicy } from './retry-policy';

/** The snapshot before the first attempt. */
export const IDLE_INFO: ConnectionInfo = Object.freeze({
  state: 'disconnected',
  attempt: 0,
  delayMs: null,
  retryAt: null,
  connectedAt: null,
  protocol: null,
  lastError: null,
  failure: null,
  closedBeforeOpen: 0,
  sessionMaybeEnded: false,
});

/** The snapshot of a new state: what the retry policy knows of the failures so far, and the state's own fields in `extra`. */
export function nextInfo(state: ConnectionState, retry: Pick<RetryPolicy, 'lastError' | 'closedBeforeOpen' | 'sessionMaybeEnded'>, extra: Partial<ConnectionInfo>): ConnectionInfo {
  return Object.freeze({
    ...IDLE_INFO,
    state,
    lastError: retry.lastError,
    closedBeforeOpen: retry.closedBeforeOpen,
    sessionMaybeEnded: retry.sessionMaybeEnded,
    ...extra,
  });
}

/** Why there is no connection to use, fit for a user. */
export function offlineReason(info: ConnectionInfo, closed: boolean, lastError: string | null): string {
  const { state, attempt, delayMs } = info;
  if (closed) return 'the client is closed';
  if (state === 'waiting') return `not connected (reconnecting in ${Math.ceil((delayMs ?? 0) / 1000)} s, attempt ${attempt})`;
  if (state === 'failed') return `not connected (gave up: ${lastError})`;
  return `not connected (state ${state})`;
}

/**
 * Resolves when `info` (now, or as `onState` reports it later) is `connected`; rejects with a
 * {@link ClientError} when it is `failed` or when `closed()` says the client was closed first.
 */
export function waitForConnection(info: ConnectionInfo, closed: () => boolean, onState: (listener: (info: ConnectionInfo) => void) => () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (info: ConnectionInfo): boolean => {
      if (info.state === 'connected') resolve();
      else if (info.state === 'failed') reject(new ClientError(info.failure ?? 'max_retries', info.lastError ?? 'the client gave up'));
      else if (closed()) reject(new ClientError('closed', 'the client was closed'));
      else return false;
      return true;
    };
    if (check(info)) return;
    const stop = onState((info) => {
      if (check(info)) stop();
    });
  });
}
