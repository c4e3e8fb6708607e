/** The Hub panel: message rates over the last minutes, clients, channels and the record of control actions. */
import { useMemo } from 'react';
import { useDashboard, useServices } from '../dashboard-context';
import { formatClock } from '../state/clock';
import { PROCESS_CHANNEL_PREFIX } from '../../../shared/protocol';
import { colourIndexes } from '../state/process-colours';
import { AuditList } from './audit-list';
import { formatBytes } from './format-bytes';
import { NodesTable } from './nodes-table';
import { TimeChart, type ChartLine } from './time-chart';

/** Channels drawn in the rate chart: the busiest now. */
const CHARTED = 6;
const rate = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** Clients, channels, rates and the audit. */
export function HubPanel() {
  const { actions } = useServices();
  const stats = useDashboard((s) => s.stats);
  const rates = useDashboard((s) => s.rates);
  const self = useDashboard((s) => s.selfClientId);
  const operator = useDashboard((s) => s.role === 'operator');
  const processes = useDashboard((s) => s.processes);
  const lines = useMemo<ChartLine[]>(() => {
    const busiest = [...(stats?.channelList ?? [])].sort((a, b) => b.ratePerSec - a.ratePerSec || a.name.localeCompare(b.name)).slice(0, CHARTED);
    // A process's channel is drawn in that process's colour; the hub's own channels in neutral tones.
    const colours = colourIndexes(processes);
    const neutral = ['--fg-muted', '--accent', '--warn'];
    let n = 0;
    return busiest
      .map((c) => c.name)
      .sort()
      .map((name) => {
        const idx = name.startsWith(PROCESS_CHANNEL_PREFIX) ? colours.get(name.slice(PROCESS_CHANNEL_PREFIX.length)) : undefined;
        const colourVar = idx !== undefined ? `--pc-${idx}` : (neutral[n++ % neutral.length] as string);
        return { label: name, colourVar, values: rates.values[name] ?? rates.t.map(() => null) };
      });
  }, [stats, rates, processes]);
  if (!stats) return <section className="hub-panel" aria-label="Hub"><p>Waiting for hub statistics…</p></section>;
  return (
    <section className="hub-panel" aria-label="Hub">
      <TimeChart title="Messages per second, busiest channels" t={rates.t} lines={lines} format={rate} testId="rate-chart" />
      <NodesTable stats={stats} />
      <h2>Clients ({stats.clients})</h2>
      <table className="data-table" data-testid="hub-clients" aria-label="Hub clients">
        <thead>
          <tr>
            <th>Client</th><th>User</th><th>Role</th><th>Remote</th><th>Connected since</th><th>Subscriptions</th>
            <th className="num">Sent</th><th className="num">Dropped</th><th className="num">Queued</th>
            {operator && <th><span className="sr-only">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {stats.clientList.map((c) => (
            <tr key={c.id} data-testid="hub-client-row" data-client-id={c.id}>
              <td className="mono">{c.id}{c.id === self && <span className="you"> (you)</span>}</td>
              <td>{c.userId}</td>
              <td>{c.role}</td>
              <td className="mono">{c.remote}</td>
              <td className="mono">{formatClock(c.connectedAt)}</td>
              <td className="subs" title={c.subscriptions.join(', ')}>{c.subscriptionCount ?? c.subscriptions.length} {c.subscriptions.length > 0 && <span className="muted">({c.subscriptions.slice(0, 3).join(', ')}{(c.subscriptionCount ?? c.subscriptions.length) > 3 ? ', …' : ''})</span>}</td>
              <td className="num">{c.sent.toLocaleString('en-US')}</td>
              <td className={c.dropped > 0 ? 'num warn' : 'num'}>{c.dropped.toLocaleString('en-US')}</td>
              <td className="num">{formatBytes(c.queuedBytes)}</td>
              {operator && (
                <td>
                  <button type="button" aria-label={`Disconnect client ${c.id}`} onClick={() => void actions.disconnectClient(c.id)} disabled={c.id === self} title={c.id === self ? 'This is you' : 'Close this connection'}>
                    Disconnect
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Channels ({stats.channels})</h2>
      <table className="data-table" data-testid="hub-channels" aria-label="Hub channels">
        <thead>
          <tr>
            <th>Channel</th><th className="num">Subscribers</th><th className="num">Latest seq</th><th className="num">Retained</th><th className="num">Msg/s</th>
          </tr>
        </thead>
        <tbody>
          {stats.channelList.map((c) => (
            <tr key={c.name} data-testid="hub-channel-row" data-channel={c.name}>
              <td className="mono">{c.name}</td>
              <td className="num">{c.subscribers}</td>
              <td className="num">{c.seq.toLocaleString('en-US')}</td>
              <td className="num">{c.retained.toLocaleString('en-US')}</td>
              <td className="num">{c.ratePerSec.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <AuditList />
    </section>
  );
}
