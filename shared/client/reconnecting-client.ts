/**
 * The reconnecting WebSocket client of the Switchyard hub, for the React window, the dashboard in
 * any browser, Node scripts and tests. It runs wherever a WebSocket constructor exists: pass the
 * browser's `WebSocket` or `ws`'s.
 *
 * ```ts
 * const client = new ReconnectingClient({ url: 'ws://127.0.0.1:7420/ws', WebSocket, token });
 * client.on('state', (s) => render(s));          // {state:'waiting', attempt: 3, delayMs, retryAt}
 * client.on('gap', (g) => showMarker(g));         // history the hub could not replay
 * client.subscribe('process:web', (m) => append(m)); // every line exactly once, in order
 * client.start();
 * const list = await client.request('process.list');
 * await client.close();
 * ```
 *
 * What it adds to the seed's ReconnectingClient: batched frames, resubscription with `since` and
 * `epoch` after every reconnect (duplicates dropped, gaps reported), jittered and observable
 * backoff, a heartbeat that replaces half-open connections, `close()` that settles promptly in
 * every state, requests with timeouts, and credentials that work in browsers.
 */
import { encodeMessage, type Message, type MethodName, type ResultOf } from '../protocol';
import { ChannelTracker } from './channel-tracker';
import { checkChannel, checkMessage, checkPublishChannel, checkSubscribe } from './client-arguments';
import { ClientError } from './client-error';
import { ClientSocket, type ClientSocketEvents } from './client-socket';
import {
  READY_STATE,
  type ChannelHandler,
  type ChannelPosition,
  type ClientEventMap,
  type ClientCounters,
  type ClientTimers,
  type ConnectionInfo,
  type ConnectionState,
  type ReconnectingClientOptions,
  type RequestArgs,
  type RequestOptions,
  type SubscribeOptions,
  type UnmappedMethod,
  type WebSocketLike,
} from './client-types';
import { checkNonNegative, resolveOptions, type ResolvedOptions } from './client-options';
import { IDLE_INFO, nextInfo, offlineReason, waitForConnection } from './connection-info';
import { PendingRequests } from './pending-requests';
import { RetryPolicy, type RetryDecision } from './retry-policy';
import { closeGracefully, errorText } from './socket-helpers';
import { callSafely, TypedEmitter, type Listener } from './typed-emitter';

export * from './client-types';
export { ClientError, type ClientErrorCode } from './client-error';
export { CLIENT_DEFAULTS } from './client-options';
export { CLOSE_ABANDONED, SUBPROTOCOL } from './socket-helpers';
export { backoffDelay, baseDelay, DEFAULT_BACKOFF } from './backoff';

/** A WebSocket client that reconnects by itself and resumes its subscriptions without loss or duplicates. */
export class ReconnectingClient {
  private readonly opts: ResolvedOptions;
  private readonly timers: ClientTimers;
  private readonly now: () => number;
  private readonly events = new TypedEmitter<ClientEventMap>();
  private readonly tracker: ChannelTracker;
  private readonly requests: PendingRequests;
  private readonly counters: ClientCounters = { received: 0, delivered: 0, duplicates: 0, badMessages: 0, connections: 0 };

  private readonly socketEvents: ClientSocketEvents;

  private info: ConnectionInfo = IDLE_INFO;
  private current: ClientSocket | null = null;
  private retryTimer: unknown = undefined;
  private closePromise: Promise<void> | null = null;
  private readonly retry: RetryPolicy;
  private everConnected = false;

