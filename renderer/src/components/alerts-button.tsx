/** The top bar's alert button: the unread count as a badge; opens the alert list. */
import { useDashboard } from '../dashboard-context';

/** See the file comment. */
export function AlertsButton() {
  const unread = useDashboard((s) => s.unreadAlerts);
  const setOverlay = useDashboard((s) => s.setOverlay);
  return (
    <button type="button" className="alerts-button" aria-label={unread ? `Alerts (${unread} unread)` : 'Alerts'} onClick={() => setOverlay({ kind: 'alerts' })}>
      Alerts
      {unread > 0 && (
        <span className="badge" data-testid="alerts-unread">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}
