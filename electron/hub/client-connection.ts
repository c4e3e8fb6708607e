/**
 * One connected client: its outbound queue, batching, backpressure and subscriptions.
 *
 * Messages wait in a JS queue of shared, already-encoded frames and are written once per event
 * loop turn (coalesced), only while the socket holds less than `socketHighWaterBytes`; control
 * frames (ping/pong) go to the socket directly and never wait behind the queue. A queue past
 * `maxQueueBytes` makes the client a slow consumer (the hub closes it with 4008, so that it
 * reconnects and recovers with `since`); nothing is ever skipped silently. History replays are
 * paced by {@link ClientConnection.room}: a page is queued only while the queue is under a
 * quarter of its bound, so replays count against the bound and never trip it.
 */
import type { WebSocket } from 'ws';
import type { Message, Role, SubscribedData } from '../../shared/protocol';
import type { PressureSource } from './congestion';
import { headerLength, writeFrames, type FramePlan, type FrameSocket } from './frame-writer';
import { TokenBucket, type RateLimitOptions } from './rate-limit';
import { TurnQueue } from './turn-queue';
import type { Subscription, SubscriptionClient } from './subscription';

/** The outbound limits of a connection. */
export interface ConnectionLimits {
  /** Bytes a client may have queued (JS queue plus socket buffer) before it counts as slow. */
  maxQueueBytes: number;
  /** Bytes the socket may hold before the rest waits in the JS queue. */
  socketHighWaterBytes: number;
  /** Largest batched frame for `switchyard.v1` clients (one message may exceed it alone). */
  maxBatchBytes: number;
  /** A socket that accepts no byte for this long while data waits is terminated. */
  writeTimeoutMs: number;
}

/** What a connection reports to the hub that owns it. */
export interface ConnectionOwner {
  /** The connection's queued bytes changed by `delta` (the hub-wide bound). */
  queued(delta: number): void;
  /** The queue passed `maxQueueBytes`. */
  slowConsumer(client: ClientConnection): void;
  /** The socket took no data for `writeTimeoutMs`. */
  writeTimeout(client: ClientConnection): void;
  /** The queue passed half of `maxQueueBytes` (true), or fell back under a quarter (false). */
  pressure(client: ClientConnection, on: boolean): void;
}

/** Who a client is, as the upgrade established it. */
export interface ClientIdentity {
  /** The authenticated user. */
  userId: string;
  /** The user's role. */
  role: Role;
  /** Metadata from the authenticator. */
  claims: Record<string, unknown>;
  /** The peer's address and port. */
  remote: string;
  /** RFC 3339 time the browser session ends (absent for tokens). */
  sessionExpiresAt?: string;
}

const NO_SUBSCRIPTIONS: ReadonlyMap<string, Subscription> = new Map();

/** A connected client, as the hub and its callbacks see it. */
export class ClientConnection implements SubscriptionClient, PressureSource {
  /** Unique id (what `hub.disconnect` takes). */
  readonly id: string;
  /** The authenticated user. */
  readonly userId: string;
  /** The client's role. */
  readonly role: Role;
  /** Metadata from the authenticator (the seed's Claims). */
  readonly claims: Record<string, unknown>;
  /** The peer's address and port. */
  readonly remote: string;
  /** When the browser session behind it ends, if it has one. */
  readonly sessionExpiresAt: string | undefined;
  /** Whether it offered `switchyard.v1` and so receives batched frames. */
  readonly batching: boolean;
  /** Inbound rate limiter. */
  readonly bucket: TokenBucket;
  /** Messages written to its socket. */
  sent = 0;
  /** Inbound messages refused (rate limit). */
  dropped = 0;
  /** Last time (performance.now) any frame or pong arrived. */
  lastSeen = performance.now();
  /** Last time (performance.now) its socket took a frame. */
  lastProgress = performance.now();