  /** Check the options (throws TypeError/RangeError on misuse); does not connect until {@link start}. */
  constructor(options: ReconnectingClientOptions) {
    this.opts = resolveOptions(options);
    this.timers = this.opts.timers;
    this.now = this.opts.now;
    this.retry = new RetryPolicy(this.opts);
    this.requests = new PendingRequests(this.timers);
    this.tracker = new ChannelTracker({
      deliver: (message, handlers) => this.deliver(message, handlers),
      gap: (gap, onGap) => {
        this.events.emit('gap', gap);
        for (const fn of onGap.slice()) callSafely(fn, [gap]);
      },
      duplicate: () => void this.counters.duplicates++,
    });
    this.socketEvents = {
      opened: (socket) => this.onOpen(socket),
      message: (message) => {
        this.counters.received++;
        this.dispatch(message);
      },
      bad: (why) => this.badMessage(why),
      ended: (code, reason, wasOpen, attemptError) => this.connectionEnded(code, reason, wasOpen, attemptError),
    };
  }

  /** The current connection snapshot (the same object until something changes, so it suits `useSyncExternalStore`). */
  getInfo(): ConnectionInfo {
    return this.info;
  }

  /** The state alone, of {@link getInfo}'s snapshot. */
  get state(): ConnectionState {
    return this.info.state;
  }

  /** A copy of the message counters. */
  getStats(): ClientCounters {
    return { ...this.counters };
  }

  /** Each subscription's last delivered `seq` and epoch (to save and later resume). */
  positions(): ChannelPosition[] {
    return this.tracker.positions();
  }

  /** Listen to an event (see {@link ClientEventMap}); returns a function that stops listening. */
  on<K extends keyof ClientEventMap>(event: K, listener: Listener<ClientEventMap, K>): () => void {
    return this.events.on(event, listener);
  }

  /** Stop listening. */
  off<K extends keyof ClientEventMap>(event: K, listener: Listener<ClientEventMap, K>): void {
    this.events.off(event, listener);
  }

  /** Start connecting (and retrying). Harmless while already running; after `failed` it starts afresh; throws after `close()`. */
  start(): void {
    if (this.closePromise) throw new Error('start() after close(): create a new ReconnectingClient');
    if (this.info.state !== 'disconnected' && this.info.state !== 'failed') return;
    this.retry.reset();
    this.connectAttempt();
  }

  /** While waiting to retry: try now (a UI's "retry now" button). After `failed`: start again. Otherwise nothing. */
  retryNow(): void {
    if (this.info.state === 'failed') return this.start();
    if (this.info.state !== 'waiting') return;
    this.cancelRetry();
    this.connectAttempt();
  }

  /** Resolves when connected (at once if it is); rejects when the client fails or is closed first. */
  whenConnected(): Promise<void> {
    return waitForConnection(this.info, () => this.closePromise !== null, (listener) => this.events.on('state', listener));
  }

  /**
   * Stop for good: cancel any attempt or pending retry, reject waiting requests (`closed`), close
   * the socket. Resolves once the socket is closed, or after `closeGraceMs` when the peer does not
   * answer (the socket is then dropped). Calling it again returns the same promise.
   */
  close(): Promise<void> {
    if (this.closePromise) return this.closePromise;
    const socket = this.current?.socket;
    const wasOpen = this.connected;
    this.closePromise = Promise.resolve();
    this.cancelRetry();
    this.requests.rejectAll('closed', 'the client was closed');
    this.releaseSocket();
    // The real promise exists before any listener runs, so a re-entrant close() returns it too.
    const closing = socket ? closeGracefully(socket, this.timers, this.opts.closeGraceMs) : this.closePromise;
    this.closePromise = closing;
    this.setInfo('disconnected');
    if (wasOpen) this.emitDisconnect({ code: 1000, reason: 'closed by the client' });
    return closing;
  }

  /** Send one message as is. Throws a {@link ClientError} `not_connected` when there is no open connection. */
  send(message: Message): void {
    checkMessage(message);
    const socket = this.openSocket(message.type);
    socket.send(encodeMessage(message));
  }

  /** Publish `data` to a channel (operators; not `process:*`, `processes`, `hub:*`). Throws `not_connected` when offline. */
  publish(channel: string, data: unknown): void {
    checkPublishChannel(channel);
    this.send({ type: 'publish', channel, data });
  }

