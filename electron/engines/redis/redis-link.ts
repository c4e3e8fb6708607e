/**
 * A node's three connections to Redis: one for commands (publish scripts, history reads), one for
 * the nodes' control traffic (heartbeats, node records, RPC: on a connection of its own so that a
 * flood of publishes queued on the first cannot delay a heartbeat past its TTL and make a live
 * node look gone), and one in subscriber mode (pub/sub delivers every channel's publications,
 * node announcements and RPC through it). The connections must succeed at start, and the Redis
 * must pass the safety check (redis-safety.ts); after that all reconnect for ever, the subscriber resubscribes every
 * pub/sub channel, and listeners hear of each reconnect so that they can look for what was lost.
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
  /** Pub/sub only. */
  readonly subscriber: Redis;
  private readonly handlers = new Map<string, MessageHandler>();
  private readonly reconnectListeners: (() => void)[] = [];
  private readonly statusListeners: (() => void)[] = [];
  private started = false;
  private closed = false;
  private lastError: string | undefined;
  private subscriberReadyOnce = false;
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
    for (const connection of [this.command, this.control, this.subscriber]) {
      connection.on('error', (err: Error) => {
        this.lastError = url.redact(err.message);
      });
      for (const status of ['ready', 'close', 'reconnecting', 'end']) connection.on(status, () => this.statusChanged());
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.handlers.get(channel.toString())?.(message));
    this.subscriber.on('ready', () => {
      if (!this.subscriberReadyOnce) {
        this.subscriberReadyOnce = true;
        return;
      }
      void this.resubscribe();
    });
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

  /** Connect the three connections and check the Redis; rejects with a message a user can act on (never the password). */
  async start(): Promise<void> {
    try {
      await Promise.all([this.command.connect(), this.control.connect(), this.subscriber.connect()]);
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

  /** Both connections are ready. */
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

  /** Receive a pub/sub channel's messages (one handler per channel). */
  async listen(channel: string, handler: MessageHandler): Promise<void> {
    this.handlers.set(channel, handler);
    try {
      await this.subscriber.subscribe(channel);
    } catch (err) {
      this.handlers.delete(channel);
      throw new Error(this.redact(`subscribe failed: ${(err as Error).message}`));
    }
  }

  /** Stop receiving a pub/sub channel. */
  async unlisten(channel: string): Promise<void> {
    if (!this.handlers.delete(channel)) return;
    if (this.subscriber.status !== 'ready') return; // a reconnect subscribes only what is listened to
    await this.subscriber.unsubscribe(channel).catch(() => {});
  }

  /**
   * Stop reading the pub/sub connection, or go on: what it carries waits in Redis's output buffer
   * for this node (its pub/sub limit, 32 MB by default, cuts the connection past it, and the
   * engine then catches up from history) and in the kernel's. Node requests and announcements
   * wait too. Applies to the connection of the moment: a reconnect starts reading again, as its
   * catch-up must.
   */
  holdSubscriber(held: boolean): void {
    const stream = this.subscriber.stream as NetStream | undefined;
    if (held) stream?.pause();
    else stream?.resume();
  }

  /** Hear of every reconnect of the subscriber, once its channels are subscribed again. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** Hear of every change of either connection's state. */
  onStatus(listener: () => void): void {
    this.statusListeners.push(listener);
  }

  /** Close both connections; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.command, this.control, this.subscriber].map((c) => c.quit().catch(() => c.disconnect())));
    this.closeNow();
  }

  private closeNow(): void {
    this.closed = true;
    this.command.disconnect();
    this.control.disconnect();
    this.subscriber.disconnect();
  }

  private async resubscribe(): Promise<void> {
    const channels = [...this.handlers.keys()];
    try {
      if (channels.length > 0) await this.subscriber.subscribe(...channels);
    } catch (err) {
      this.lastError = this.redact((err as Error).message);
      this.subscriber.disconnect(true); // try again from a fresh connection
      return;
    }
    this.statusChanged();
    for (const listener of this.reconnectListeners) listener();
  }

  private statusChanged(): void {
    for (const listener of this.statusListeners) listener();
  }
}
