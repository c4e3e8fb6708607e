/**
 * `/metrics` in Prometheus text format through prom-client: the hub's statistics (CONTRACT.md,
 * "Statistics") and each supervised process's figures, read at scrape time, plus the Node process's
 * own default metrics. Types follow what a value does: what only grows is a counter (`_total`),
 * what goes up and down a gauge.
 *
 * Per process (label `process`): `switchyard_supervised_up` (1 while a run is alive),
 * `switchyard_supervised_cpu_percent` (percent of one core, whole group) and
 * `switchyard_supervised_memory_bytes` (resident, whole group) as gauges;
 * `switchyard_supervised_output_lines_total`, `switchyard_supervised_output_bytes_total` and
 * `switchyard_supervised_restarts_total` as counters. A scrape asks the supervisor for fresh
 * resource figures and keeps it sampling for a minute, so that a scraper every 15 s sees CPU over
 * the last few seconds; with no scraper (and no other viewer) nothing is sampled.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProcessMetrics } from '../supervisor/supervisor';

/** The parts of a statistics snapshot that become metrics; other fields are ignored. */
export interface StatsForMetrics {
  clients: number;
  channels: number;
  clientList?: Array<{ sent?: number; dropped?: number; queuedBytes?: number }>;
  channelList?: Array<{ name: string; subscribers?: number; seq?: number; retained?: number; ratePerSec?: number }>;
  /** Hub-wide counters of deliberate drops and refusals, by name (e.g. `slowConsumerDisconnects`). */
  counters?: object;
}

/** Where per-process figures come from (the Supervisor). */
export interface ProcessMetricsSource {
  metrics(): ProcessMetrics[];
  /** Keep sampling resources for `ms`. */
  demandResourcesFor(ms: number): void;
  /** Resolve once resource figures are fresh. */
  freshResources(): Promise<void>;
  /** Watchdogs replaced after they died (see supervisor/watchdog.ts). */
  readonly watchdogRespawns: number;
}

/** How long one scrape keeps resource sampling on. */
const SCRAPE_LEASE_MS = 60_000;

/** prom-client's gauges named like counters (`_total`): promtool rejects them, and `nodejs_active_*` without the suffix say the same. */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** A statistics source (and optionally the supervisor) and the registry that exposes them. */
export function createMetrics(
  readStats: () => StatsForMetrics,
  processes?: ProcessMetricsSource,
): { registry: Registry; render(): Promise<{ contentType: string; body: string }> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(`switchyard_${name}`);

  // One snapshot per scrape, shared by every metric's collect().
  let snapshot: StatsForMetrics | undefined;
  const stats = (): StatsForMetrics => (snapshot ??= readStats());
  let procSnapshot: ProcessMetrics[] | undefined;
  const procs = (): ProcessMetrics[] => (procSnapshot ??= processes?.metrics() ?? []);

  const gauge = (name: string, help: string, collect: (g: Gauge<string>) => void, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect() { collect(this); } });
  // A counter whose value is read from elsewhere at scrape time: reset, then set by one inc().
  const counter = (name: string, help: string, values: () => Array<[Record<string, string>, number]>, labelNames: string[] = []) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of values()) if (Number.isFinite(value) && value >= 0) this.inc(labels, value);
      },
    });

  gauge('switchyard_hub_clients', 'Connected WebSocket clients.', (g) => g.set(stats().clients));
  gauge('switchyard_hub_channels', 'Active channels.', (g) => g.set(stats().channels));
  gauge('switchyard_hub_queued_bytes', 'Bytes queued for all clients.', (g) => g.set(sum(stats().clientList, 'queuedBytes')));
  // A sum over the clients connected now: it drops when one leaves, so a gauge, not a counter.
  gauge('switchyard_hub_sent_messages', 'Messages sent to the clients connected now, since each connected.', (g) => g.set(sum(stats().clientList, 'sent')));
  gauge('switchyard_channel_subscribers', 'Subscribers per channel.', (g) => perChannel(g, 'subscribers'), ['channel']);
  // A position that starts again with the channel's epoch: a gauge.
  gauge('switchyard_channel_seq', 'Latest sequence number per channel.', (g) => perChannel(g, 'seq'), ['channel']);
  gauge('switchyard_channel_retained', 'Retained messages per channel.', (g) => perChannel(g, 'retained'), ['channel']);
  gauge('switchyard_channel_rate', 'Messages per second per channel.', (g) => perChannel(g, 'ratePerSec'), ['channel']);
  counter(
    'switchyard_hub_events_total',
    'Hub counters since start: connections, publications, deliberate drops, disconnects and refusals, by kind.',
    () => Object.entries(stats().counters ?? {}).flatMap(([kind, value]) => (typeof value === 'number' ? [[{ kind }, value] as [Record<string, string>, number]] : [])),
    ['kind'],
  );

  if (processes) {
    const perProcess = (field: 'cpuPercent' | 'memoryBytes') => (g: Gauge<string>) => {
      g.reset();
      for (const p of procs()) if (p[field] !== undefined) g.set({ process: p.id }, p[field] as number);
    };
    gauge('switchyard_supervised_up', 'Whether a run of the process is alive (1) or not (0).', (g) => {
      g.reset();
      for (const p of procs()) g.set({ process: p.id }, p.up ? 1 : 0);
    }, ['process']);
    gauge('switchyard_supervised_cpu_percent', 'CPU of the process group over the last sample, percent of one core.', perProcess('cpuPercent'), ['process']);
    gauge('switchyard_supervised_memory_bytes', 'Resident memory of the process group, bytes.', perProcess('memoryBytes'), ['process']);
    const total = (field: 'linesOut' | 'bytesOut' | 'restarts') => () => procs().map((p): [Record<string, string>, number] => [{ process: p.id }, p[field]]);
    counter('switchyard_supervised_output_lines_total', 'Output lines sent to the hub, per process.', total('linesOut'), ['process']);
    counter('switchyard_supervised_output_bytes_total', 'Output bytes read from the process, per process.', total('bytesOut'), ['process']);
    counter('switchyard_supervised_restarts_total', 'Automatic restarts (policy, liveness, file changes), per process.', total('restarts'), ['process']);
    counter('switchyard_watchdog_restarts_total', 'Watchdogs started again after the previous one died.', () => [[{}, processes.watchdogRespawns]]);
  }

  function perChannel(g: Gauge<string>, field: 'subscribers' | 'seq' | 'retained' | 'ratePerSec'): void {
    g.reset();
    for (const ch of stats().channelList ?? []) {
      const value = ch[field];
      if (typeof value === 'number') g.set({ channel: ch.name }, value);
    }
  }

  return {
    registry,
    async render() {
      snapshot = undefined;
      procSnapshot = undefined;
      try {
        if (processes) {
          processes.demandResourcesFor(SCRAPE_LEASE_MS);
          await processes.freshResources();
        }
        return { contentType: registry.contentType, body: await registry.metrics() };
      } finally {
        snapshot = undefined;
        procSnapshot = undefined;
      }
    },
  };
}

function sum<K extends string>(list: Array<Partial<Record<K, number>>> | undefined, field: K): number {
  let total = 0;
  for (const item of list ?? []) total += item[field] ?? 0;
  return total;
}