  /**
   * Subscribe to a channel and keep the subscription across reconnects. `handler` receives the
   * channel's messages, each exactly once and in order. Subscribing again to the same channel adds
   * the handler (its `options` are then ignored). Works offline: it is sent once connected.
   * Returns a function that removes this handler (the subscription stays; see {@link unsubscribe}).
   */
  subscribe(channel: string, handler?: ChannelHandler, options: SubscribeOptions = {}): () => void {
    checkSubscribe(channel, handler, options);
    if (this.closePromise) throw new Error('subscribe() after close()');
    if (this.tracker.add(channel, handler, options) && this.connected) this.sendInternal(this.tracker.subscribeMessage(channel));
    return () => {
      if (handler) this.tracker.removeHandler(channel, handler);
    };
  }

  /** End a subscription (all its handlers); true when there was one. */
  unsubscribe(channel: string): boolean {
    checkChannel(channel);
    if (!this.tracker.remove(channel)) return false;
    if (this.connected) this.sendInternal({ type: 'unsubscribe', channel });
    return true;
  }

  /** The subscribed channels. */
  subscriptions(): string[] {
    return this.tracker.channels();
  }

  /**
   * Call a hub method. Resolves with the response's `data`; rejects with a {@link ClientError}
   * whose `code` is the hub's error code, or `timeout`, `disconnected`, `closed`, `not_connected`.
   * Typed by the method map (params and result of each method); a name outside the map answers
   * `unknown` (the answer is not checked at run time: a caller that must trust it parses it with
   * the map's result schema).
   */
  request<M extends MethodName>(method: M, ...args: RequestArgs<M>): Promise<ResultOf<M>>;
  request<S extends string>(method: UnmappedMethod<S>, params?: unknown, options?: RequestOptions): Promise<unknown>;
  request(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (typeof method !== 'string' || method.length === 0) throw new TypeError('method must be a non-empty string');
    const timeoutMs = options.timeoutMs ?? this.opts.requestTimeoutMs;
    checkNonNegative('timeoutMs', timeoutMs);
    const current = this.current;
    if (!current?.open) {
      return Promise.reject(new ClientError(this.closePromise ? 'closed' : 'not_connected', this.offlineReason(), method));
    }
    const { id, promise } = this.requests.create(method, timeoutMs);
    const message: Message = { type: 'request', id, data: params === undefined ? { method } : { method, params } };
    try {
      current.socket.send(encodeMessage(message));
    } catch (err) {
      this.requests.fail(id, new ClientError('disconnected', `sending failed: ${errorText(err)}`, method));
    }
    return promise;
  }

  // ---- connection lifecycle -------------------------------------------------------------------

  private connectAttempt(): void {
    this.retryTimer = undefined;
    this.setInfo('connecting', { attempt: this.retry.begin() });
    const socket = ClientSocket.open(this.opts, this.socketEvents);
    // E.g. a token with characters a subprotocol cannot carry: reported like any failed attempt.
    if (typeof socket === 'string') return this.connectionEnded(1006, '', false, socket);
    this.current = socket;
  }

  private onOpen(socket: ClientSocket): void {
    if (socket !== this.current) return;
    this.counters.connections++;
    const attempts = this.retry.opened();
    // Resubscribe before anyone hears about the connection, so a listener's own subscribe is not sent twice.
    for (const channel of this.tracker.channels()) this.sendInternal(this.tracker.subscribeMessage(channel));
    this.setInfo('connected', { connectedAt: this.now(), protocol: socket.socket.protocol || null });
    if (this.current !== socket) return; // a state listener closed the client
    if (this.everConnected) {
      this.events.emit('reconnect', attempts);
      if (this.opts.onReconnect) callSafely(this.opts.onReconnect, [attempts]);
    } else {
      this.everConnected = true;
      this.events.emit('connect');
      if (this.opts.onConnect) callSafely(this.opts.onConnect, []);
    }
  }

