/**
 * `/metrics` in Prometheus text format through prom-client: the hub's statistics (CONTRACT.md,
 * "Statistics"), read at scrape time, plus the Node process's own default metrics.
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The parts of a statistics snapshot that become metrics; other fields are ignored. */
export interface StatsForMetrics {
  clients: number;
  channels: number;
  clientList?: Array<{ sent?: number; dropped?: number; queuedBytes?: number }>;
  channelList?: Array<{ name: string; subscribers?: number; seq?: number; retained?: number; ratePerSec?: number }>;
  /** Hub-wide counters of deliberate drops and refusals, by name (e.g. `slowConsumerDisconnects`). */
  counters?: object;
}

/** A statistics source and the registry that exposes it. */
export function createMetrics(readStats: () => StatsForMetrics): { registry: Registry; render(): Promise<{ contentType: string; body: string }> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });

  // One snapshot per scrape, shared by every gauge's collect().
  let snapshot: StatsForMetrics | undefined;
  const stats = (): StatsForMetrics => (snapshot ??= readStats());

  const gauge = (name: string, help: string, collect: (g: Gauge<string>) => void, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect() { collect(this); } });

  gauge('switchyard_hub_clients', 'Connected WebSocket clients.', (g) => g.set(stats().clients));
  gauge('switchyard_hub_channels', 'Active channels.', (g) => g.set(stats().channels));
  gauge('switchyard_hub_queued_bytes', 'Bytes queued for all clients.', (g) => g.set(sum(stats().clientList, 'queuedBytes')));
  gauge('switchyard_hub_sent_messages', 'Messages sent to the connected clients.', (g) => g.set(sum(stats().clientList, 'sent')));
  gauge('switchyard_channel_subscribers', 'Subscribers per channel.', (g) => perChannel(g, 'subscribers'), ['channel']);
  gauge('switchyard_channel_seq', 'Latest sequence number per channel.', (g) => perChannel(g, 'seq'), ['channel']);
  gauge('switchyard_channel_retained', 'Retained messages per channel.', (g) => perChannel(g, 'retained'), ['channel']);
  gauge('switchyard_channel_rate', 'Messages per second per channel.', (g) => perChannel(g, 'ratePerSec'), ['channel']);
  gauge('switchyard_hub_events', 'Hub counters: deliberate drops, disconnects and refusals, by kind.', (g) => {
    g.reset();
    for (const [kind, value] of Object.entries(stats().counters ?? {})) if (typeof value === 'number') g.set({ kind }, value);
  }, ['kind']);

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
      try {
        return { contentType: registry.contentType, body: await registry.metrics() };
      } finally {
        snapshot = undefined;
      }
    },
  };
}

function sum<K extends string>(list: Array<Partial<Record<K, number>>> | undefined, field: K): number {
  let total = 0;
  for (const item of list ?? []) total += item[field] ?? 0;
  return total;
}
