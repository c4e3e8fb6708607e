/**
 * The startup view: per process, a small timeline (waiting for its dependencies, starting,
 * healthy or running) on one time axis for all, with when it started, when it became healthy and
 * what it waits for, so "why is api not up?" has an answer at a glance; below, CPU and memory of
 * every process over the last minutes.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ProcessInfo } from '../../../shared/protocol';
import { useDashboard } from '../dashboard-context';
import { formatClock, formatDuration, msOf } from '../state/clock';
import { colourIndexes, paletteColour } from '../state/process-colours';
import { statusDetail, statusTone } from '../state/status-text';
import { formatBytes } from './format-bytes';
import { TimeChart, type ChartLine } from './time-chart';

/** One stretch of a process's timeline. */
interface Segment {
  kind: 'waiting' | 'starting' | 'up' | 'ended';
  from: number;
  to: number;
}

/** The stretches of the current run, from what the list says. Exported for tests. */
export function segmentsOf(p: ProcessInfo, now: number): Segment[] {
  const waiting = msOf(p.waitingSince);
  const started = msOf(p.startedAt);
  const healthy = msOf(p.healthyAt);
  const ended = msOf(p.endedAt);
  const live = p.status === 'running' || p.status === 'starting' || p.status === 'stopping';
  const end = live || p.status === 'waiting' ? now : (ended ?? now);
  const out: Segment[] = [];
  if (waiting !== undefined) out.push({ kind: 'waiting', from: waiting, to: started !== undefined && started >= waiting ? started : end });
  if (started !== undefined && (waiting === undefined || started >= waiting)) {
    const probed = p.health !== undefined;
    const upAt = probed ? healthy : started;
    if (probed && (upAt === undefined || upAt > started)) out.push({ kind: 'starting', from: started, to: upAt ?? end });
    if (upAt !== undefined) out.push({ kind: live ? 'up' : 'ended', from: upAt, to: end });
  }
  return out.filter((s) => s.to >= s.from);
}

/** See the file comment. */
export function StartupView() {
  const processes = useDashboard((s) => s.processes);
  const cpu = useDashboard((s) => s.cpu);
  const memory = useDashboard((s) => s.memory);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const colours = useMemo(() => colourIndexes(processes), [processes]);
  const rows = processes.map((p) => ({ p, segments: segmentsOf(p, now) }));
  const t0 = Math.min(now - 1000, ...rows.flatMap((r) => r.segments.map((s) => s.from)));
  const span = Math.max(1000, now - t0);
  const lines = (series: typeof cpu): ChartLine[] =>
    processes.filter((p) => series.values[p.id]).map((p) => ({ label: p.id, colourVar: `--pc-${colours.get(p.id) ?? 0}`, values: series.values[p.id] ?? [] }));
  return (
    <section className="startup-view" aria-label="Startup">
      <h2>Startup</h2>
      <p className="muted">Since {formatClock(t0)}: <span className="legend legend-waiting">waiting</span> <span className="legend legend-starting">starting, not yet healthy</span> <span className="legend legend-up">up</span> <span className="legend legend-ended">ended</span></p>
      <table className="data-table startup-table" data-testid="startup-table">
        <thead>
          <tr>
            <th>Process</th><th>Status</th><th className="timeline-col">Timeline</th><th>Started</th><th>Healthy</th><th>Waiting for</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ p, segments }) => {
            const started = msOf(p.startedAt);
            const healthy = msOf(p.healthyAt);
            return (
              <tr key={p.id} data-testid={`startup-row-${p.id}`}>
                <td className="mono" style={{ color: paletteColour(colours.get(p.id) ?? 0) }}>{p.id}</td>
                <td className={`tone-text-${statusTone(p)}`}>{statusDetail(p, now)}</td>
                <td className="timeline-col">
                  <div className="timeline" role="img" aria-label={`timeline of ${p.id}`}>
                    {segments.map((s, i) => (
                      <span key={i} className={`seg seg-${s.kind}`} style={{ left: `${((s.from - t0) / span) * 100}%`, width: `${Math.max(0.5, ((s.to - s.from) / span) * 100)}%` }} title={`${s.kind} ${formatClock(s.from)} – ${formatClock(s.to)}`} />
                    ))}
                  </div>
                </td>
                <td className="mono">{formatClock(started)}</td>
                <td className="mono">{healthy !== undefined ? `${formatClock(healthy)}${started !== undefined ? ` (+${formatDuration(healthy - started)})` : ''}` : p.health ?? ''}</td>
                <td>
                  {p.status === 'waiting' && (p.waitingFor?.length ? p.waitingFor.join(', ') : 'its dependencies')}
                  {p.dependsOn && p.dependsOn.length > 0 && (
                    <span className="deps">
                      {p.dependsOn.map((d) => (
                        <span key={d.id} className={d.met ? 'dep met' : 'dep'} title={`${d.id} ${d.condition}: ${d.met ? 'met' : 'not yet'}`}>
                          {d.met ? '✓' : '…'} {d.id} {d.condition}
                        </span>
                      ))}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Resources</h2>
      {cpu.t.length === 0 ? (
        <p className="muted">No CPU or memory samples yet (the hub samples them while someone looks).</p>
      ) : (
        <div className="chart-pair">
          <TimeChart title="CPU (% of one core)" t={cpu.t} lines={lines(cpu)} format={(v) => `${v.toFixed(v < 10 ? 1 : 0)}%`} testId="cpu-chart" />
          <TimeChart title="Memory (process group)" t={memory.t} lines={lines(memory)} format={formatBytes} testId="memory-chart" />
        </div>
      )}
    </section>
  );
}
