/** The left sidebar: every process with its status, details and (for operators) controls. */
import { Fragment, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { useDashboard } from '../dashboard-context';
import { ALL_PROCESSES } from '../logs/log-book';
import { groupByNode } from '../state/node-groups';
import { colourIndexes } from '../state/process-colours';
import { AddProcessForm } from './add-process-form';
import { ProcessRow } from './process-row';

/** Re-render once a second for uptimes and countdowns. */
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
  const colours = useMemo(() => colourIndexes(processes), [processes]);
  const now = useNow();
  return (
    <nav className="sidebar" aria-label="Processes">
      <ul className="process-list" data-testid="process-list" onKeyDown={moveFocus}>
        <li className={selected === ALL_PROCESSES ? 'process-row all selected' : 'process-row all'}>
          <button type="button" className="process-select" aria-label="Show logs of all processes" aria-current={selected === ALL_PROCESSES || undefined} onClick={() => select(ALL_PROCESSES)}>
            <span className="process-line">
              <span className="dot dot-all" aria-hidden="true" />
              <span className="process-name">All processes</span>
              <span className="process-count">{processes.length}</span>
            </span>
          </button>
        </li>
        {groupByNode(processes).map((group) => (
          <Fragment key={group.node ?? ''}>
            {/* Several machines: a header per node (its processes follow). */}
            {group.node !== undefined && (
              <li className={group.gone ? 'node-group node-gone' : 'node-group'} data-testid={`node-group-${group.node}`}>
                {group.node}
                {group.gone && <span className="muted"> (unreachable)</span>}
              </li>
            )}
            {group.processes.map((p) => (
              <ProcessRow key={p.id} process={p} colour={colours.get(p.id) ?? 0} selected={selected === p.id} operator={operator} now={now} onSelect={() => select(p.id)} />
            ))}
          </Fragment>
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
