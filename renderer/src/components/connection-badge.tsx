/** The connection state in the top bar, with a live countdown while reconnecting. */
import { useEffect, useState } from 'react';
import { connectionText } from '../connection/connection-text';
import { useDashboard, useServices } from '../dashboard-context';

/** "connected", "reconnecting in 4 s (attempt 3)" or "Session ended: open a new login link". */
export function ConnectionBadge() {
  const status = useDashboard((s) => s.connection);
  const { actions } = useServices();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (status.kind !== 'reconnecting') return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [status]);
  return (
    <>
      <span className={`connection connection-${status.kind}`} data-testid="connection-status" data-state={status.kind} role="status" aria-live="polite">
        <span className="dot" aria-hidden="true" />
        {connectionText(status, now)}
      </span>
      {status.kind === 'reconnecting' && (
        <button type="button" aria-label="Reconnect now" onClick={() => actions.retryNow()}>
          Retry now
        </button>
      )}
    </>
  );
}
