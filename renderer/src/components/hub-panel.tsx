/** The Hub panel: connected clients and channels from the `hub:stats` channel. */
import { useDashboard, useServices } from '../dashboard-context';
import { Sparkline } from './sparkline';

const EMPTY: number[] = [];

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function since(ms: number | undefined): string {
  if (ms === undefined) return '';
  return new Date(ms).toLocaleTimeString();
}

/** Clients and channels tables. */
export function HubPanel() {
  const { actions } = useServices();
  const stats = useDashboard((s) => s.stats);
  const rates = useDashboard((s) => s.rates);
  const operator = useDashboard((s) => s.role === 'operator');
  if (!stats) return <section className="hub-panel" aria-label="Hub"><p>Waiting for hub statistics…</p></section>;
  return (
    <section className="hub-panel" aria-label="Hub">
      <h2>Clients ({stats.clients.length})</h2>
      <table className="data-table" data-testid="hub-clients" aria-label="Hub clients">
        <thead>
          <tr>
            <th>Client</th><th>User</th><th>Role</th><th>Remote</th><th>Connected since</th><th>Subscriptions</th>
            <th className="num">Sent</th><th className="num">Dropped</th><th className="num">Queued</th>
            {operator && <th><span className="sr-only">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {stats.clients.map((c) => (
            <tr key={c.id} data-testid="hub-client-row" data-client-id={c.id}>
              <td className="mono">{c.id}{c.self && <span className="you"> (you)</span>}</td>
              <td>{c.userId}</td>
              <td>{c.role}</td>
              <td className="mono">{c.remote}</td>
              <td>{since(c.connectedAt)}</td>
              <td className="subs" title={c.subscriptions.join(', ')}>{c.subscriptions.length} {c.subscriptions.length > 0 && <span className="muted">({c.subscriptions.slice(0, 3).join(', ')}{c.subscriptions.length > 3 ? ', …' : ''})</span>}</td>
              <td className="num">{c.sent.toLocaleString('en-US')}</td>
              <td className={c.dropped > 0 ? 'num warn' : 'num'}>{c.dropped.toLocaleString('en-US')}</td>
              <td className="num">{bytes(c.queuedBytes)}</td>
              {operator && (
                <td>
                  <button type="button" aria-label={`Disconnect client ${c.id}`} onClick={() => void actions.disconnectClient(c.id)} disabled={c.self} title={c.self ? 'This is you' : 'Close this connection'}>
                    Disconnect
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Channels ({stats.channels.length})</h2>
      <table className="data-table" data-testid="hub-channels" aria-label="Hub channels">
        <thead>
          <tr>
            <th>Channel</th><th className="num">Subscribers</th><th className="num">Latest seq</th><th className="num">Retained</th><th className="num">Msg/s</th><th>Last minute</th>
          </tr>
        </thead>
        <tbody>
          {stats.channels.map((c) => (
            <tr key={c.name} data-testid="hub-channel-row" data-channel={c.name}>
              <td className="mono">{c.name}</td>
              <td className="num">{c.subscribers}</td>
              <td className="num">{c.seq.toLocaleString('en-US')}</td>
              <td className="num">{c.retained.toLocaleString('en-US')}</td>
              <td className="num">{c.ratePerSec.toFixed(1)}</td>
              <td><Sparkline values={rates[c.name] ?? EMPTY} label={`messages per second of ${c.name}`} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
