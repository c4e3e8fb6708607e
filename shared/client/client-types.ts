/**
 * The public types of the reconnecting client: what a WebSocket must offer, the options with their
 * defaults, the connection state a UI renders, and the events. Kept apart from the class so that
 * callers (the dashboard's store, scripts) can depend on the shapes alone.
 */
import type { Message, MethodName, ParamsOf, ResultOf } from '../protocol';
import type { Timers as ClientTimers } from '../timers';

/** `readyState` values of the standard WebSocket API (the browser's and ws's agree). */
export const READY_STATE = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/**
 * The part of the standard WebSocket API the client uses, so that the browser's own WebSocket and
 * the `ws` package both fit. Nothing else is touched, except ws's `terminate()` when it exists (to
 * drop a dead TCP connection at once instead of waiting for a close handshake that never comes).
 */
export interface WebSocketLike {
  readonly readyState: number;
  /** The subprotocol the server chose ('' when none). */
  readonly protocol: string;
  // The handlers take `never` so that every WebSocket's own event types fit without a cast (the
  // browser's Event/MessageEvent/CloseEvent, ws's); the client reads only `data`, `code`, `reason`
  // and, from ws, an error's `message`.
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor: the browser's `WebSocket` or `ws`'s. The third argument is only passed
 * when there are headers to send (ws takes `{headers}` there; browsers cannot send headers).
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/** The client's timers (shared/timers.ts), injectable so that tests can count what is left behind. */
export type { Timers as ClientTimers } from '../timers';

/** Options of {@link ReconnectingClient}. Only `url` and `WebSocket` are required. */
export interface ReconnectingClientOptions {
  /** The hub's WebSocket URL, e.g. `ws://127.0.0.1:7420/ws`. */
  url: string;
  /** The WebSocket constructor to use: `globalThis.WebSocket` in a browser, `ws`'s in Node. */
  WebSocket: WebSocketConstructor;
  /**
   * Credential. A string or a function called at every attempt (so a refreshed token is picked up).
   * Default: none (the browser's session cookie, if any, is sent by the browser itself).
   */
  token?: string | (() => string | undefined);
  /**
   * How the token travels: `'subprotocol'` offers `bearer.<token>` beside `switchyard.v1` (works in
   * browsers and Node); `'header'` sends `Authorization: Bearer <token>` (Node's ws only).
   * Default `'subprotocol'`.
   */
  tokenVia?: 'subprotocol' | 'header';
  /** Extra handshake headers (Node's ws only; a browser cannot send headers). Default none. */
  headers?: Record<string, string>;
  /** Delay before the first retry, in ms. Default 1000. */
  initialDelayMs?: number;
  /** Largest delay between retries, in ms. Default 30000. */
  maxDelayMs?: number;
  /** Growth of the delay per retry. Default 2. */
  multiplier?: number;
  /**
   * Share of each delay taken off at random (0..1), so that many clients do not retry in step:
   * the delay lies in `[base * (1 - jitter), base]`, never above `maxDelayMs`. Default 0.2.
   */
  jitter?: number;
  /**
   * Retries in a row after which the client gives up (state `failed`, reason `max_retries`);
   * 0 retries forever. A retry is every attempt after the first one at `start()`, and every
   * attempt after a dropped connection. Default 0.
   */
  maxRetries?: number;
  /** An attempt that has not opened after this many ms is abandoned and counts as failed. Default 10000. */
  connectTimeoutMs?: number;
  /** An app-level `{"type":"ping"}` is sent this often while connected; 0 disables. Default 10000. */
  pingIntervalMs?: number;
  /**
   * A connection on which nothing at all arrives for this long is taken for dead (half-open TCP)
   * and replaced; 0 disables. Keep it above `pingIntervalMs` plus a round trip. Default 25000.
   */
  idleTimeoutMs?: number;
  /** `close()` waits this long for the close handshake before it drops the socket. Default 50. */
  closeGraceMs?: number;
  /** Default timeout of {@link ReconnectingClient.request}, in ms. Default 10000. */
  requestTimeoutMs?: number;
  /**
   * Attempts in a row that closed before opening with no reason the runtime would tell (what a
   * browser shows for a 401) after which the state says `sessionMaybeEnded`. Default 3.
   */
  sessionSuspectAfter?: number;
  /** Random numbers in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
  /** Wall clock in ms, for `retryAt` and idle detection. Default `Date.now`. */
  now?: () => number;
  /** Timers. Default the global `setTimeout`/`clearTimeout`. */
  timers?: ClientTimers;
  /** Seed-style callback: the first successful connection. */
  onConnect?: () => void;
  /** Seed-style callback: an open connection was lost (or closed by `close()`). */
  onDisconnect?: (info: DisconnectInfo) => void;
  /** Seed-style callback: connected again after a loss; `attempt` is how many attempts it took. */
  onReconnect?: (attempt: number) => void;
  /** Seed-style callback: every application message (see the `message` event). */
  onMessage?: (message: Message) => void;
}

/**
 * Where the client stands:
 * - `disconnected`: not started yet, or closed by `close()`;
 * - `connecting`: an attempt is under way (`attempt` says which);
 * - `connected`: open, subscriptions restored or being restored;
 * - `waiting`: between attempts; `delayMs` and `retryAt` say when attempt `attempt` starts;
 * - `failed`: gave up for good (`failure` says why); `start()` tries again from scratch.
 */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'waiting' | 'failed';

/** Why the client gave up (state `failed`). */
export type FailureReason = 'max_retries' | 'auth' | 'forbidden';

/** A snapshot of the connection for a UI ("reconnecting in 4 s, attempt 3"). Immutable; a new object on every change. */
export interface ConnectionInfo {
  readonly state: ConnectionState;
  /** The current attempt (`connecting`) or the next one (`waiting`), 1-based within this run of attempts; 0 when connected or idle. */
  readonly attempt: number;
  /** While `waiting`: the delay before the next attempt, in ms. Otherwise null. */
  readonly delayMs: number | null;
  /** While `waiting`: when the next attempt starts, in ms since the epoch (the `now` clock). Otherwise null. */
  readonly retryAt: number | null;
  /** While `connected`: since when, in ms since the epoch. Otherwise null. */
  readonly connectedAt: number | null;
  /** The subprotocol the hub chose while connected (`switchyard.v1`), else null. */
  readonly protocol: string | null;
  /** Why the last connection or attempt ended, fit for a user; null before any failure. */
  readonly lastError: string | null;
  /** While `failed`: why. Otherwise null. */
  readonly failure: FailureReason | null;
  /** Attempts in a row that closed before the connection opened. */
  readonly closedBeforeOpen: number;
  /**
   * A hint, not a verdict: several attempts in a row closed before opening and the runtime gave no
   * reason, which is how a browser sees a `401` (it hides the HTTP status) but also how it sees a
   * hub that is down. The client keeps retrying; a UI can probe `/healthz` and, if the hub is up,
   * say "session ended, get a new login link". Node's ws reports the status, so there a 401 is
   * the definite state `failed` / `auth` instead.
   */
  readonly sessionMaybeEnded: boolean;
}

/** What the `disconnect` event says about a lost connection. */
export interface DisconnectInfo {
  /** The WebSocket close code (1006 when the connection just vanished; 4000 when the client found it dead). */
  code: number;
  /** The close reason or the client's own explanation. */
  reason: string;
}

/** Why a channel's history has a hole that no retry can fill. */
export type GapReason =
  /** The hub no longer retains some messages after the last one seen (`recovered:false`, same epoch). */
  | 'not_retained'
  /** The channel's numbering restarted (a new hub, a reset history): everything is from a new life. */
  | 'epoch_changed'
  /** A live message skipped sequence numbers (should not happen with a correct hub; reported, not hidden). */
  | 'missing';

/**
 * A hole in a channel's stream, emitted in order: after every message before it and before every
 * message after it, so that a UI can draw a marker at the right line.
 */
export interface GapEvent {
  channel: string;
  reason: GapReason;
  /** The channel's epoch now. */
  epoch: string;
  /** The epoch before the change (`epoch_changed` only). */
  previousEpoch?: string;
  /** The last `seq` delivered before the gap (in `previousEpoch` for `epoch_changed`); 0 when none. */
  afterSeq: number;
  /** The hub's latest `seq` when it answered the subscribe (`not_retained`, `epoch_changed`). */
  latestSeq?: number;
  /** The first `seq` after the gap (`missing` only; for the others the replay that follows shows it). */
  nextSeq?: number;
  /** False on a channel's first subscribe (the hub's oldest retained line is later than asked), true after a reconnect. */
  resumed: boolean;
}

/** The hub's `subscribed` answer as the client reports it. */
export interface SubscribedEvent {
  channel: string;
  seq: number;
  epoch: string;
  recovered: boolean;
}

/** Counters of what the client did with incoming messages, so nothing is dropped silently. */
export interface ClientCounters {
  /** Messages decoded from frames. */
  received: number;
  /** Messages handed to listeners. */
  delivered: number;
  /** Channel messages dropped because their `seq` was already delivered in the same epoch (replay overlap). */
  duplicates: number;
  /** Messages that failed to decode (each also an `error` event). */
  badMessages: number;
  /** Connections opened. */
  connections: number;
}

/** The events of {@link ReconnectingClient} and their listener arguments. */
export interface ClientEventMap {
  /** The connection state changed; the argument is the new snapshot. */
  state: [info: ConnectionInfo];
  /** The first successful connection. */
  connect: [];
  /** Connected again after a loss, after `attempt` attempts. */
  reconnect: [attempt: number];
  /** An open connection was lost or closed. */
  disconnect: [info: DisconnectInfo];
  /**
   * Every application message, in order, each channel message exactly once. Not included: `pong`,
   * `subscribed` and the `response`s (and `error`s with an `id`) that settle a `request`.
   */
  message: [message: Message];
  /** A hole in a channel's stream (see {@link GapEvent}). */
  gap: [gap: GapEvent];
  /** The hub answered a subscribe. */
  subscribed: [info: SubscribedEvent];
  /** A runtime problem: a frame that does not decode, giving up, bad credentials. Never thrown. */
  error: [error: Error];
}

/** Name of an event of {@link ClientEventMap}. */
export type ClientEventName = keyof ClientEventMap;

/** A channel message handler given to `subscribe`. */
export type ChannelHandler = (message: Message) => void;

/** Options of `subscribe`. */
export interface SubscribeOptions {
  /** Start after this `seq`: 0 replays everything the hub retains. Default 0. */
  since?: number;
  /** The epoch `since` belongs to (e.g. one saved from `positions()`). Default: the channel's current one. */
  epoch?: string;
  /** Called with each gap of this channel, in order with its messages. */
  onGap?: (gap: GapEvent) => void;
}

/** Where a subscription stands, e.g. to save and resume later with `subscribe(channel, h, {since, epoch})`. */
export interface ChannelPosition {
  channel: string;
  /** The epoch of `lastSeq`; undefined until the hub first answered. */
  epoch: string | undefined;
  /** The last `seq` delivered; 0 when none. */
  lastSeq: number;
}

/** Options of `request`. */
export interface RequestOptions {
  /** Reject after this many ms without a response. Default the client's `requestTimeoutMs`. */
  timeoutMs?: number;
}

/**
 * What follows the method name in a typed request: the params of the method map
 * (shared/protocol/method-map.ts), optional where the method takes none, then the options.
 */
export type RequestArgs<M extends MethodName> = undefined extends ParamsOf<M> ? [params?: ParamsOf<M>, options?: RequestOptions] : [params: ParamsOf<M>, options?: RequestOptions];

/**
 * The arguments of a request in a generic wrapper of `request` (the method a type parameter `M`),
 * where TypeScript cannot resolve {@link RequestArgs} of an open `M`: the one place that says so.
 */
export function requestArgs<M extends MethodName>(params: ParamsOf<M> | undefined, options: RequestOptions = {}): RequestArgs<M> {
  return [params, options] as RequestArgs<M>;
}

/** A method name that is not in the map (a method a hub registered beside it); never for one that is. */
export type UnmappedMethod<S extends string> = S extends MethodName ? never : S;

/**
 * `request` typed by the method map: a method of the map takes its params and answers its result;
 * any other name (a method outside the map, a name only known at run time) takes anything and
 * answers `unknown`, so that a known method can never be called with the wrong shape.
 */
export interface TypedRequest {
  <M extends MethodName>(method: M, ...args: RequestArgs<M>): Promise<ResultOf<M>>;
  <S extends string>(method: UnmappedMethod<S>, params?: unknown, options?: RequestOptions): Promise<unknown>;
}

