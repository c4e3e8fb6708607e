/** Whole wire shapes for renderer tests: a ProcessInfo or a HubStats with the given fields, the rest plain defaults. */
import type { ClientStats, HubCounters, HubStats } from '../../../shared/protocol';

export { processInfo } from '../../../shared/test-support/process-info';

const COUNTERS: HubCounters = {
  connections: 0, published: 0, publishFailures: 0, slowConsumers: 0, oversize: 0, rateLimited: 0, rateLimitClosed: 0, authFailures: 0, originRejected: 0,
  hostRejected: 0, capacityRejected: 0, unauthenticatedCut: 0, badMessages: 0, pongTimeouts: 0, writeTimeouts: 0, operatorDisconnects: 0, channelsEvicted: 0,
  retentionEvicted: 0, pressureReleased: 0, internalErrors: 0,
};

/** A client in a snapshot. */
export function clientStatsFixture(fields: Partial<ClientStats> & Pick<ClientStats, 'id'>): ClientStats {
  return { userId: 'launch', role: 'operator', remote: '127.0.0.1:5000', connectedAt: '2026-12-01T18:25:24.000Z', subscriptions: [], subscriptionCount: 0, sent: 0, dropped: 0, queuedBytes: 0, ...fields };
}

/** A statistics snapshot. */
export function hubStats(fields: Partial<HubStats> = {}): HubStats {
  const clientList = fields.clientList ?? [];
  const channelList = fields.channelList ?? [];
  return { clients: clientList.length, channels: channelList.length, queuedBytes: 0, clientList, channelList, counters: COUNTERS, engine: { kind: 'memory', up: true }, ...fields };
}
