/** Adapts shared/client's ReconnectingClient to the dashboard's {@link HubConnection}. */
import type { HistoryAnswerData, Message, MethodName, ResultOf } from '../../../shared/protocol';
import type { ConnectionInfo, GapEvent, ReconnectingClient } from '../../../shared/client/reconnecting-client';
import type { ChannelFrom, ConnectionStatus, GapInfo, HubConnection, RequestArgs, SubscribedInfo } from './hub-connection';

/** How a client's connection snapshot reads as a dashboard status. */
export function statusFromInfo(info: ConnectionInfo): ConnectionStatus {
  switch (info.state) {
    case 'connected':
      return { kind: 'connected' };
    case 'connecting':
      return { kind: 'connecting', attempt: Math.max(1, info.attempt) };
    case 'waiting':
      return {
        kind: 'reconnecting',
        attempt: info.attempt,
        delayMs: info.delayMs ?? 0,
        nextAttemptAt: info.retryAt ?? Date.now() + (info.delayMs ?? 0),
        sessionSuspect: info.sessionMaybeEnded,
      };
    case 'failed':
      if (info.failure === 'auth' || info.failure === 'forbidden') return { kind: 'session-ended', reason: info.lastError ?? 'credentials refused' };
      return { kind: 'closed' };
    case 'disconnected':
      return { kind: 'closed' };
  }
}

/** A {@link HubConnection} over a ReconnectingClient. */
export class ReconnectingHubConnection implements HubConnection {
  private readonly client: ReconnectingClient;
  /** Our handler count per channel, so the hub subscription ends with the last one. */
  private readonly handlers = new Map<string, number>();
  private readonly gapListeners = new Set<(gap: GapInfo) => void>();

  /** `history`: reads `GET /api/history` (history-fetch.ts); absent, the replays come over the WebSocket. */
  readonly history?: (channel: string, from: ChannelFrom) => Promise<HistoryAnswerData>;

  constructor(client: ReconnectingClient, history?: (channel: string, from: ChannelFrom) => Promise<HistoryAnswerData>) {
    this.client = client;
    this.history = history;
    client.on('gap', (gap: GapEvent) => {
      const info: GapInfo = { channel: gap.channel, resumed: gap.resumed, reason: gap.reason };
      for (const l of this.gapListeners) l(info);
    });
  }

  start(): void {
    this.client.start();
  }

  subscribe(channel: string, listener: (message: Message) => void, from?: ChannelFrom): () => void {
    const handler = (m: Message) => listener(m);
    const off = this.client.subscribe(channel, handler, from ? { since: from.since, epoch: from.epoch } : {});
    this.handlers.set(channel, (this.handlers.get(channel) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      const left = (this.handlers.get(channel) ?? 1) - 1;
      if (left > 0) {
        this.handlers.set(channel, left);
      } else {
        this.handlers.delete(channel);
        this.client.unsubscribe(channel);
      }
    };
  }

  request<M extends MethodName>(method: M, ...args: RequestArgs<M>): Promise<ResultOf<M>> {
    return this.client.request(method, ...args);
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    listener(statusFromInfo(this.client.getInfo()));
    return this.client.on('state', (info) => listener(statusFromInfo(info)));
  }

  onSubscribed(listener: (info: SubscribedInfo) => void): () => void {
    return this.client.on('subscribed', (s) => listener({ channel: s.channel, seq: s.seq }));
  }

  onGap(listener: (gap: GapInfo) => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  retryNow(): void {
    this.client.retryNow();
  }

  close(): void {
    void this.client.close();
  }
}
