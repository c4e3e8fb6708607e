/** The left sidebar: every process with its status, details and (for operators) controls. */
import { useEffect, useState, type KeyboardEvent } from 'react';
import { useDashboard, useServices } from '../dashboard-context';
import { ALL_PROCESSES } from '../logs/log-book';
import type { ProcessInfo } from '../state/process-info';
import { formatUptime, isActive, statusDetail } from '../state/status-text';
import { AddProcessForm } from './add-process-form';

/** Re-render once a second for uptimes. */
function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** The process list with the "All processes" entry on top. */
export function ProcessSidebar() {
  const processes = useDashboard((s) => s.processes);
  const selected = useDashboard((s) => s.selected);
  const select = useDashboard((s) => s.select);
  const operator = useDashboard((s) => s.role === 'operator');
  const now = useNow();
  return (
    <nav className="sidebar" aria-label="Processes">
      <ul className="process-list" data-testid="process-list" onKeyDown={moveFocus}>
        <li className={selected === ALL_PROCESSES ? 'process-row selected' : 'process-row'}>
          <button type="button" className="process-select" aria-label="Show logs of all processes" aria-current={selected === ALL_PROCESSES || undefined} onClick={() => select(ALL_PROCESSES)}>
            <span className="dot dot-all" aria-hidden="true" />
            <span className="process-name">All processes</span>
            <span className="process-meta">{processes.length}</span>
          </button>
        </li>
        {processes.map((p) => (
          <ProcessRow key={p.id} process={p} selected={selected === p.id} operator={operator} now={now} onSelect={() => select(p.id)} />
        ))}
      </ul>
      {processes.length === 0 && <p className="sidebar-empty">No processes yet.</p>}
      {operator && <AddProcessForm />}
    </nav>
  );
}

/** Arrow keys move between processes, as in a list box; Tab still walks every control. */
function moveFocus(e: KeyboardEvent<HTMLUListElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const items = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('.process-select')];
  const at = items.indexOf(document.activeElement as HTMLButtonElement);
  if (at < 0) return;
  e.preventDefault();
  const next = items[Math.max(0, Math.min(items.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
  next?.focus();
}

/** Props of {@link ProcessRow}. */
export interface ProcessRowProps {
  process: ProcessInfo;
  selected: boolean;
  operator: boolean;
  now: number;
  onSelect(): void;
}

/** One process: status dot, name, status text, pid, uptime, restarts and controls. */
export function ProcessRow({ process: p, selected, operator, now, onSelect }: ProcessRowProps) {
  const { actions } = useServices();
  const [busy, setBusy] = useState(false);
  const active = isActive(p.status);
  const act = (fn: (id: string) => Promise<boolean>) => () => {
    setBusy(true);
    void fn.call(actions, p.id).finally(() => setBusy(false));
  };
  const details: string[] = [];
  if (p.pid !== undefined && active) details.push(`pid ${p.pid}`);
  if (p.status === 'running' && p.startedAt !== undefined) details.push(`up ${formatUptime(now - p.startedAt)}`);
  if (p.restarts) details.push(`${p.restarts} ${p.restarts === 1 ? 'restart' : 'restarts'}`);
  return (
    <li className={selected ? 'process-row selected' : 'process-row'} data-testid={`process-row-${p.id}`} data-status={p.status}>
      <button type="button" className="process-select" aria-label={`Show logs of ${p.id}`} aria-current={selected || undefined} onClick={onSelect} title={p.command}>
        <span className={`dot dot-${p.status}`} aria-hidden="true" />
        <span className="process-name">{p.id}</span>
        <span className="process-status" data-testid={`process-status-${p.id}`}>
          {statusDetail(p)}
        </span>
        {details.length > 0 && <span className="process-meta">{details.join(' · ')}</span>}
      </button>
      {operator && (
        <div className="process-controls" role="group" aria-label={`Controls of ${p.id}`}>
          <button type="button" aria-label={`Start ${p.id}`} title="Start" disabled={busy || active} onClick={act(actions.startProcess)}>
            ▶
          </button>
          <button type="button" aria-label={`Stop ${p.id}`} title="Stop" disabled={busy || !active} onClick={act(actions.stopProcess)}>
            ■
          </button>
          <button type="button" aria-label={`Restart ${p.id}`} title="Restart" disabled={busy} onClick={act(actions.restartProcess)}>
            ↻
          </button>
        </div>
      )}
    </li>
  );
}
