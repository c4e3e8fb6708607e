/** The top bar: name, connection state, role, the Logs/Hub tabs and "Open in a browser". */
import { useDashboard } from '../dashboard-context';
import { ConnectionBadge } from './connection-badge';
import { LoginLinks } from './login-links';

/** The bar across the top of the window. */
export function TopBar() {
  const role = useDashboard((s) => s.role);
  const tab = useDashboard((s) => s.tab);
  const setTab = useDashboard((s) => s.setTab);
  return (
    <header className="top-bar">
      <span className="brand">Switchyard</span>
      <ConnectionBadge />
      <span className="role" data-testid="role">
        {role ?? 'role unknown'}
      </span>
      <div className="tabs" role="tablist" aria-label="Panels">
        <button type="button" role="tab" aria-selected={tab === 'logs'} onClick={() => setTab('logs')}>
          Logs
        </button>
        <button type="button" role="tab" aria-selected={tab === 'hub'} onClick={() => setTab('hub')}>
          Hub
        </button>
      </div>
      <span className="spacer" />
      {role === 'operator' && <LoginLinks />}
    </header>
  );
}
