/**
 * One WebSocket of the client, from the attempt to its end: the handshake (`switchyard.v1` and
 * the token), the connect timeout, the heartbeat once open, and the reading of the hub's batched
 * frames. Once the client has let go of it ({@link ClientSocket.release}) it says nothing more:
 * whatever a socket that is going away still reports is ignored.
 */
import { decodeFrame, encodeMessage, type Message } from '../protocol';
import type { ResolvedOptions } from './client-options';
import type { WebSocketLike } from './client-types';
import { Heartbeat } from './heartbeat';
import { abandon, CLOSE_ABANDONED, detach, errorText, eventText, handshake } from './socket-helpers';

/** What a {@link ClientSocket} tells its client. */
export interface ClientSocketEvents {
  /** The socket opened; the heartbeat runs. */
  opened(socket: ClientSocket): void;
  /** One message of a frame the hub sent. */
  message(message: Message): void;
  /** A frame, or a message in one, that could not be read. */
  bad(why: string): void;
  /**
   * The socket closed, or was abandoned (too slow to open, or presumed dead). `attemptError` is
   * what the runtime said about the attempt (ws's error message; a browser says nothing).
   */
  ended(code: number, reason: string, wasOpen: boolean, attemptError: string | undefined): void;
}

/** The client's current socket and the timers tied to it. */
export class ClientSocket {
  private isOpen = false;
  private released = false;
  private heartbeat: Heartbeat | null = null;
  private connectTimer: unknown = undefined;
  private attemptError: string | undefined = undefined;

  private constructor(
    /** The WebSocket itself. */
    readonly socket: WebSocketLike,
    private readonly opts: ResolvedOptions,
    private readonly events: ClientSocketEvents,
  ) {
    socket.onopen = () => this.onOpen();
    socket.onmessage = (event: { data: unknown }) => this.onFrame(event.data);
    socket.onerror = (event: unknown) => {
      if (!this.released) this.attemptError = eventText(event) ?? this.attemptError;
    };
    socket.onclose = (event: { code: number; reason: string }) => {
      if (!this.released) this.events.ended(event.code, event.reason, this.isOpen, this.attemptError);
    };
    if (opts.connectTimeoutMs > 0) {
      this.connectTimer = opts.timers.setTimeout(() => {
        this.connectTimer = undefined;
        if (this.released || this.isOpen) return;
        this.attemptError = `no connection within ${opts.connectTimeoutMs} ms`;
        abandon(socket, 'connect timeout');
        this.events.ended(CLOSE_ABANDONED, this.attemptError, false, this.attemptError);
      }, opts.connectTimeoutMs);
    }
  }

  /**
   * Begin an attempt (the token is asked for now, when it is a function). Returns why, when not
   * even a WebSocket could be made: a token with characters a subprotocol cannot carry, say.
   */
  static open(opts: ResolvedOptions, events: ClientSocketEvents): ClientSocket | string {
    const token = typeof opts.token === 'function' ? opts.token() : opts.token;
    const { protocols, headers } = handshake(token, opts.tokenVia, opts.headers);
    let socket: WebSocketLike;
    try {
      socket = headers ? new opts.WebSocket(opts.url, protocols, { headers }) : new opts.WebSocket(opts.url, protocols);
    } catch (err) {
      return `cannot open a WebSocket to ${opts.url}: ${errorText(err)}`;
    }
    return new ClientSocket(socket, opts, events);
  }

  /** Whether it opened (and was not let go of since). */
  get open(): boolean {
    return this.isOpen;
  }

  /** Send one message while open; nothing otherwise. */
  send(message: Message): void {
    if (this.released || !this.isOpen) return;
    try {
      this.socket.send(encodeMessage(message));
    } catch {
      // The socket is going away; its close event follows and drives the reconnect.
    }
  }

  /** Let go: stop the timers and hear nothing more from the socket (it is not closed here). Twice is harmless. */
  release(): void {
    this.released = true;
    if (this.connectTimer !== undefined) this.opts.timers.clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.heartbeat?.stop();
    this.heartbeat = null;
    this.isOpen = false;
    detach(this.socket);
  }

  private onOpen(): void {
    if (this.released) return;
    if (this.connectTimer !== undefined) this.opts.timers.clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.isOpen = true;
    this.heartbeat = new Heartbeat({
      pingIntervalMs: this.opts.pingIntervalMs,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      timers: this.opts.timers,
      now: this.opts.now,
      ping: () => this.send({ type: 'ping' }),
      dead: (idleMs) => {
        if (this.released) return;
        abandon(this.socket, 'connection dead');
        this.events.ended(CLOSE_ABANDONED, `nothing received for ${idleMs} ms: connection presumed dead`, true, this.attemptError);
      },
    });
    this.events.opened(this);
  }

  private onFrame(data: unknown): void {
    if (this.released) return;
    this.heartbeat?.seen();
    if (typeof data !== 'string') return this.events.bad('a binary frame (the hub only sends text)');
    // The hub batches many messages into one frame; the 64 KiB limit is the hub's for what it receives.
    for (const result of decodeFrame(data, { maxBytes: Number.POSITIVE_INFINITY })) {
      if (this.released) return; // a listener closed the client or the connection mid-batch
      if (result.ok) this.events.message(result.message);
      else this.events.bad(result.error.message);
    }
  }
}
