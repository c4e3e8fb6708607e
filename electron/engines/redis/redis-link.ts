/**
 * A node's four connections to Redis: one for commands (publish scripts, history reads), one for
 * the nodes' control traffic (heartbeats, node records, RPC: on a connection of its own so that a
 * flood of publishes queued on the first cannot delay a heartbeat past its TTL and make a live
 * node look gone), and two in subscriber mode: one for the channels' publications, which the hub
 * may stop reading while a local client catches up (holdSubscriber), and one for the nodes'
 * announcements and requests, which must not wait for it. The connections must succeed at start,
 * and the Redis must pass the safety check (redis-safety.ts); after that all reconnect for ever,
 * the subscribers subscribe their pub/sub channels again, and listeners hear of each reconnect so
 * that they can look for what was lost.
 *
 * Commands never wait in ioredis's queues: with the connection down they fail at once, and an
 * answer lost with a connection fails too. Whoever sends decides what to retry (the engine's
 * publish queue retries; a publish retried after it was applied changes nothing, see the scripts).
 */
import { Redis } from 'ioredis';
import type { Socket as NetStream } from 'node:net';
import { RedisKeys } from './redis-keys';
import { checkRedisSafety } from './redis-safety';
import type { EngineUrl } from './redis-url';

/** Options of {@link RedisLink}. */
export interface RedisLinkOptions {
  url: EngineUrl;
  /** How long a connection attempt may take, ms. Default 5,000. */
  connectTimeoutMs?: number;
  /** Longest wait between reconnect attempts, ms. Default 2,000. */
  maxRetryDelayMs?: number;
  /** A command without an answer after this long fails (and a publish is retried), ms. Default 10,000. */
  commandTimeoutMs?: number;
  /** Skip the persistence and eviction check (tests of other things only). Default false. */
  skipSafetyCheck?: boolean;
}

type MessageHandler = (message: Buffer) => void;

/** See the file comment. */
export class RedisLink {
  readonly keys: RedisKeys;
  /** Commands and scripts (a subscribed connection may send nothing else). */
  readonly command: Redis;
  /** The nodes' heartbeats, records and RPC (see the file comment). */
  readonly control: Redis;
  /** Pub/sub: the channels' publications. */
  readonly subscriber: Redis;
  /** Pub/sub: node announcements and requests. */
  readonly nodeSubscriber: Redis;
  private readonly handlers = new Map<Redis, Map<string, MessageHandler>>();
  private readonly reconnectListeners: (() => void)[] = [];
  private readonly statusListeners: (() => void)[] = [];
  private started = false;
  private closed = false;
  private lastError: string | undefined;
  private readonly readyOnce = new Set<Redis>();
  private commandReadyOnce = false;

