/**
 * `GET /api/history` (CONTRACT.md, "HTTP on the hub port"): a channel's retained messages in one
 * answer, what a subscribe with the same `since` and `epoch` would replay. Read with
 * {@link readHistoryAnswer}, which checks each message as the WebSocket decoder does.
 */
import { z } from 'zod';
import { validateMessage } from '../codec';
import type { Message } from '../messages';

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

/** Check a parsed answer; throws on a head that is not one, drops (and counts) a message that is not valid. */
export function readHistoryAnswer(value: unknown): HistoryAnswerData {
  const { messages, ...head } = (typeof value === 'object' && value !== null ? value : {}) as { messages?: unknown };
  const checked = HistoryHeadSchema.parse(head);
  if (!Array.isArray(messages)) throw new TypeError('history answer without a messages array');
  const out: Message[] = [];
  for (let i = 0; i < messages.length; i++) {
    const result = validateMessage(messages[i], i);
    if (result.ok) out.push(result.message);
  }
  return { ...checked, messages: out, bad: messages.length - out.length };
}
