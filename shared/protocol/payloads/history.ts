/**
 * `GET /api/history` (README, "What Switchyard adds to the contract"): a channel's retained messages in one
 * answer, what a subscribe with the same `since` and `epoch` would replay; with `form=rows`, a
 * process channel's output lines as compact rows `[seq,"timestamp","stream",data(,"level")]`
 * (its process is the channel's). Read with {@link readHistoryAnswer}, which checks each message
 * as the WebSocket decoder does.
 */
import { z } from 'zod';
import { PROCESS_CHANNEL_PREFIX } from '../channels';
import { validateMessage } from '../codec';
import type { Message } from '../messages';
import { isLevel, type Level } from './logs';

/** Most messages of one answer (and the default `limit`). */
export const HISTORY_MAX_MESSAGES = 10_000;

/** Everything of the answer but its messages. */
export const HistoryHeadSchema = z.strictObject({
  channel: z.string(),
  /** The channel's epoch: subscribe (or read on) with it and the last `seq`. */
  epoch: z.string(),
  /** The channel's latest `seq` when it was read. */
  seq: z.number().int().nonnegative(),
  /** The oldest `seq` retained (`seq + 1` when none is). */
  firstSeq: z.number().int().nonnegative(),
  /** False when messages after `since` are no longer retained, or `epoch` was not the channel's: the answer then starts at the oldest. */
  recovered: z.boolean(),
  /** The limit cut the answer short: read on from its last `seq`. */
  more: z.boolean(),
});
export type HistoryHead = z.infer<typeof HistoryHeadSchema>;

/** A checked answer. */
export interface HistoryAnswerData extends HistoryHead {
  /** The retained messages after `since`, oldest first, each as the WebSocket carries it. */
  messages: Message[];
  /** Messages that failed the check (dropped). */
  bad: number;
}

/**
 * Check a parsed answer (`messages`, or `rows` for `form=rows`); throws on a head that is not
 * one, drops (and counts) a message or row that is not valid. Rows come back as the messages
 * they stand for, so a caller sees one shape whichever form it asked for.
 */
export function readHistoryAnswer(value: unknown): HistoryAnswerData {
  const { messages, rows, ...head } = (typeof value === 'object' && value !== null ? value : {}) as { messages?: unknown; rows?: unknown };
  const checked = HistoryHeadSchema.parse(head);
  const items = rows ?? messages;
  if (!Array.isArray(items)) throw new TypeError('history answer without a messages or rows array');
  const processId = checked.channel.startsWith(PROCESS_CHANNEL_PREFIX) ? checked.channel.slice(PROCESS_CHANNEL_PREFIX.length) : null;
  const out: Message[] = [];
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (Array.isArray(item)) {
      const message = rows !== undefined && processId !== null ? rowMessage(item, checked.channel, processId) : null;
      if (message) out.push(message);
      continue;
    }
    const result = validateMessage(item, i);
    if (result.ok) out.push(result.message);
  }
  return { ...checked, messages: out, bad: items.length - out.length };
}

/** A row `[seq,"timestamp","stream",data(,"level")]` as its process_output message; null when it is not one. */
function rowMessage(row: unknown[], channel: string, processId: string): Message | null {
  const [seq, timestamp, stream, data, level] = row;
  if (row.length < 4 || row.length > 5 || !Number.isSafeInteger(seq) || typeof timestamp !== 'string' || typeof data !== 'string') return null;
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  if (level !== undefined && !isLevel(level)) return null;
  const message = { type: 'process_output', channel, processId, data, stream, timestamp, seq: seq as number } as Message & { level?: Level };
  if (level !== undefined) message.level = level as Level;
  return message;
}

