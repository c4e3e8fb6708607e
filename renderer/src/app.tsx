/** The dashboard's root: top bar, process sidebar, and the log or hub panel. */
import { useDashboard } from './dashboard-context';
import { HubPanel } from './components/hub-panel';
import { NoticeBar } from './components/notice-bar';
import { ProcessSidebar } from './components/process-sidebar';
import { TopBar } from './components/top-bar';
import { ProcessPane } from './terminal/process-pane';

/** The whole dashboard; expects a DashboardContext provider above it. */
export function App() {
  const tab = useDashboard((s) => s.tab);
  const ended = useDashboard((s) => s.connection.kind === 'session-ended');
  return (
    <div className="app">
      <TopBar />
      {ended && (
        <div className="session-ended" role="alert" data-testid="session-ended">
          Session ended: open a new login link. The hub no longer accepts this page's session (it was probably restarted); ask for a new link, e.g. from the
          desktop window's "Open in a browser" or the <code>Dashboard:</code> line that <code>npm run serve</code> prints.
        </div>
      )}
      <NoticeBar />
      <div className="body">
        <ProcessSidebar />
        <main className="main">{tab === 'logs' ? <ProcessPane /> : <HubPanel />}</main>
      </div>
    </div>
  );
}