  /** The current socket closed (or was abandoned): report, then retry or give up. */
  private connectionEnded(code: number, reason: string, wasOpen: boolean, attemptError: string | undefined): void {
    if (wasOpen) this.requests.rejectAll('disconnected', `the connection was lost (code ${code}${reason ? `: ${reason}` : ''})`);
    this.releaseSocket();
    let decision: RetryDecision;
    if (wasOpen) {
      decision = this.retry.lost(code, reason);
      this.emitDisconnect({ code, reason });
      if (this.closePromise) return; // a listener closed the client
    } else {
      decision = this.retry.failed(attemptError, code, reason);
    }
    if (decision.kind === 'give_up') {
      this.setInfo('failed', { failure: decision.failure });
      this.events.emit('error', new ClientError(decision.failure, decision.message));
      return;
    }
    const { attempt, delayMs } = decision;
    this.setInfo('waiting', { attempt, delayMs, retryAt: this.now() + delayMs });
    this.retryTimer = this.timers.setTimeout(() => this.connectAttempt(), delayMs);
  }

  /** Forget the current socket and everything tied to it (timers, held messages, requests). */
  private releaseSocket(): void {
    const socket = this.current;
    this.current = null;
    socket?.release();
    this.tracker.connectionLost();
    this.requests.rejectAll('disconnected', 'the connection was lost');
  }

  // ---- incoming ---------------------------------------------------------------------------------

  private dispatch(message: Message): void {
    switch (message.type) {
      case 'pong':
        return;
      case 'ping':
        return this.sendInternal({ type: 'pong' });
      case 'subscribed':
        this.events.emit('subscribed', { channel: message.channel, ...message.data });
        this.tracker.onSubscribed(message.channel, message.data);
        return;
      case 'response':
        if (this.requests.settle(message.id, (message as { data?: unknown }).data, message.error)) return;
        break;
      case 'error':
        if (message.id !== undefined && this.requests.refuse(message.id, message.data)) return;
        break;
    }
    if (message.channel !== undefined && this.tracker.onMessage(message.channel, message)) return;
    this.deliver(message, []);
  }

  private deliver(message: Message, handlers: readonly ChannelHandler[]): void {
    this.counters.delivered++;
    // Per message, so nothing is allocated for what nobody listens to (a replay is 100,000 of them).
    if (this.events.hasListeners('message')) this.events.emit('message', message);
    if (this.opts.onMessage) callSafely(this.opts.onMessage, [message]);
    if (handlers.length === 1) callSafely(handlers[0] as ChannelHandler, [message]);
    else if (handlers.length > 1) for (const handler of handlers.slice()) callSafely(handler, [message]);
  }

  private badMessage(why: string): void {
    this.counters.badMessages++;
    this.events.emit('error', new ClientError('bad_message', `the hub sent a message the client cannot read: ${why}`));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private get connected(): boolean {
    return this.current?.open ?? false;
  }

  private sendInternal(message: Message): void {
    this.current?.send(message);
  }

  private openSocket(what: string): WebSocketLike {
    const current = this.current;
    if (!current?.open || current.socket.readyState !== READY_STATE.OPEN) {
      throw new ClientError(this.closePromise ? 'closed' : 'not_connected', `cannot send ${what}: ${this.offlineReason()}`);
    }
    return current.socket;
  }

  private offlineReason(): string {
    return offlineReason(this.info, this.closePromise !== null, this.retry.lastError);
  }

  private emitDisconnect(info: { code: number; reason: string }): void {
    this.events.emit('disconnect', info);
    if (this.opts.onDisconnect) callSafely(this.opts.onDisconnect, [info]);
  }

  private setInfo(state: ConnectionState, extra: Partial<ConnectionInfo> = {}): void {
    this.info = nextInfo(state, this.retry, extra);
    this.events.emit('state', this.info);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