  constructor(private readonly options: RedisLinkOptions) {
    const { url } = options;
    this.keys = new RedisKeys(url.prefix);
    const maxDelay = options.maxRetryDelayMs ?? 2000;
    const common = {
      ...url.connection,
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      keepAlive: 10_000,
      // No retry before start() succeeded: a wrong URL fails at once instead of hanging.
      retryStrategy: (attempt: number) => (this.started && !this.closed ? Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay) : null),
    };
    // Commands of one tick (a burst of publishes) go out in one write.
    this.command = new Redis({ ...common, enableAutoPipelining: true, commandTimeout: options.commandTimeoutMs ?? 10_000, connectionName: 'switchyard-cmd' });
    this.control = new Redis({ ...common, commandTimeout: options.commandTimeoutMs ?? 10_000, connectionName: 'switchyard-ctl' });
    this.subscriber = new Redis({ ...common, connectionName: 'switchyard-sub' });
    this.nodeSubscriber = new Redis({ ...common, connectionName: 'switchyard-nodes' });
    for (const connection of this.connections()) {
      connection.on('error', (err: Error) => {
        this.lastError = url.redact(err.message);
      });
      for (const status of ['ready', 'close', 'reconnecting', 'end']) connection.on(status, () => this.statusChanged());
    }
    for (const pubsub of [this.subscriber, this.nodeSubscriber]) {
      const handlers = new Map<string, MessageHandler>();
      this.handlers.set(pubsub, handlers);
      pubsub.on('messageBuffer', (channel: Buffer, message: Buffer) => handlers.get(channel.toString())?.(message));
      pubsub.on('ready', () => {
        if (!this.readyOnce.has(pubsub)) {
          this.readyOnce.add(pubsub);
          return;
        }
        void this.resubscribe(pubsub);
      });
    }
    this.command.on('ready', () => {
      if (!this.commandReadyOnce) {
        this.commandReadyOnce = true;
        return;
      }
      this.statusChanged();
    });
  }

  /** The URL as it may be printed. */
  get display(): string {
    return this.options.url.display;
  }

  /** Cut the URL's secrets out of a text. */
  redact(text: string): string {
    return this.options.url.redact(text);
  }

  /** Connect the four connections and check the Redis; rejects with a message a user can act on (never the password). */
  async start(): Promise<void> {
    try {
      await Promise.all(this.connections().map((c) => c.connect()));
    } catch (err) {
      this.closeNow();
      // ioredis rejects with "Connection is closed." where the socket's own error says why (a certificate, a refused port).
      const message = (err as Error).message;
      const why = this.lastError && this.lastError !== message ? `${message} (${this.lastError})` : message;
      throw new Error(`cannot reach Redis at ${this.display}: ${this.redact(why)}`);
    }
    try {
      if (!this.options.skipSafetyCheck) await checkRedisSafety(this.command, this.display);
    } catch (err) {
      this.closeNow();
      (err as Error).message = this.redact((err as Error).message);
      throw err;
    }
    this.started = true;
  }

  /** The command and channel connections are ready (the engine's health). */
  up(): boolean {
    return !this.closed && this.command.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** Whether the control connection can send now. */
  controlUp(): boolean {
    return !this.closed && this.control.status === 'ready';
  }

  /** Whether commands can be sent now. */
  commandsUp(): boolean {
    return !this.closed && this.command.status === 'ready';
  }

  /** Why the link is not up (redacted), or undefined. */
  reason(): string | undefined {
    if (this.up()) return undefined;
    if (this.closed) return 'closed';
    const which = this.command.status !== 'ready' ? 'commands' : 'pub/sub';
    return `Redis at ${this.display} unreachable (${which}: ${this.lastError ?? 'connection lost'}); reconnecting`;
  }

  /**
   * Why a command failed, for a user (redacted). A command can fail on a dead socket before the
   * connection's status leaves 'ready' (ioredis: "Stream isn't writeable…"), so a failure while
   * the socket is going is named as Redis being unreachable, not as ioredis's wording.
   */
  failure(err: unknown): string {
    const message = (err as Error).message;
    const offline = !this.commandsUp() || /Stream isn't writeable|Connection is closed/.test(message);
    if (!offline) return this.redact(message);
    return this.reason() ?? `Redis at ${this.display} unreachable (commands: ${this.redact(message)}); reconnecting`;
  }

  /**
   * Receive a pub/sub channel's messages (one handler per channel), on the channels' connection
   * or, for node traffic, on the nodes' one.
   */
  async listen(channel: string, handler: MessageHandler, on: 'channels' | 'nodes' = 'channels'): Promise<void> {
    const pubsub = this.pubsubFor(on);
    const handlers = this.handlers.get(pubsub) as Map<string, MessageHandler>;
    handlers.set(channel, handler);
    try {
      await pubsub.subscribe(channel);
    } catch (err) {
      handlers.delete(channel);
      throw new Error(this.redact(`subscribe failed: ${(err as Error).message}`));
    }
  }

  /** Stop receiving a pub/sub channel. */
  async unlisten(channel: string, on: 'channels' | 'nodes' = 'channels'): Promise<void> {
    const pubsub = this.pubsubFor(on);
    if (!this.handlers.get(pubsub)?.delete(channel)) return;
    if (pubsub.status !== 'ready') return; // a reconnect subscribes only what is listened to
    await pubsub.unsubscribe(channel).catch(() => {});
  }

  /**
   * Stop reading the pub/sub connection, or go on: what it carries waits in Redis's output buffer
   * for this node (its pub/sub limit, 32 MB by default, cuts the connection past it, and the
   * engine then catches up from history) and in the kernel's. Node requests and announcements
   * go on (their own connection). Applies to the connection of the moment: a reconnect starts
   * reading again, as its catch-up must. A paused socket does not read its own end either, so a
   * connection Redis cut meanwhile is found, and replaced, when the hold ends.
   */
  holdSubscriber(held: boolean): void {
    const stream = this.subscriber.stream as NetStream | undefined;
    if (held) stream?.pause();
    else stream?.resume();
  }

  /** Hear of every reconnect of a subscriber, once its channels are subscribed again. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** Hear of every change of either connection's state. */
  onStatus(listener: () => void): void {
    this.statusListeners.push(listener);
  }

  /** Close every connection; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.connections().map((c) => c.quit().catch(() => c.disconnect())));
    this.closeNow();
  }

  private connections(): Redis[] {
    return [this.command, this.control, this.subscriber, this.nodeSubscriber];
  }

  private pubsubFor(on: 'channels' | 'nodes'): Redis {
    return on === 'nodes' ? this.nodeSubscriber : this.subscriber;
  }

  private closeNow(): void {
    this.closed = true;
    for (const connection of this.connections()) connection.disconnect();
  }

  private async resubscribe(pubsub: Redis): Promise<void> {
    const channels = [...(this.handlers.get(pubsub)?.keys() ?? [])];
    try {
      if (channels.length > 0) await pubsub.subscribe(...channels);
    } catch (err) {
      this.lastError = this.redact((err as Error).message);
      pubsub.disconnect(true); // try again from a fresh connection
      return;
    }
    this.statusChanged();
    for (const listener of this.reconnectListeners) listener();
  }

  private statusChanged(): void {
    for (const listener of this.statusListeners) listener();
  }
}