  private queue: (Buffer | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  private scheduled = false;
  private waiting = false;
  private closing = false;
  private pressured = false;
  private writeTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private roomBusy = false;
  /** Catch-ups waiting for {@link room}; made by the first (most connections never replay). */
  private roomWaiters: (() => void)[] | undefined;
  private readonly connectedAtMs = Date.now();
  private subs: Map<string, Subscription> | undefined;

  constructor(
    readonly ws: WebSocket,
    /** The TCP socket under `ws` (the upgrade's): corked while a flush writes, see flush. */
    private readonly socket: FrameSocket,
    id: string,
    identity: ClientIdentity,
    private readonly limits: ConnectionLimits,
    private readonly owner: ConnectionOwner,
    rateLimit: RateLimitOptions | undefined,
  ) {
    this.id = id;
    this.userId = identity.userId;
    this.role = identity.role;
    this.claims = identity.claims;
    this.remote = identity.remote;
    this.sessionExpiresAt = identity.sessionExpiresAt;
    this.batching = ws.protocol === 'switchyard.v1';
    this.bucket = new TokenBucket(rateLimit);
  }

  /** Its subscriptions by channel (one empty map shared until the first: many clients never subscribe). */
  get subscriptions(): ReadonlyMap<string, Subscription> {
    return this.subs ?? NO_SUBSCRIPTIONS;
  }

  /** Record a subscription. */
  addSubscription(channel: string, subscription: Subscription): void {
    (this.subs ??= new Map()).set(channel, subscription);
  }

  /** Forget a subscription. */
  removeSubscription(channel: string): void {
    this.subs?.delete(channel);
  }

  /** `userId@address`, for penalties that must outlive a reconnect (made when asked: rarely). */
  get identity(): string {
    return `${this.userId}@${this.remote.slice(0, this.remote.lastIndexOf(':'))}`;
  }

  /** When it connected (RFC 3339). */
  get connectedAt(): string {
    return new Date(this.connectedAtMs).toISOString();
  }

  /** Operators may hold the producers while they catch up (congestion.ts). */
  get mayHold(): boolean {
    return this.role === 'operator';
  }

  /** Bytes owed to this client: its JS queue plus what its socket still holds. */
  get queuedBytes(): number {
    return this.bytes + this.ws.bufferedAmount;
  }

  /** Whether the connection is closing or closed. */
  get closed(): boolean {
    return this.closing;
  }

  /** Queue one channel frame (shared with the channel's other subscribers). */
  deliverFrame(frame: Buffer): void {
    this.enqueue(frame);
  }

  /** Queue a `subscribed` answer. */
  sendSubscribed(channel: string, data: SubscribedData): void {
    this.send({ type: 'subscribed', channel, data });
  }

  /** Queue a message for this client only (responses, errors). */
  send(message: Message): void {
    this.enqueue(Buffer.from(JSON.stringify(message)));
  }

  /** Queue a shared, already encoded message (broadcasts). */
  sendEncoded(data: Buffer): void {
    this.enqueue(data);
  }

  /** Write a message now, ahead of the queue (pong replies: they carry no order). */
  sendNow(message: Message): void {
    if (this.closing) return;
    this.ws.send(JSON.stringify(message));
    this.sent++;
  }

  /** Resolves when a page of history may be queued: one at a time, while the queue is under a quarter of its bound. */
  room(): Promise<void> {
    return new Promise((resolve) => {
      (this.roomWaiters ??= []).push(resolve);
      this.letThrough();
    });
  }

  /** The page {@link room} let through is queued (or was not needed). */
  roomUsed(): void {
    this.roomBusy = false;
    this.letThrough();
  }

  /** Close with a code; the queue is released at once, the socket is killed after `writeTimeoutMs`. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.release();
    this.killTimer = setTimeout(() => this.ws.terminate(), this.limits.writeTimeoutMs);
    this.killTimer.unref();
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate(); // the socket was not open yet or already broken
    }
  }

  /** Kill the socket without a close handshake (dead peer). */
  terminate(): void {
    this.closing = true;
    this.release();
    this.ws.terminate();
  }

  /** The socket closed: stop every timer. */
  closedBySocket(): void {
    this.closing = true;
    this.release();
    clearTimeout(this.killTimer);
  }

  private enqueue(data: Buffer): void {
    if (this.closing) return;
    this.queue.push(data);
    this.bytes += data.length;
    this.owner.queued(data.length);
    const owed = this.bytes + this.ws.bufferedAmount;
    if (owed > this.limits.maxQueueBytes) {
      this.owner.slowConsumer(this);
      return;
    }
    if (!this.pressured && owed > this.limits.maxQueueBytes / 2) {
      this.pressured = true;
      this.owner.pressure(this, true);
    }
    if (!this.scheduled && !this.waiting) {
      this.scheduled = true;
      ClientConnection.flushes.add(this);
    }
  }

  // One immediate a turn flushes every connection with something to write, rather than an
  // immediate and a bound flush function for each (the function alone was 56 bytes of every idle one).
  private static readonly flushes = new TurnQueue<ClientConnection>((client) => client.flush());

  // Write what the socket will take now: one frame per message, or batched frames for
  // switchyard.v1 clients, all in one write (frame-writer.ts says why).
  private flush(): void {
    this.scheduled = false;
    if (this.closing || this.waiting) return;
    // ws would refuse a send now (the peer's close arrived): the close releases the queue.
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Corked: a flush with a large message is a few writes, and still one writev system call.
    this.socket.cork();
    try {
      this.writeQueued();
    } finally {
      this.socket.uncork();
    }
  }

  private writeQueued(): void {
    const { queue } = this;
    const before = this.bytes;
    const plan: FramePlan = { head: this.head, ends: [], sizes: [] };
    const room = this.limits.socketHighWaterBytes - this.ws.bufferedAmount;
    let planned = 0;
    while (this.head < queue.length) {
      if (planned >= room) {
        this.startWaiting();
        break;
      }
      const start = this.head;
      let end = start + 1;
      let size = (queue[start] as Buffer).length;
      if (this.batching) {
        while (end < queue.length && size + 1 + (queue[end] as Buffer).length <= this.limits.maxBatchBytes) {
          size += 1 + (queue[end] as Buffer).length;
          end++;
        }
      }
      plan.ends.push(end);
      plan.sizes.push(size);
      planned += headerLength(size) + size;
      this.head = end;
    }
    if (plan.ends.length > 0) writeFrames(this.socket, queue, plan, this.written);
    for (let i = plan.head; i < this.head; i++) {
      this.bytes -= (queue[i] as Buffer).length;
      queue[i] = undefined;
    }
    this.sent += this.head - plan.head;
    if (this.head === queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    const flushed = before - this.bytes;
    if (flushed > 0) this.owner.queued(-flushed);
    this.afterProgress();
  }

  private afterProgress(): void {
    const owed = this.bytes + this.ws.bufferedAmount;
    if (this.pressured && owed <= this.limits.maxQueueBytes / 4) {
      this.pressured = false;
      this.owner.pressure(this, false);
    }
    this.letThrough();
  }

  private letThrough(): void {
    if (this.closing) {
      // The waiting catch-ups see the client closed and end.
      for (const resolve of this.roomWaiters?.splice(0) ?? []) resolve();
      return;
    }
    if (this.roomBusy || !this.roomWaiters?.length) return;
    if (this.bytes + this.ws.bufferedAmount > this.limits.maxQueueBytes / 4) return;
    this.roomBusy = true;
    (this.roomWaiters.shift() as () => void)();
  }

  // Called by the socket as a flush's writes reach the kernel: progress, so resume or keep the timer fresh.
  private readonly written = (err?: Error | null): void => {
    if (err || this.closing) return;
    this.lastProgress = performance.now();
    this.afterProgress();
    if (!this.waiting) return;
    if (this.ws.bufferedAmount < this.limits.socketHighWaterBytes) {
      this.waiting = false;
      clearTimeout(this.writeTimer);
      this.writeTimer = undefined;
      if (!this.scheduled) {
        this.scheduled = true;
        ClientConnection.flushes.add(this);
      }
    } else {
      this.writeTimer?.refresh();
    }
  };

  private startWaiting(): void {
    this.waiting = true;
    if (this.writeTimer) {
      this.writeTimer.refresh();
      return;
    }
    this.writeTimer = setTimeout(() => this.owner.writeTimeout(this), this.limits.writeTimeoutMs);
    this.writeTimer.unref();
  }

  private release(): void {
    if (this.pressured) {
      this.pressured = false;
      this.owner.pressure(this, false);
    }
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    if (this.bytes > 0) this.owner.queued(-this.bytes);
    this.queue = [];
    this.head = 0;
    this.bytes = 0;
    this.letThrough();
  }
}
