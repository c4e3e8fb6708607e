/** The hub panel's part on a shared engine: the engine's health and every node with its clients. */
import type { HubStatsView } from '../state/hub-stats-view';
import { formatClock } from '../state/clock';

/** Nothing on a single machine with a healthy in-memory engine. */
export function NodesTable({ stats }: { stats: HubStatsView }) {
  const { engine, nodes } = stats;
  if (!nodes && (!engine || (engine.up && engine.kind === 'memory'))) return null;
  return (
    <>
      {engine && (
        <p className={engine.up ? 'engine-health' : 'engine-health warn'} data-testid="engine-health" role={engine.up ? undefined : 'alert'}>
          Engine {engine.kind}: {engine.up ? 'up' : `down, ${engine.reason ?? 'unreachable'}`}
          {engine.buffered ? ` · ${engine.buffered.toLocaleString('en-US')} waiting` : ''}
          {engine.lost ? ` · ${engine.lost.toLocaleString('en-US')} lost` : ''}
        </p>
      )}
      {nodes && (
        <>
          <h2>Nodes ({nodes.length})</h2>
          <table className="data-table" data-testid="hub-nodes" aria-label="Hub nodes">
            <thead>
              <tr>
                <th>Node</th><th>State</th><th className="num">Clients</th><th className="num">Processes</th><th>Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => (
                <tr key={n.name} data-testid="hub-node-row" data-node={n.name}>
                  <td className="mono">{n.name}{n.self && <span className="you"> (this node)</span>}</td>
                  <td className={n.up ? undefined : 'warn'}>{n.up ? 'up' : 'unreachable'}</td>
                  <td className="num">{n.clients}</td>
                  <td className="num">{n.processes}</td>
                  <td className="mono">{formatClock(n.seenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
