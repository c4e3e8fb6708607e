/**
 * One connected client: its outbound queue, batching and backpressure.
 *
 * Messages wait in a JS queue of shared, already-encoded buffers and are written once per event
 * loop turn (coalesced), only while the socket holds less than `socketHighWaterBytes`; control
 * frames (ping/pong) go to the socket directly and never wait behind the queue. A client whose
 * queue grows past `maxQueueBytes` is reported to the owner as a slow consumer (the hub closes it
 * with 4008, so that it reconnects and recovers with `since`); nothing is ever skipped silently.
 */
import type { WebSocket } from 'ws';
import type { Message } from '../../shared/protocol';
import type { Entry, Subscriber } from './engine';
import { TokenBucket, type RateLimitOptions } from './rate-limit';
import type { Role } from './types';

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
  /** The connection's queued bytes changed by `delta` (hub-wide congestion accounting). */
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
}

const NEWLINE = 0x0a;
const TEXT_FRAME = { binary: false } as const;

/** A connected client, as the hub and its callbacks see it. */
export class ClientConnection implements Subscriber {
  /** Unique id (what `hub.disconnect` takes). */
  readonly id: string;
  /** The authenticated user. */
  readonly userId: string;
  /** The client's role. */
  readonly role: Role;
  /** Metadata from the authenticator (the seed's Claims). */
  readonly claims: Record<string, unknown>;
  /** The peer's address. */
  readonly remote: string;
  /** When it connected (RFC 3339). */
  readonly connectedAt: string;
  /** Whether it offered `switchyard.v1` and so receives batched frames. */
  readonly batching: boolean;
  /** Channels it is subscribed to. */
  readonly subscriptions = new Set<string>();
  /** Inbound rate limiter. */
  readonly bucket: TokenBucket;
  /** Messages written to its socket. */
  sent = 0;
  /** Inbound messages refused (rate limit). */
  dropped = 0;
  /** Last time (performance.now) any frame or pong arrived. */
  lastSeen = performance.now();

  private queue: (Buffer | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  // Bytes of replayed history still queued: replay is bounded by retention, and must not count
  // against the slow-consumer bound, or a client recovering a long gap could never catch up.
  private replayCredit = 0;
  private scheduled = false;
  private waiting = false;
  private closing = false;
  private writeTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private pressureTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly ws: WebSocket,
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
    this.connectedAt = new Date().toISOString();
    this.batching = ws.protocol === 'switchyard.v1';
    this.bucket = new TokenBucket(rateLimit);
  }

  /** Bytes owed to this client: its JS queue plus what its socket still holds. */
  get queuedBytes(): number {
    return this.bytes + this.ws.bufferedAmount;
  }

  /** Whether the connection is closing or closed. */
  get closed(): boolean {
    return this.closing;
  }

  /** Subscriber: queue one channel message. */
  deliver(entry: Entry): void {
    this.enqueue(entry.data, false);
  }

  /** Queue replayed history; it does not count against the slow-consumer bound. */
  replay(entries: readonly Entry[]): void {
    for (const entry of entries) this.enqueue(entry.data, true);
  }

  /** Queue a message for this client only (responses, errors, `subscribed`). */
  send(message: Message): void {
    this.enqueue(Buffer.from(JSON.stringify(message)), false);
  }

  /** Queue a shared, already encoded message (broadcasts). */
  sendEncoded(data: Buffer): void {
    this.enqueue(data, false);
  }

  /** Write a message now, ahead of the queue (pong replies: they carry no order). */
  sendNow(message: Message): void {
    if (this.closing) return;
    this.ws.send(JSON.stringify(message));
    this.sent++;
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

  private enqueue(data: Buffer, replayed: boolean): void {
    if (this.closing) return;
    this.queue.push(data);
    this.bytes += data.length;
    if (replayed) this.replayCredit += data.length;
    this.owner.queued(data.length);
    const owed = this.bytes + this.ws.bufferedAmount;
    if (owed > this.limits.maxQueueBytes + this.replayCredit) {
      this.owner.slowConsumer(this);
      return;
    }
    if (this.pressureTimer === undefined && owed > this.limits.maxQueueBytes / 2 + this.replayCredit) this.startPressure();
    if (!this.scheduled && !this.waiting) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  // Write what the socket will take now: one frame per message, or batched frames for
  // switchyard.v1 clients. Bound once, so that scheduling allocates nothing.
  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.closing || this.waiting) return;
    const { ws, queue } = this;
    const before = this.bytes;
    while (this.head < queue.length) {
      if (ws.bufferedAmount >= this.limits.socketHighWaterBytes) {
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
      const frame = end - start === 1 ? (queue[start] as Buffer) : joinLines(queue, start, end, size);
      for (let i = start; i < end; i++) {
        this.bytes -= (queue[i] as Buffer).length;
        queue[i] = undefined;
      }
      this.head = end;
      this.sent += end - start;
      ws.send(frame, TEXT_FRAME, this.written);
    }
    if (this.head === queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    const flushed = before - this.bytes;
    this.replayCredit = Math.max(0, this.replayCredit - flushed);
    if (flushed > 0) this.owner.queued(-flushed);
    if (this.pressureTimer !== undefined) this.checkPressure();
  };

  // Past half its bound, a client asks the hub to hold its producers (the supervisor pauses the
  // processes' pipes), so that a subscriber that falls behind for a moment catches up instead of
  // being cut at the bound with the rest lost: with a single subscriber the hub-wide congestion
  // mark (16 MiB) is never reached before one client's bound (4 MiB). A client that stays behind
  // for `writeTimeoutMs` is cut as a slow consumer, so one stuck viewer cannot hold the processes.
  private startPressure(): void {
    this.pressureTimer = setTimeout(() => this.owner.slowConsumer(this), this.limits.writeTimeoutMs);
    this.pressureTimer.unref();
    this.owner.pressure(this, true);
  }

  private checkPressure(): void {
    if (this.bytes + this.ws.bufferedAmount > this.limits.maxQueueBytes / 4 + this.replayCredit) return;
    this.endPressure();
  }

  private endPressure(): void {
    if (this.pressureTimer === undefined) return;
    clearTimeout(this.pressureTimer);
    this.pressureTimer = undefined;
    this.owner.pressure(this, false);
  }

  // Called by ws once a frame reached the kernel: progress, so resume or keep the timer fresh.
  private readonly written = (err?: Error): void => {
    if (this.pressureTimer !== undefined && !this.closing) this.checkPressure();
    if (err || this.closing || !this.waiting) return;
    if (this.ws.bufferedAmount < this.limits.socketHighWaterBytes) {
      this.waiting = false;
      clearTimeout(this.writeTimer);
      this.writeTimer = undefined;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
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
    this.endPressure();
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    if (this.bytes > 0) this.owner.queued(-this.bytes);
    this.queue = [];
    this.head = 0;
    this.bytes = 0;
    this.replayCredit = 0;
  }
}

function joinLines(queue: readonly (Buffer | undefined)[], start: number, end: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (let i = start; i < end; i++) {
    if (i > start) out[offset++] = NEWLINE;
    offset += (queue[i] as Buffer).copy(out, offset);
  }
  return out;
}
