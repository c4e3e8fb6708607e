/** The alert list (newest first), the browser-notification switch, and the engine's counters. */
import { useEffect, useState } from 'react';
import { useDashboard, useServices } from '../dashboard-context';
import { formatClock } from '../state/clock';
import { processColourVar } from '../state/process-colours';
import type { NotifyPermission } from '../state/browser-notifier';
import { Modal } from './modal';

/** See the file comment. */
export function AlertList({ onClose }: { onClose(): void }) {
  const alerts = useDashboard((s) => s.alerts);
  const counters = useDashboard((s) => s.alertCounters);
  const select = useDashboard((s) => s.select);
  const markAlertsSeen = useDashboard((s) => s.markAlertsSeen);
  useEffect(() => markAlertsSeen(), [markAlertsSeen, alerts]);
  return (
    <Modal title="Alerts" onClose={onClose} testId="alert-list">
      <NotificationSwitch />
      {alerts.length === 0 ? (
        <p className="muted">No alerts yet. By default Switchyard alerts when a process crashes or gives up restarting; the config's <code>alerts:</code> key adds rules.</p>
      ) : (
        <ol className="alert-items" reversed>
          {[...alerts].reverse().map((a) => (
            <li key={`${a.time}|${a.ruleIndex}|${a.process}|${a.count}`} className={`alert-item rule-${a.rule}`} data-testid="alert-item">
              <span className="alert-time mono">{formatClock(a.time)}</span>
              <button
                type="button"
                className="link-button"
                style={{ color: `var(${processColourVar(a.process)}, inherit)` }}
                aria-label={`Show logs of ${a.process} (alert)`}
                onClick={() => {
                  select(a.process);
                  onClose();
                }}
              >
                {a.process}
              </button>
              <span className="alert-rule">{a.rule.replace('_', ' ')}</span>
              <span className="alert-message">{a.message}</span>
              {a.count > 1 && <span className="alert-count" title="events of this rule and process in the last minute">×{a.count}</span>}
            </li>
          ))}
        </ol>
      )}
      {counters && counters.webhookFailures + counters.webhookDropped > 0 && (
        <p className="warn-text" data-testid="webhook-failures">
          Webhooks: {counters.webhookSent} delivered, {counters.webhookFailures} failed attempts, {counters.webhookDropped} alerts not delivered.
        </p>
      )}
    </Modal>
  );
}

/** Asks for the browser's permission once, and says why first; never on page load. */
function NotificationSwitch() {
  const { notifier } = useServices();
  const [permission, setPermission] = useState<NotifyPermission>(() => notifier?.permission() ?? 'unsupported');
  if (!notifier || permission === 'unsupported') {
    return <p className="muted notify-note">{window.switchyard ? 'The desktop app shows new alerts as system notifications while its window is in the background.' : 'This browser cannot show notifications.'}</p>;
  }
  if (permission === 'granted') return <p className="muted notify-note" data-testid="notify-state">Browser notifications are on for this dashboard.</p>;
  if (permission === 'denied') return <p className="muted notify-note" data-testid="notify-state">This browser blocks notifications from this page; allow them in the site settings to get alerts here.</p>;
  return (
    <p className="notify-note">
      Get a notification from this browser when a process crashes or an alert fires while you look at something else. Your browser will ask you once.{' '}
      <button type="button" onClick={() => void notifier.ask().then(setPermission)}>
        Turn on browser notifications
      </button>
    </p>
  );
}
