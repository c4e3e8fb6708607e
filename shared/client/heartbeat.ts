/**
 * Keep-alive for one connection: send an app-level ping at an interval (the hub answers `pong`)
 * and declare the connection dead when nothing at all has arrived for a while. A half-open TCP
 * connection (a peer that vanished without a FIN) never closes by itself; this is what notices.
 */
import type { ClientTimers } from './client-types';

/** What {@link Heartbeat} needs from its connection. */
export interface HeartbeatOptions {
  /** Ping every this many ms; 0 disables pings. */
  pingIntervalMs: number;
  /** Dead after this many ms without any incoming frame; 0 disables the check. */
  idleTimeoutMs: number;
  timers: ClientTimers;
  now: () => number;
  /** Send one ping. */
  ping(): void;
  /** The connection is dead; called at most once. */
  dead(idleMs: number): void;
}

/** The ping and idle timers of one connection; `stop()` clears both. */
export class Heartbeat {
  private lastSeen: number;
  private pingTimer: unknown = undefined;
  private idleTimer: unknown = undefined;
  private stopped = false;

  constructor(private readonly options: HeartbeatOptions) {
    this.lastSeen = options.now();
    if (options.pingIntervalMs > 0) this.schedulePing();
    if (options.idleTimeoutMs > 0) this.scheduleIdleCheck(options.idleTimeoutMs);
  }

  /** Something arrived: the connection is alive. Cheap, called for every frame. */
  seen(): void {
    this.lastSeen = this.options.now();
  }

  /** Clear the timers. Safe to call twice. */
  stop(): void {
    this.stopped = true;
    if (this.pingTimer !== undefined) this.options.timers.clearTimeout(this.pingTimer);
    if (this.idleTimer !== undefined) this.options.timers.clearTimeout(this.idleTimer);
    this.pingTimer = this.idleTimer = undefined;
  }

  private schedulePing(): void {
    this.pingTimer = this.options.timers.setTimeout(() => {
      this.pingTimer = undefined;
      if (this.stopped) return;
      this.options.ping();
      if (!this.stopped) this.schedulePing();
    }, this.options.pingIntervalMs);
  }

  // One timer per timeout period rather than one per frame: when it fires early (something
  // arrived meanwhile) it re-arms for the rest of the window.
  private scheduleIdleCheck(ms: number): void {
    this.idleTimer = this.options.timers.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.stopped) return;
      const idle = this.options.now() - this.lastSeen;
      const left = this.options.idleTimeoutMs - idle;
      if (left <= 0) {
        this.stop();
        this.options.dead(idle);
      } else {
        this.scheduleIdleCheck(left);
      }
    }, ms);
  }
}
