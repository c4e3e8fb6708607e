/**
 * A channel's retained history in one answer, for `GET /api/history`: what a subscribe with the
 * same `since` and `epoch` would replay, as one JSON document instead of a message per line.
 * A browser takes WebSocket text two to three times as long as the same bytes fetched over HTTP
 * (Chromium 156 here, 23.6 MB: 450–650 ms against 180–280 in one fetch), so the dashboard loads a
 * process's retained lines here and subscribes from the last `seq` it got (bench/README.md).
 */
import { channelNameError, HISTORY_MAX_MESSAGES, PROCESS_CHANNEL_PREFIX, type HistoryHead } from '../../shared/protocol';
import type { ChannelEngine, Publication } from './engine';
import { resumeFrom, type SubscribeFrom } from './subscription';
import { framesOf, outputPrefix, outputRowRoom, writeFrame, writeOutputRow } from './wire-frame';

/** Most payload bytes of one answer (past it, `more` is true and the caller reads on from the last `seq`). */
export const HISTORY_MAX_BYTES = 4 * 1024 * 1024;

/** A history read's parameters, as the query string gives them. */
export interface HistoryQuery {
  channel: string;
  since?: number;
  epoch?: string;
  limit?: number;
  /** `messages` (default): each the wire message; `rows`: process output as compact rows (`writeOutputRow`). */
  form?: 'messages' | 'rows';
}

/** The answer: its JSON body, ready to send. */
export interface HistoryAnswer {
  body: Buffer;
}

/** Why a query cannot be answered (a 400, with this text). */
export class HistoryQueryError extends Error {}

/** Read the query string of `/api/history`; throws {@link HistoryQueryError} with the reason. */
export function parseHistoryQuery(params: URLSearchParams): HistoryQuery {
  const channel = params.get('channel');
  if (channel === null) throw new HistoryQueryError('missing parameter "channel"');
  const problem = channelNameError(channel);
  if (problem) throw new HistoryQueryError(problem);
  const query: HistoryQuery = { channel };
  const since = params.get('since');
  if (since !== null) query.since = wholeNumber('since', since, Number.MAX_SAFE_INTEGER);
  const limit = params.get('limit');
  if (limit !== null) {
    query.limit = wholeNumber('limit', limit, HISTORY_MAX_MESSAGES);
    if (query.limit === 0) throw new HistoryQueryError('"limit" must be at least 1');
  }
  const form = params.get('form');
  if (form !== null) {
    if (form !== 'messages' && form !== 'rows') throw new HistoryQueryError('"form" must be "messages" or "rows"');
    query.form = form;
  }
  const epoch = params.get('epoch');
  if (epoch !== null) {
    if (epoch.length === 0 || epoch.length > 128) throw new HistoryQueryError('"epoch" must be 1 to 128 characters');
    query.epoch = epoch;
  }
  return query;
}

function wholeNumber(name: string, text: string, max: number): number {
  if (!/^\d{1,16}$/.test(text)) throw new HistoryQueryError(`"${name}" must be a whole number`);
  const value = Number(text);
  if (value > max) throw new HistoryQueryError(`"${name}" must be at most ${max}`);
  return value;
}

/**
 * The answer: a {@link HistoryHead} with `messages`, the wire messages after `since` (`seq`
 * included), oldest first; or with `rows` for `form=rows`.
 */
export async function readHistory(engine: ChannelEngine, query: HistoryQuery): Promise<HistoryAnswer> {
  const limit = query.limit ?? HISTORY_MAX_MESSAGES;
  const from: SubscribeFrom = { since: query.since ?? 0, epoch: query.epoch };
  const read = (since: number) => engine.history(query.channel, { since, limit, maxBytes: HISTORY_MAX_BYTES });
  let page = await read(from.since);
  const { cursor, recovered } = resumeFrom(from, page.position, page.firstSeq);
  // Another epoch, or a `since` history no longer reaches: the answer starts at the oldest retained.
  if (cursor !== from.since) page = await read(cursor);
  const { position, firstSeq, publications } = page;
  const last = publications.at(-1)?.seq;
  const head: HistoryHead = {
    channel: query.channel,
    epoch: position.epoch,
    seq: position.seq,
    firstSeq,
    recovered,
    more: last !== undefined && last < position.seq,
  };
  const body = query.form === 'rows' ? rowsDocument(JSON.stringify(head), query.channel, publications) : messagesDocument(JSON.stringify(head), publications);
  return { body };
}

/** `head` with a `messages` array of the publications' wire messages. */
function messagesDocument(head: string, publications: readonly Publication[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"messages":[`)];
  const frames = framesOf(publications);
  for (let i = 0; i < frames.length; i++) {
    if (i > 0) parts.push(COMMA);
    parts.push(frames[i] as Buffer);
  }
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

/**
 * `head` with a `rows` array: a process channel's output as rows, anything else (a status, a
 * line of an unusual shape) as its wire message. A browser takes the answer's bytes at some
 * 50 MB/s here, so a row's ~140 bytes against a message's ~245 are most of what it saves.
 */
function rowsDocument(head: string, channel: string, publications: readonly Publication[]): Buffer {
  const prefix = channel.startsWith(PROCESS_CHANNEL_PREFIX) ? outputPrefix(channel, channel.slice(PROCESS_CHANNEL_PREFIX.length)) : null;
  const start = Buffer.from(`${head.slice(0, -1)},"rows":[`);
  let room = start.length + 2;
  for (const pub of publications) room += outputRowRoom(pub) + 1;
  const out = Buffer.allocUnsafe(room);
  let at = start.copy(out, 0);
  for (let i = 0; i < publications.length; i++) {
    const pub = publications[i] as Publication;
    if (i > 0) out[at++] = 0x2c; // ,
    const end = prefix ? writeOutputRow(pub, prefix, out, at) : -1;
    at = end >= 0 ? end : writeFrame(pub, out, at);
  }
  at += out.write(']}', at, 'latin1');
  return out.subarray(0, at);
}

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');
