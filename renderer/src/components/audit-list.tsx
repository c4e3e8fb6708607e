/** The record of control actions (the `audit` channel), newest first: who did what to what, and when. */
import { useDashboard } from '../dashboard-context';
import { formatClock } from '../state/clock';

/** See the file comment. */
export function AuditList() {
  const audit = useDashboard((s) => s.audit);
  const self = useDashboard((s) => s.selfClientId);
  return (
    <>
      <h2>Control actions ({audit.length})</h2>
      {audit.length === 0 ? (
        <p className="muted">Nobody has started, stopped, restarted, added or removed a process, typed into a terminal or issued a link since the hub started.</p>
      ) : (
        <table className="data-table" data-testid="audit-list" aria-label="Control actions">
          <thead>
            <tr>
              <th>Time</th><th>Who</th><th>Action</th><th>Target</th><th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {[...audit].reverse().map((e) => (
              <tr key={`${e.time}|${e.clientId}|${e.action}|${e.target}|${e.detail ?? ''}`} data-testid="audit-row" data-action={e.action}>
                <td className="mono">{formatClock(e.time)}</td>
                <td>
                  {e.userId} <span className="muted">({e.role}{e.clientId === self ? ', you' : ''})</span>
                </td>
                <td className="mono">{e.action}</td>
                <td className="mono">{e.target}</td>
                <td className={e.ok ? '' : 'warn'}>
                  {e.ok ? 'ok' : 'refused'}
                  {e.detail && <span className="muted"> · {e.detail}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
