/** The words the top bar uses for a connection status. */
import type { ConnectionStatus } from './hub-connection';

/** What the user reads about a status at time `now` (ms since the epoch). */
export function connectionText(status: ConnectionStatus, now: number): string {
  switch (status.kind) {
    case 'connected':
      return 'connected';
    case 'connecting':
      return status.attempt > 1 ? `connecting (attempt ${status.attempt})` : 'connecting';
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((status.nextAttemptAt - now) / 1000));
      return seconds > 0 ? `reconnecting in ${seconds} s (attempt ${status.attempt})` : `reconnecting (attempt ${status.attempt})`;
    }
    case 'session-ended':
      return status.neverLoggedIn ? 'Not logged in: open a login link' : 'Session ended: open a new login link';
    case 'closed':
      return 'disconnected';
  }
}
