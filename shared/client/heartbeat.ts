/**
 * Keep-alive for one connection: send an app-level ping at an interval (the hub answers `pong`)
 * and declare the connection dead when nothing at all has arrived for `idleTimeoutMs`. A
 * half-open TCP connection (a peer that vanished without a FIN) never closes by itself; this is
 * what notices.
 *
 * Before the verdict there is a probe: a quarter of the timeout (at most 2 s) before it ends, one
 * more ping goes out, and the verdict waits at least that quarter for anything to come back.
 * Without it, a process that was stalled
 * (a loaded machine, a laptop waking up, a throttled background tab) would run its overdue timer
 * before reading the frames that arrived meanwhile, and drop a healthy connection.
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
  private readonly probeMs: number;
  /** When the probe ping went out, while one is outstanding. */
  private probeAt: number | undefined = undefined;

  constructor(private readonly options: HeartbeatOptions) {
    this.lastSeen = options.now();
    this.probeMs = Math.min(2000, Math.floor(options.idleTimeoutMs / 4));
    if (options.pingIntervalMs > 0) this.schedulePing();
    if (options.idleTimeoutMs > 0) this.scheduleCheck(options.idleTimeoutMs - this.probeMs);
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

  // One timer per window rather than one per frame: when it fires and something arrived
  // meanwhile, it re-arms for the rest of the window. The verdict needs a probe that went out at
  // least `probeMs` earlier and got nothing back, however late the timers ran.
  private scheduleCheck(ms: number): void {
    this.idleTimer = this.options.timers.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.stopped) return;
      const { idleTimeoutMs } = this.options;
      const now = this.options.now();
      const idle = now - this.lastSeen;
      if (this.probeAt !== undefined && this.lastSeen > this.probeAt) this.probeAt = undefined; // answered
      if (idle < idleTimeoutMs - this.probeMs) {
        this.probeAt = undefined;
        this.scheduleCheck(idleTimeoutMs - this.probeMs - idle);
      } else if (this.probeAt === undefined) {
        this.probeAt = now;
        this.options.ping();
        if (!this.stopped) this.scheduleCheck(Math.max(this.probeMs, idleTimeoutMs - idle));
      } else if (idle >= idleTimeoutMs && now - this.probeAt >= this.probeMs) {
        this.stop();
        this.options.dead(idle);
      } else {
        this.scheduleCheck(Math.max(idleTimeoutMs - idle, this.probeMs - (now - this.probeAt), 1));
      }
    }, ms);
  }
}
