/** The top bar: name, connection state, role, who is connected, the panels, alerts, theme, help and "Open in a browser". */
import { useDashboard } from '../dashboard-context';
import type { Tab } from '../state/dashboard-store';
import { AlertsButton } from './alerts-button';
import { ConnectionBadge } from './connection-badge';
import { LoginLinks } from './login-links';
import { Presence } from './presence';
import { ThemeSwitch } from './theme-switch';

const TABS: ReadonlyArray<readonly [Tab, string]> = [
  ['logs', 'Logs'],
  ['startup', 'Startup'],
  ['hub', 'Hub'],
];

/** The bar across the top of the window. */
export function TopBar() {
  const role = useDashboard((s) => s.role);
  const tab = useDashboard((s) => s.tab);
  const setTab = useDashboard((s) => s.setTab);
  const setOverlay = useDashboard((s) => s.setOverlay);
  return (
    <header className="top-bar">
      <span className="brand">Switchyard</span>
      <ConnectionBadge />
      <span className="role" data-testid="role">
        {role ?? 'role unknown'}
      </span>
      <div className="tabs" role="tablist" aria-label="Panels">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <Presence />
      <span className="spacer" />
      <AlertsButton />
      {role === 'operator' && <LoginLinks />}
      <ThemeSwitch />
      <button type="button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setOverlay({ kind: 'help' })}>
        ?
      </button>
    </header>
  );
}
