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

/**
 * A process's output line as `form=rows` carries it: `[seq, "timestamp", "stream", data(, "level")]`.
 * The dashboard keeps rows as they were parsed: a message object for each of 100,000 lines was a
 * good part of the time to show them, and as much garbage.
 */
export type OutputRow = readonly [seq: number, timestamp: string, stream: 'stdout' | 'stderr', data: string, level?: Level];

/** One retained message of an answer: a checked message, or (`form=rows`) a checked output row. */
export type HistoryEntry = Message | OutputRow;

/** A checked answer. */
export interface HistoryAnswerData extends HistoryHead {
  /** The retained messages after `since`, oldest first: each as the WebSocket carries it, or as an output row. */
  entries: HistoryEntry[];
  /** Messages or rows that failed the check (dropped). */
  bad: number;
}

/**
 * Check a parsed answer (`messages`, or `rows` for `form=rows`); throws on a head that is not
 * one, drops (and counts) a message or row that is not valid. Rows stay rows ({@link OutputRow}):
 * {@link entryMessage} makes the message one stands for.
 */
export function readHistoryAnswer(value: unknown): HistoryAnswerData {
  const { messages, rows, ...head } = (typeof value === 'object' && value !== null ? value : {}) as { messages?: unknown; rows?: unknown };
  const checked = HistoryHeadSchema.parse(head);
  const items = rows ?? messages;
  if (!Array.isArray(items)) throw new TypeError('history answer without a messages or rows array');
  // Rows are a process channel's output: on any other channel an array is not a message.
  const rowsAllowed = rows !== undefined && checked.channel.startsWith(PROCESS_CHANNEL_PREFIX);
  const out: HistoryEntry[] = [];
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (Array.isArray(item)) {
      if (rowsAllowed && isOutputRow(item)) out.push(item);
      continue;
    }
    const result = validateMessage(item, i);
    if (result.ok) out.push(result.message);
  }
  return { ...checked, entries: out, bad: items.length - out.length };
}

/** Whether a parsed array is an {@link OutputRow}. */
export function isOutputRow(row: readonly unknown[]): row is OutputRow {
  const [seq, timestamp, stream, data, level] = row;
  if (row.length < 4 || row.length > 5 || !Number.isSafeInteger(seq) || typeof timestamp !== 'string' || typeof data !== 'string') return false;
  if (stream !== 'stdout' && stream !== 'stderr') return false;
  return level === undefined || isLevel(level);
}

/** An entry's `seq`. */
export function entrySeq(entry: HistoryEntry): number | undefined {
  return Array.isArray(entry) ? entry[0] : (entry as Message).seq;
}

/** The message an entry stands for (a row: the `process_output` message of the answer's channel). */
export function entryMessage(entry: HistoryEntry, channel: string): Message {
  if (!Array.isArray(entry)) return entry as Message;
  const [seq, timestamp, stream, data, level] = entry as OutputRow;
  const message = { type: 'process_output', channel, processId: channel.slice(PROCESS_CHANNEL_PREFIX.length), data, stream, timestamp, seq } as Message & { level?: Level };
  if (level !== undefined) message.level = level;
  return message;
}
