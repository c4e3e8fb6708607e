/**
 * The gate of `process.input` and `process.resize`: a rate limit per client (a token bucket, as
 * the hub's inbound limit) and the audit trail of who sent input to which process, and when.
 *
 * Keystrokes are never recorded (they may hold passwords), and neither is every keystroke's
 * call: the first write of a client to a process is recorded at once, later ones are folded into
 * one entry per `auditWindowMs` ("41 writes, 63 bytes") so that typing does not flood the trail.
 */
import type { AuditEvent } from '../../../shared/protocol';
import { TokenBucket } from '../../hub/rate-limit';
import { MethodError, type MethodContext } from '../../hub/types';

/** The actions this gate records. */
export type GuardedAction = 'process.input' | 'process.resize';

/** Options of {@link InputGuard}. */
export interface InputGuardOptions {
  /** Calls a client may make per second, sustained (a key repeat is about 30). Default 100. */
  perSecond?: number;
  /** Calls a client may make at once. Default 200. */
  burst?: number;
  /** Writes of one client to one process within this window make one audit entry. Default 60,000 ms. */
  auditWindowMs?: number;
  /** Where audit entries go. Default nowhere. */
  audit?: (entry: AuditEvent) => void;
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
}

interface Folded {
  since: number;
  calls: number;
  bytes: number;
}

/** Clients and audit keys idle longer than this are forgotten once the maps grow past {@link PRUNE_AT}. */
const IDLE_MS = 5 * 60_000;
const PRUNE_AT = 1000;

/** See the file comment. */
export class InputGuard {
  /** Calls refused by the rate limit. */
  refused = 0;
  private readonly buckets = new Map<string, { bucket: TokenBucket; used: number }>();
  private readonly folded = new Map<string, Folded>();
  private readonly now: () => number;
  private readonly window: number;

  constructor(private readonly options: InputGuardOptions = {}) {
    this.now = options.now ?? Date.now;
    this.window = options.auditWindowMs ?? 60_000;
  }

  /** Admit one call of `ctx`; throws MethodError `rate_limited` when it comes too fast. */
  admit(action: GuardedAction, ctx: MethodContext): void {
    const now = this.now();
    let entry = this.buckets.get(ctx.clientId);
    if (!entry) {
      if (this.buckets.size >= PRUNE_AT) prune(this.buckets, now, (e) => e.used);
      entry = { bucket: new TokenBucket({ perSecond: this.options.perSecond ?? 100, burst: this.options.burst ?? 200, maxStrikes: Number.MAX_SAFE_INTEGER }, now), used: now };
      this.buckets.set(ctx.clientId, entry);
    }
    entry.used = now;
    if (entry.bucket.take(now) !== 'ok') {
      this.refused++;
      throw new MethodError('rate_limited', `too many ${action} calls; slow down`);
    }
  }

  /** Record a call that succeeded in the audit trail (folded, see the file comment). */
  record(action: GuardedAction, target: string, ctx: MethodContext, bytes: number, detail?: string): void {
    const now = this.now();
    const audit = this.options.audit;
    if (!audit) return;
    const key = `${ctx.clientId}\u0000${action}\u0000${target}`;
    const f = this.folded.get(key);
    if (f && now - f.since < this.window) {
      f.calls++;
      f.bytes += bytes;
      return;
    }
    if (!f && this.folded.size >= PRUNE_AT) prune(this.folded, now, (e) => e.since);
    const what = action === 'process.input' ? 'write' : 'resize';
    const text = f ? `${f.calls + 1} ${what}s, ${f.bytes + bytes} bytes since ${new Date(f.since).toISOString()}` : `first ${what}, ${bytes} bytes`;
    this.folded.set(key, { since: now, calls: 0, bytes: 0 });
    audit({
      kind: 'audit',
      action,
      target,
      userId: ctx.userId,
      role: ctx.role,
      clientId: ctx.clientId,
      time: new Date(now).toISOString(),
      ok: true,
      detail: detail ? `${text}; ${detail}` : text,
    });
  }
}

function prune<T>(map: Map<string, T>, now: number, usedAt: (e: T) => number): void {
  for (const [k, e] of map) if (now - usedAt(e) > IDLE_MS) map.delete(k);
}
