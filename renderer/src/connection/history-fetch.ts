/**
 * `GET /api/history` from the page, with the page's token in the Authorization header (never in
 * the URL). Used by browsers, whose page is the hub's own origin.
 */
import { readHistoryAnswer, type HistoryAnswerData } from '../../../shared/protocol';
import type { ChannelFrom } from './hub-connection';

/** A reader of `origin`'s history answers, or undefined when there is no token to read with. */
export function historyFetcher(fetchImpl: typeof fetch, origin: string, token: string | undefined): ((channel: string, from: ChannelFrom) => Promise<HistoryAnswerData>) | undefined {
  if (token === undefined) return undefined;
  return async (channel, from) => {
    const url = new URL('/api/history', origin);
    url.searchParams.set('channel', channel);
    url.searchParams.set('form', 'rows');
    if (from.since > 0) url.searchParams.set('since', String(from.since));
    if (from.epoch !== undefined) url.searchParams.set('epoch', from.epoch);
    const res = await fetchImpl(url.toString(), { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit' });
    if (!res.ok) throw new Error(`history of ${channel}: HTTP ${res.status}`);
    const answer = readHistoryAnswer(await res.json());
    // Rows take their channel from the answer: one about another channel is not this one's history.
    if (answer.channel !== channel) throw new Error(`history of ${channel}: the answer is about ${answer.channel}`);
    return answer;
  };
}
