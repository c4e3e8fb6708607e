/**
 * The WebSocket hub: pub/sub over named channels, the seed's `Hub` (go-ws) on `ws`, runnable in
 * plain Node and in Electron's main process. Nothing starts on construction except state; timers
 * start with the first client and are unref'd.
 *
 * Publishing: a message is encoded once (wire-frame.ts), numbered by the channel engine
 * (engine.ts; in memory by default), handed back by the engine to the node's channel streams
 * (channel-streams.ts) and queued to each subscription (subscription.ts) of each connection
 * (client-connection.ts). Connections are admitted by the gate (connection-gate.ts); close codes
 * are in hub-options.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  HUB_STATS_CHANNEL,
  LATEST_VALUE_CHANNELS,
  PROCESS_CHANNEL_PREFIX,
  isReservedChannel,
  isValidProcessRef,
  type HubCounters,
  type HubStats,
  type Message,
  type MethodName,
  type OutputStream,
  type ProcessStatusData,
} from '../../shared/protocol';
import { HubAuth } from './auth';
import { ChannelStreams } from './channel-streams';
import type { ClientConnection, ConnectionOwner } from './client-connection';
import { timestamp } from './clock';
import { Congestion } from './congestion';
import { ConnectionGate } from './connection-gate';
import type { ChannelEngine, StreamPosition } from './engine';
import type { HubApi, Publishable, PublishFailure } from './hub-api';
import { CloseCode, resolveLimits, type HubOptions, type ResolvedLimits } from './hub-options';
import { registerHubMethods } from './hub-methods';
import { InboundRouter } from './inbound';
import { DEFAULT_RETENTION, MemoryEngine } from './memory-engine';
import { MethodRegistry, type MethodHandler, type MethodOptions, type TypedHandler } from './methods';
import { newCounters, RateMeter, snapshot } from './stats';
import { Subscription, type SubscribeFrom } from './subscription';
import { HubPublisher } from './publisher';
import type { OutputLine } from './wire-frame';

export { CloseCode, type HubOptions } from './hub-options';
export { PROTOCOL_V1 } from './connection-gate';

/** The hub. See the file comment. */
export class Hub implements HubApi {
  /** Tokens, login tickets and sessions (for the HTTP front's `/login` and `/api/stats`). */
  readonly auth: HubAuth;
  /** The channel engine (in memory by default). */
  readonly engine: ChannelEngine;
  private readonly limits: ResolvedLimits;
  private readonly streams: ChannelStreams;
  private readonly gate: ConnectionGate;
  private readonly methods: MethodRegistry;
  private readonly counters: HubCounters = newCounters();
  private readonly rates = new RateMeter();
  private readonly congestion: Congestion;
  private readonly inbound: InboundRouter;
  private readonly publisher: HubPublisher;
  private readonly watchers = new Map<string, Set<(watched: boolean) => void>>();
  private processExists: ((id: string) => boolean) | undefined;
  private totalQueued = 0;
  private statsTimer: NodeJS.Timeout | undefined;
  private started: Promise<void>;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: HubOptions = {}) {
    this.limits = resolveLimits(options);
    this.auth = new HubAuth({ tokens: options.tokens, sessionTtlMs: options.sessionTtlMs });
    this.engine = options.engine ?? new MemoryEngine({ maxChannels: options.maxChannels, maxTotalBytes: options.maxRetainedBytes });
    this.streams = new ChannelStreams({
      engine: this.engine,
      pinned: isHubChannel,
      positionCheckMs: this.engine.positionCheckMs,
      onEngineError: (err) => this.engineError(err),
      onWatched: (channel, watched) => this.watchers.get(channel)?.forEach((l) => l(watched)),
    });
    this.publisher = new HubPublisher({ engine: this.engine, streams: this.streams, counters: this.counters, retention: { ...DEFAULT_RETENTION, ...options.retention } });
    this.started = this.engine.start({ publications: this.streams.intake });
    this.started.catch((err: unknown) => this.engineError(err));
    this.congestion = new Congestion({ stallMs: this.limits.holdStallMs, penaltyMs: this.limits.holdPenaltyMs });
    // Other nodes' producers are not held by this node's clients: their publications wait in the engine instead.
    this.congestion.onChange((held) => {
      this.streams.holdIntake(held);
      this.engine.holdIntake?.(held);
    });
    this.methods = new MethodRegistry({ onInternalError: options.onMethodError, onCall: options.onMethodCall });
    const owner: ConnectionOwner = {
      queued: (delta) => this.queued(delta),
      slowConsumer: (client) => this.drop(client, CloseCode.slowConsumer, 'slow consumer', 'slowConsumers'),
      writeTimeout: (client) => this.kill(client, 'writeTimeouts'),
      pressure: (client, on) => (on ? this.congestion.hold(client) : this.congestion.release(client)),
    };
    this.gate = new ConnectionGate({
      options,
      limits: this.limits,
      auth: this.auth,
      counters: this.counters,
      owner,
      receive: (client, data, isBinary) => this.inbound.receive(client, data, isBinary),
      gone: (client) => this.unregister(client),
      kill: (client, counter) => this.kill(client, counter),
      drop: (client, code, reason, counter) => this.drop(client, code, reason, counter),
    });
    this.inbound = new InboundRouter({
      counters: this.counters,
      methods: this.methods,
      limits: this.limits,
      subscribe: (client, channel, from) => this.subscribeClient(client, channel, from),
      unsubscribe: (client, channel) => this.unsubscribeClient(client, channel),
      publishFromClient: (channel, message) => this.publishMessage(channel, message),
      drop: (client, code, reason, counter) => this.drop(client, code, reason, counter),
    });
    registerHubMethods(this, this.methods, {
      loginUrlBase: options.loginUrlBase ?? (() => `http://127.0.0.1:${this.gate.lastPort ?? 0}/login?ticket=`),
    });
  }

  /**
   * Take an HTTP upgrade (from the HTTP front's `upgrade` event): Host and Origin checks (403),
   * credentials (401), capacity (503), then the WebSocket handshake.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.gate.handleUpgrade(req, socket, head);
  }

  /** Resolves once the engine is connected. */
  ready(): Promise<void> {
    return this.started;
  }

  /** Close every client with 1001 and release everything; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- publishing (HubApi and the seed's helpers) ----

  /** Publish to a channel: numbered, retained, delivered to its subscribers. */
  publish(channel: string, message: Publishable): Promise<StreamPosition> {
    return this.publishMessage(channel, { ...message, channel, timestamp: timestamp() } as Message);
  }

  /** The seed's SendToChannel: same as {@link publish}. */
  sendToChannel(channel: string, message: Publishable): Promise<StreamPosition> {
    return this.publish(channel, message);
  }

  /** The seed's SendProcessOutput: one line into `process:<id>`. */
  sendProcessOutput(processId: string, line: string, stream: OutputStream = 'stdout'): Promise<StreamPosition> {
    return this.publisher.line(processId, line, stream);
  }

  /** The seed's SendProcessStatus: a status change into `process:<id>`. */
  sendProcessStatus(processId: string, data: ProcessStatusData): Promise<StreamPosition> {
    return this.publisher.status(processId, data);
  }

  publishEvent(channel: string, data: unknown): void {
    this.publish(channel, { type: 'event', data }).catch(() => {}); // counted and reported by publishPayloads
  }

  publishOutput(processId: string, lines: readonly OutputLine[]): void {
    if (lines.length === 0) return;
    this.publisher.output(processId, lines).catch(() => {}); // counted and reported by the publisher
  }

  publishTerminal(processId: string, data: string, time: string): Promise<StreamPosition> {
    const published = this.publisher.terminal(processId, data, time);
    published.catch(() => {}); // counted and reported by the publisher; the caller may ignore it
    return published;
  }

  publishStatus(processId: string, data: ProcessStatusData): void {
    this.sendProcessStatus(processId, data).catch(() => {});
  }

  onPublishFailure(listener: (failure: PublishFailure) => void): void {
    this.publisher.onFailure(listener);
  }

  onWatchers(channel: string, listener: (watched: boolean) => void): void {
    let set = this.watchers.get(channel);
    if (!set) this.watchers.set(channel, (set = new Set()));
    set.add(listener);
    if (this.streams.get(channel)) listener(true);
  }

  setProcessLookup(exists: (id: string) => boolean): void {
    this.processExists = exists;
  }

  /** Send to every connected client, subscribed or not (not numbered, not retained); returns the number of clients. */
  broadcast(message: Publishable): number {
    return this.gate.broadcast(Buffer.from(JSON.stringify({ ...message, timestamp: timestamp() })));
  }

  /** The seed's SendError: an `error` to every client. */
  sendError(message: string): number {
    return this.broadcast({ type: 'error', data: message });
  }

  /** The seed's SendEvent: `{"type":"event","data":{"event","data"}}` to every client. */
  sendEvent(event: string, data?: unknown): number {
    return this.broadcast({ type: 'event', data: { event, data } });
  }

  /** Register a request method: one of the typed map (role and params from there), or one of your own with its role. */
  registerMethod<M extends MethodName>(name: M, handler: TypedHandler<M>): void;
  registerMethod(name: string, handler: MethodHandler, options: MethodOptions): void;
  registerMethod(name: string, handler: MethodHandler, options?: MethodOptions): void {
    (this.methods.registerMethod as (n: string, h: MethodHandler, o?: MethodOptions) => void)(name, handler, options);
  }

  isCongested(): boolean {
    return this.congestion.isCongested();
  }

  onDrain(listener: () => void): void {
    this.congestion.onDrain(listener);
  }

  // ---- read-only queries ----

  /** Connected clients. */
  clientCount(): number {
    return this.gate.clients.size;
  }

  /** Channels with local subscribers or retained history. */
  channelCount(): number {
    const names = new Set(this.engine.channelNames());
    for (const stream of this.streams.all()) names.add(stream.name);
    return names.size;
  }

  /** Local subscribers of one channel. */
  channelSubscriberCount(channel: string): number {
    return this.streams.get(channel)?.subscribers.size ?? 0;
  }

  /** One connected client, by id. */
  client(id: string): ClientConnection | undefined {
    return this.gate.clients.get(id);
  }

  /** A statistics snapshot (CONTRACT.md "Statistics"), bounded whatever clients do (stats.ts). */
  stats(): HubStats {
    return snapshot({
      engine: this.engine,
      streams: this.streams,
      clients: this.gate.clients,
      queuedBytes: this.totalQueued,
      counters: { ...this.counters, pressureReleased: this.congestion.released },
      rates: this.rates,
      pinned: isHubChannel,
      extra: this.options.statsExtra?.() ?? {},
    });
  }

  /** Count something the HTTP front refused (it has no counters of its own). */
  countRefusal(counter: 'hostRejected' | 'unauthenticatedCut'): void {
    this.counters[counter]++;
  }

  /** Close one client with a code; false when there is no such client. */
  disconnect(clientId: string, code: number = CloseCode.byOperator, reason = 'closed by an operator'): boolean {
    const client = this.gate.clients.get(clientId);
    if (!client) return false;
    this.drop(client, code, reason, code === CloseCode.byOperator ? 'operatorDisconnects' : undefined);
    return true;
  }

  /** Close the connections of the given session users (their sessions were revoked). */
  disconnectSessions(userIds: readonly string[]): void {
    if (userIds.length === 0) return;
    const ended = new Set(userIds);
    for (const client of [...this.gate.clients.values()]) {
      if (ended.has(client.userId)) this.drop(client, CloseCode.byOperator, 'session revoked', 'operatorDisconnects');
    }
  }

  // ---- subscriptions ----

  private subscribeClient(client: ClientConnection, channel: string, from: SubscribeFrom | undefined): void {
    let sub = client.subscriptions.get(channel);
    if (!sub) {
      if (client.subscriptions.size >= this.limits.maxSubscriptionsPerClient) {
        return this.inbound.reject(client, `too many subscriptions (limit ${this.limits.maxSubscriptionsPerClient})`);
      }
      if (!this.streams.get(channel) && this.streams.size >= this.limits.maxChannels && !isHubChannel(channel)) {
        return this.inbound.reject(client, `too many channels (limit ${this.limits.maxChannels})`);
      }
      sub = new Subscription(channel, client, this.engine, {
        answerExtra: () => this.subscribedExtra(channel),
        latestOnSubscribe: LATEST_VALUE_CHANNELS.includes(channel),
        onError: (err) => this.engineError(err),
      });
      sub.attach(this.streams.join(channel, sub));
      client.addSubscription(channel, sub);
      if (channel === HUB_STATS_CHANNEL) this.statsTimer ??= setInterval(this.publishStats, this.limits.statsIntervalMs).unref();
    }
    const subscription = sub;
    subscription.start(from).catch((err: unknown) => {
      // The engine refused (a full channel table, a server that is down): the client hears why.
      this.engineError(err);
      this.unsubscribeClient(client, channel);
      if (!client.closed) this.inbound.reject(client, `subscribe to "${channel}" failed: ${(err as Error).message}`);
    });
  }

  private unsubscribeClient(client: ClientConnection, channel: string): void {
    const sub = client.subscriptions.get(channel);
    if (!sub) return;
    sub.cancel();
    client.removeSubscription(channel);
    this.streams.leave(channel, sub);
  }

  private subscribedExtra(channel: string): { exists?: false } {
    if (!this.processExists || !channel.startsWith(PROCESS_CHANNEL_PREFIX)) return {};
    const id = channel.slice(PROCESS_CHANNEL_PREFIX.length);
    return isValidProcessRef(id) && this.processExists(id) ? {} : { exists: false };
  }

  private publishMessage(channel: string, message: Message): Promise<StreamPosition> {
    return this.publisher.message(channel, message);
  }

  private engineError(err: unknown): void {
    this.options.onEngineError?.(err);
  }

  private readonly publishStats = (): void => {
    if (this.channelSubscriberCount(HUB_STATS_CHANNEL) === 0) {
      clearInterval(this.statsTimer);
      this.statsTimer = undefined;
      return;
    }
    this.publishEvent(HUB_STATS_CHANNEL, this.stats());
  };

  // The bytes queued for all clients are bounded too (many stuck clients at once): past the
  // mark the largest queue is cut as a slow consumer; it recovers from history.
  private queued(delta: number): void {
    this.totalQueued += delta;
    if (delta <= 0 || this.totalQueued <= this.limits.maxTotalQueueBytes) return;
    let largest: ClientConnection | undefined;
    for (const client of this.gate.clients.values()) if (!largest || client.queuedBytes > largest.queuedBytes) largest = client;
    if (largest) this.drop(largest, CloseCode.slowConsumer, 'slow consumer', 'slowConsumers');
  }

  // Deliberate close: counted, unregistered at once (its queue is freed), socket closed with a code.
  private drop(client: ClientConnection, code: number, reason: string, counter?: keyof HubCounters): void {
    if (client.closed) return;
    if (counter) this.counters[counter]++;
    client.close(code, reason);
    this.unregister(client);
  }

  private kill(client: ClientConnection, counter: keyof HubCounters): void {
    this.counters[counter]++;
    client.terminate();
    this.unregister(client);
  }

  private unregister(client: ClientConnection): void {
    if (!this.gate.forget(client)) return;
    for (const channel of [...client.subscriptions.keys()]) this.unsubscribeClient(client, channel);
    this.congestion.release(client);
    this.options.onDisconnect?.(client);
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    const clients = [...this.gate.clients.values()];
    const closed = this.gate.closeAll((client) => this.drop(client, CloseCode.goingAway, 'hub closing'));
    await closed;
    for (const client of clients) this.unregister(client);
    this.congestion.close();
    this.streams.close();
    await this.engine.close();
  }
}

/** The hub's own channels: never evicted by the engine, always subscribable. */
const isHubChannel = isReservedChannel;
