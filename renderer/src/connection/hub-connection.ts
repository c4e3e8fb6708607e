/**
 * The few things the dashboard needs from a hub connection. The reconnecting client in
 * shared/client is adapted to it (client-adapter.ts), and tests drive a fake through it.
 */
import type { RequestArgs } from '../../../shared/client/client-types';
import type { HistoryAnswerData, Message, MethodName, ResultOf } from '../../../shared/protocol';

/** Where the connection stands, as the top bar shows it. */
export type ConnectionStatus =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected' }
  | {
      kind: 'reconnecting';
      attempt: number;
      delayMs: number;
      nextAttemptAt: number;
      /** Several attempts in a row closed before opening, as a refused session looks in a browser. */
      sessionSuspect?: boolean;
    }
  | {
      kind: 'session-ended';
      reason: string;
      /** The page never had a session (opened without a login link), as opposed to one that ended. */
      neverLoggedIn?: boolean;
    }
  | { kind: 'closed' };

/** A channel whose history could not be fully recovered after a (re)subscribe. */
export interface GapInfo {
  channel: string;
  /** True after a reconnect; false when the hub no longer held the start of the history at the first subscribe. */
  resumed: boolean;
  /** Why, in the client's words (`not_retained`, `epoch_changed`, `missing`). */
  reason?: string;
}

/** The hub's answer to a subscribe. */
export interface SubscribedInfo {
  channel: string;
  /** The channel's latest `seq` when the hub answered. */
  seq: number;
}

/** Where a subscription (or a history read) starts: after `since`, in `epoch`. */
export interface ChannelFrom {
  since: number;
  epoch?: string;
}

/** Options of a request and what follows a method's name (the reconnecting client's). */
export type { RequestArgs, RequestOptions } from '../../../shared/client/client-types';

/** A live, reconnecting connection to the hub. */
export interface HubConnection {
  /** Start connecting. */
  start(): void;
  /**
   * Receive every message of a channel, across reconnects; returns an unsubscribe function.
   * `from`: the messages up to `from.since` are had already (default: replay all retained).
   */
  subscribe(channel: string, listener: (message: Message) => void, from?: ChannelFrom): () => void;
  /**
   * Read a channel's retained history in one answer (`GET /api/history`), far faster for a
   * browser than the same replay over the WebSocket. Optional: absent where the page cannot
   * reach the hub over HTTP (the desktop window's page is not the hub's origin).
   */
  history?(channel: string, from: ChannelFrom): Promise<HistoryAnswerData>;
  /** Call a hub method of the method map, typed by it; rejects with the hub's error message. */
  request<M extends MethodName>(method: M, ...args: RequestArgs<M>): Promise<ResultOf<M>>;
  /** Follow the connection status; the listener gets the current one at once. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /**
   * Hear the hub's answer to each (re)subscribe: the channel's latest `seq`, up to which the
   * messages that follow are replayed history. Optional: without it, replays are not told apart.
   */
  onSubscribed?(listener: (info: SubscribedInfo) => void): () => void;
  /** Hear about channels whose history has a hole (`recovered: false`). */
  onGap(listener: (gap: GapInfo) => void): () => void;
  /** While waiting to reconnect: try now. */
  retryNow(): void;
  /** Close for good; safe to call twice. */
  close(): void;
}
