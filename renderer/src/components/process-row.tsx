/**
 * One process in the sidebar: its colour, status dot, name, the status in words, pid, uptime,
 * restarts, CPU, memory and ports (links), an alert mark until seen, and the controls. The
 * controls have a column of their own, so a long name or reason wraps beside them, never under
 * them; the row always has its three lines, so its height does not jump as details come and go.
 */
import { useState } from 'react';
import type { ProcessInfo } from '../../../shared/protocol';
import { useDashboard, useServices } from '../dashboard-context';
import { formatDuration, msOf } from '../state/clock';
import { paletteColour } from '../state/process-colours';
import { isActive, statusDetail, statusTone } from '../state/status-text';
import { formatBytes } from './format-bytes';

/** Props of {@link ProcessRow}. */
export interface ProcessRowProps {
  process: ProcessInfo;
  /** Its palette index (process-colours.ts). */
  colour: number;
  selected: boolean;
  operator: boolean;
  now: number;
  onSelect(): void;
}

/** See the file comment. */
export function ProcessRow({ process: p, colour, selected, operator, now, onSelect }: ProcessRowProps) {
  const { actions } = useServices();
  const marks = useDashboard((s) => s.marks[p.id] ?? 0);
  const setOverlay = useDashboard((s) => s.setOverlay);
  const [busy, setBusy] = useState(false);
  const active = isActive(p.status);
  const tone = statusTone(p);
  const act = (fn: (id: string) => Promise<boolean>) => () => {
    setBusy(true);
    void fn.call(actions, p.id).finally(() => setBusy(false));
  };
  const started = msOf(p.startedAt);
  const details: string[] = [];
  if (p.pid !== undefined && active) details.push(`pid ${p.pid}`);
  if (p.status === 'running' && started !== undefined) details.push(`up ${formatDuration(now - started)}`);
  if (p.restarts) details.push(`${p.restarts} ${p.restarts === 1 ? 'restart' : 'restarts'}`);
  if (p.cpuPercent !== undefined && active) details.push(`${p.cpuPercent.toFixed(p.cpuPercent < 10 ? 1 : 0)}% CPU`);
  if (p.memoryBytes !== undefined && active) details.push(formatBytes(p.memoryBytes));
  const classes = ['process-row', `tone-${tone}`];
  if (selected) classes.push('selected');
  return (
    <li className={classes.join(' ')} data-testid={`process-row-${p.id}`} data-status={p.status} data-tone={tone} style={{ ['--row-colour' as string]: paletteColour(colour) }}>
      <span className="proc-swatch" aria-hidden="true" data-testid={`process-colour-${p.id}`} />
      <button type="button" className="process-select" aria-label={`Show logs of ${p.id}`} aria-current={selected || undefined} onClick={onSelect} title={`${p.id}\n${p.command}`}>
        <span className="process-line">
          <span className={`dot tone-dot-${tone}`} aria-hidden="true" />
          <span className="process-name">{p.id}</span>
          {p.health && <span className={`health health-${p.health}`}>{p.health}</span>}
          {marks > 0 && (
            <span className="alert-mark" data-testid={`alert-mark-${p.id}`} aria-label={`${marks} new ${marks === 1 ? 'alert' : 'alerts'}`}>
              {marks}
            </span>
          )}
        </span>
        <span className="process-status" data-testid={`process-status-${p.id}`}>
          {statusDetail(p, now)}
        </span>
      </button>
      <span className="process-meta" data-testid={`process-meta-${p.id}`}>
        {details.join(' · ')}
        {p.ports && p.ports.length > 0 && active && (
          <span className="ports">
            {details.length > 0 && ' · '}
            {p.ports.map((port, i) => (
              <span key={port}>
                {i > 0 && ' '}
                <a href={`http://127.0.0.1:${port}`} target="_blank" rel="noopener noreferrer" aria-label={`Open port ${port} of ${p.id}`}>
                  :{port}
                </a>
              </span>
            ))}
          </span>
        )}
        {'\u00a0'}
      </span>
      {operator && (
        <div className="process-controls" role="group" aria-label={`Controls of ${p.id}`}>
          <button type="button" aria-label={`Start ${p.id}`} title="Start" disabled={busy || active} onClick={act(actions.startProcess)}>
            ▶
          </button>
          <button type="button" aria-label={`Stop ${p.id}`} title="Stop" disabled={busy || !active || p.status === 'stopping'} onClick={act(actions.stopProcess)}>
            ■
          </button>
          <button type="button" aria-label={`Restart ${p.id}`} title="Restart" disabled={busy} onClick={act(actions.restartProcess)}>
            ↻
          </button>
          {p.origin === 'added' && (
            <button type="button" aria-label={`Remove ${p.id}`} title="Remove (added from the dashboard)" disabled={busy} onClick={() => setOverlay({ kind: 'confirm', action: 'remove', id: p.id })}>
              ✕
            </button>
          )}
        </div>
      )}
    </li>
  );
}
