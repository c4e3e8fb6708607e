/** A tolerant reader for hub statistics snapshots (CONTRACT "Statistics"). */
import { parseTime } from './process-info';

/** One client of the hub, as the hub panel lists it. */
export interface HubClient {
  id: string;
  userId: string;
  role: string;
  remote: string;
  /** ms since the epoch, when known. */
  connectedAt?: number;
  subscriptions: string[];
  sent: number;
  dropped: number;
  queuedBytes: number;
  /** Whether the hub marked this client as the one asking. */
  self: boolean;
}

/** One channel of the hub. */
export interface HubChannel {
  name: string;
  subscribers: number;
  seq: number;
  epoch: string;
  retained: number;
  ratePerSec: number;
}

/** A statistics snapshot. */
export interface HubStats {
  clients: HubClient[];
  channels: HubChannel[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Read a snapshot; null when it holds neither clients nor channels. */
export function parseHubStats(v: unknown): HubStats | null {
  if (!isObj(v)) return null;
  const clientList = Array.isArray(v.clientList) ? v.clientList : null;
  const channelList = Array.isArray(v.channelList) ? v.channelList : null;
  if (!clientList && !channelList) return null;
  const clients: HubClient[] = (clientList ?? []).filter(isObj).map((c) => {
    const client: HubClient = {
      id: s(c.id),
      userId: s(c.userId),
      role: s(c.role),
      remote: s(c.remote),
      subscriptions: Array.isArray(c.subscriptions) ? c.subscriptions.map(s) : [],
      sent: n(c.sent),
      dropped: n(c.dropped),
      queuedBytes: n(c.queuedBytes),
      // Marked by the controller, which knows its own id from hub.whoami.
      self: false,
    };
    const at = parseTime(c.connectedAt);
    if (at !== undefined) client.connectedAt = at;
    return client;
  });
  const channels: HubChannel[] = (channelList ?? []).filter(isObj).map((c) => ({
    name: s(c.name),
    subscribers: n(c.subscribers),
    seq: n(c.seq),
    epoch: s(c.epoch),
    retained: n(c.retained),
    ratePerSec: n(c.ratePerSec),
  }));
  return { clients, channels };
}
