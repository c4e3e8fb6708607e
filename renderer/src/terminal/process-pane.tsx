/**
 * The main pane of the logs tab: the log view, and for a process with a terminal a switch between
 * its terminal (the default) and its log lines; under the log of a process started with
 * `stdin: true`, a one-line input (operators). The terminal view is loaded on first use, so
 * xterm.js is not part of the dashboard's first paint.
 */
import { Suspense, lazy, useState } from 'react';
import { useDashboard, useServices } from '../dashboard-context';
import { LogPane } from '../logs/log-pane';
import { StdinInput } from './stdin-input';
import './terminal.css';

const TerminalView = lazy(() => import('./terminal-view'));

/** See the file comment. */
export function ProcessPane() {
  const { hub, store } = useServices();
  const selected = useDashboard((s) => s.selected);
  const tty = useDashboard((s) => s.processes.find((p) => p.id === s.selected)?.tty === true);
  const stdin = useDashboard((s) => s.processes.find((p) => p.id === s.selected)?.stdin === true);
  const operator = useDashboard((s) => s.role === 'operator');
  const [mode, setMode] = useState<'terminal' | 'lines'>('terminal');

  if (!tty) {
    return (
      <div className="process-pane">
        <LogPane />
        {stdin && operator && hub && <StdinInput key={selected} processId={selected} hub={hub} />}
      </div>
    );
  }
  return (
    <div className="process-pane">
      <div className="view-switch" role="group" aria-label={`View of ${selected}`}>
        <button type="button" aria-pressed={mode === 'terminal'} onClick={() => setMode('terminal')}>
          Terminal
        </button>
        <button type="button" aria-pressed={mode === 'lines'} onClick={() => setMode('lines')}>
          Log lines
        </button>
      </div>
      {mode === 'lines' ? (
        <LogPane />
      ) : hub ? (
        <Suspense fallback={<div className="terminal-loading">Loading the terminal…</div>}>
          <TerminalView key={selected} processId={selected} operator={operator} hub={hub} onNotice={(text) => store.getState().setNotice(text)} />
        </Suspense>
      ) : (
        <div className="terminal-loading">No hub connection for the terminal.</div>
      )}
    </div>
  );
}
