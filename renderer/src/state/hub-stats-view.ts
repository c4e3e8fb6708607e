/**
 * What the dashboard reads of a statistics snapshot: the fields it shows, taken from the shared
 * schemas with `pick` (never typed a second time), other fields allowed. So the top bar and the
 * hub panel work with any hub whose snapshot holds these, whatever counters it adds or lacks.
 */
import { z } from 'zod';
import { ChannelStatsSchema, ClientStatsSchema, HubStatsSchema } from '../../../shared/protocol';

const ClientViewSchema = z.looseObject({
  ...ClientStatsSchema.pick({ id: true, userId: true, role: true, remote: true, connectedAt: true, subscriptions: true, sent: true, dropped: true, queuedBytes: true }).shape,
  subscriptionCount: z.optional(ClientStatsSchema.shape.subscriptionCount),
});
const ChannelViewSchema = z.looseObject(ChannelStatsSchema.pick({ name: true, subscribers: true, seq: true, retained: true, ratePerSec: true }).shape);

/** The snapshot as the dashboard reads it. */
export const HubStatsViewSchema = z.looseObject({
  ...HubStatsSchema.pick({ clients: true, channels: true }).shape,
  clientList: z.array(ClientViewSchema),
  channelList: z.array(ChannelViewSchema),
  // Several machines: the engine's health, this node and every node seen.
  ...HubStatsSchema.pick({ node: true, nodes: true }).shape,
  engine: z.optional(HubStatsSchema.shape.engine),
});
export type HubStatsView = z.infer<typeof HubStatsViewSchema>;

/** Read a snapshot; null when it lacks what the dashboard shows. */
export function readHubStats(data: unknown): HubStatsView | null {
  const parsed = HubStatsViewSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}
