/** The dashboard's root: top bar, process sidebar, and the log or hub panel. */
import { useMemo } from 'react';
import { useDashboard } from './dashboard-context';
import { HubPanel } from './components/hub-panel';
import { NoticeBar } from './components/notice-bar';
import { Overlays } from './components/overlays';
import { ProcessSidebar } from './components/process-sidebar';
import { StartupView } from './components/startup-view';
import { TopBar } from './components/top-bar';
import { processColourVars } from './state/process-colours';
import { ProcessPane } from './terminal/process-pane';

/** The whole dashboard; expects a DashboardContext provider above it. */
export function App() {
  const tab = useDashboard((s) => s.tab);
  const ended = useDashboard((s) => s.connection.kind === 'session-ended');
  const processes = useDashboard((s) => s.processes);
  // `--proc-<id>` on the root: every view colours a process the same way (process-colours.ts).
  const colours = useMemo(() => processColourVars(processes), [processes]);
  const neverLoggedIn = useDashboard((s) => s.connection.kind === 'session-ended' && s.connection.neverLoggedIn === true);
  return (
    <div className="app" style={colours}>
      <TopBar />
      {ended && (
        <div className="session-ended" role="alert" data-testid="session-ended">
          {neverLoggedIn ? 'Not logged in: this page needs a login link.' : "Session ended: open a new login link. The hub no longer accepts this page's session (it was probably restarted)."}{' '}
          Run <code>switchyard link</code> in the project's folder (<code>--viewer</code> for a view-only link) and open the link it prints, or use the{' '}
          <code>Dashboard:</code> line printed at start, or the "Open in a browser" buttons of a dashboard that is logged in.
        </div>
      )}
      <NoticeBar />
      <div className="body">
        <ProcessSidebar />
        <main className="main">{tab === 'logs' ? <ProcessPane /> : tab === 'startup' ? <StartupView /> : <HubPanel />}</main>
      </div>
      <Overlays />
    </div>
  );
}
