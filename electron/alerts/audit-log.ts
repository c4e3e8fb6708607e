/**
 * The record of control actions: who started, stopped, restarted, added or removed a process,
 * typed into a terminal, disconnected a client, issued a login link or revoked sessions, and when.
 * Recorded at ONE place, the hub's method dispatch (the `onMethodCall` hook), so an action made
 * from a script counts as one made from the dashboard, and refusals (a viewer's try) count too.
 *
 * Each entry is an `event` on the `audit` channel (AuditEventSchema; retained like any channel),
 * kept for `audit.list` and, with a store, written to it ({@link AuditLog.storeIn}: the record
 * survives a restart). Input to a terminal is never recorded as content, only as a byte
 * count; keystrokes are folded per client and process: the first of a burst is recorded at once,
 * the rest in one entry when the burst ends.
 */
import { AUDIT_ACTIONS, AUDIT_CHANNEL, AUDIT_KEPT, type AuditAction, type AuditEvent } from '../../shared/protocol';
import type { CallRecord } from '../hub/methods';

/** Options of {@link AuditLog}. */
export interface AuditLogOptions {
  /** Publish an `event` into the hub (`hub.publishEvent`); may be set later with {@link AuditLog.attach}. */
  publishEvent?: (channel: string, data: unknown) => void;
  /** Latest entries kept for `audit.list`. Default {@link AUDIT_KEPT} (500). */
  keep?: number;
  /** How long a burst of input or resizes from one client to one process is folded, ms. Default 10,000. */
  foldMs?: number;
  /** Clock. Default `Date.now`. */
  now?: () => number;
}

const ACTIONS = new Set<string>(AUDIT_ACTIONS);
/** Actions that come in bursts (every keystroke, every drag of a window edge). */
const FOLDED = new Set<AuditAction>(['process.input', 'process.resize']);

/** Where entries are stored beyond memory (electron/store/audit-file.ts). */
export interface AuditSink {
  /** The stored entries, oldest first. */
  load(): AuditEvent[];
  /** Store one more. Never throws. */
  append(entry: AuditEvent): void;
}

interface Fold {
  entry: AuditEvent;
  calls: number;
  bytes: number;
  timer: NodeJS.Timeout;
}

/** See the file comment. */
export class AuditLog {
  private publishFn: AuditLogOptions['publishEvent'];
  private sink: AuditSink | null = null;
  private readonly entries: AuditEvent[] = [];
  private readonly folds = new Map<string, Fold>();
  private readonly keep: number;
  private readonly foldMs: number;
  private readonly now: () => number;
  private closed = false;

  constructor(options: AuditLogOptions = {}) {
    this.publishFn = options.publishEvent;
    this.keep = options.keep ?? AUDIT_KEPT;
    this.foldMs = options.foldMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Where entries go, for a hub built after this log (its `onMethodCall` calls {@link onCall}). */
  attach(publish: (channel: string, data: unknown) => void): void {
    this.publishFn = publish;
  }

  /**
   * Store every entry from now on in `sink`, and take back the entries it holds: the latest of
   * them are listed again and, with `republish`, published again on the `audit` channel (so that
   * its retained history shows them after a restart; not on a shared engine, whose channel
   * outlived this node). Once, at start, before clients connect.
   */
  storeIn(sink: AuditSink, { republish = true } = {}): void {
    if (this.sink) throw new Error('the audit log is stored already');
    const earlier = sink.load().slice(-this.keep);
    this.entries.unshift(...earlier);
    this.entries.splice(0, Math.max(0, this.entries.length - this.keep));
    if (republish) for (const entry of earlier) this.publishFn?.(AUDIT_CHANNEL, entry);
    this.sink = sink;
  }

  /** The hub's hook: records the control actions among all calls. */
  onCall(call: CallRecord): void {
    if (this.closed || !ACTIONS.has(call.method)) return;
    const action = call.method as AuditAction;
    const params = (typeof call.params === 'object' && call.params !== null ? call.params : {}) as Record<string, unknown>;
    const entry: AuditEvent = {
      kind: 'audit',
      action,
      target: targetOf(action, params),
      userId: call.ctx.userId,
      role: call.ctx.role,
      clientId: call.ctx.clientId,
      time: new Date(this.now()).toISOString(),
      ok: call.error === undefined,
    };
    const detail = call.error ?? detailOf(action, params);
    if (detail) entry.detail = detail;
    if (!entry.ok) return this.fold(entry, params, `refused\0${entry.clientId}`);
    if (FOLDED.has(action)) return this.fold(entry, params, `${action}\0${entry.clientId}\0${entry.target}`);
    this.record(entry);
  }

  /** The latest entries, oldest first (`audit.list`). */
  list(): AuditEvent[] {
    return this.entries.slice();
  }

  /** Write out folded bursts and stop; twice is harmless. */
  close(): void {
    if (this.closed) return;
    for (const key of [...this.folds.keys()]) this.endFold(key);
    this.closed = true;
  }

  /**
   * The first entry of a burst at once (who typed into what is known immediately), the rest as one
   * entry when it ends. Refusals fold per client whatever they aim at: a viewer sending forbidden
   * requests in a loop cannot wash the real entries out of the record.
   */
  private fold(entry: AuditEvent, params: Record<string, unknown>, key: string): void {
    const bytes = typeof params.data === 'string' ? utf8Length(params.data) : 0;
    const open = this.folds.get(key);
    if (open) {
      open.calls++;
      open.bytes += bytes;
      open.entry = entry;
      return;
    }
    this.record(entry);
    const timer = setTimeout(() => this.endFold(key), this.foldMs);
    timer.unref();
    this.folds.set(key, { entry, calls: 0, bytes: 0, timer });
  }

  private endFold(key: string): void {
    const fold = this.folds.get(key);
    if (!fold) return;
    clearTimeout(fold.timer);
    this.folds.delete(key);
    if (fold.calls === 0) return;
    const what = !fold.entry.ok
      ? `${fold.calls} more refused, last: ${fold.entry.detail ?? ''}`
      : fold.entry.action === 'process.input'
        ? `${fold.calls} more inputs, ${fold.bytes} bytes`
        : `${fold.calls} more resizes, last ${fold.entry.detail ?? ''}`;
    this.record({ ...fold.entry, detail: what });
  }

  private record(entry: AuditEvent): void {
    this.sink?.append(entry);
    this.entries.push(entry);
    if (this.entries.length > this.keep) this.entries.shift();
    this.publishFn?.(AUDIT_CHANNEL, entry);
  }
}

function targetOf(action: AuditAction, params: Record<string, unknown>): string {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v.slice(0, 200) : '?');
  switch (action) {
    case 'hub.disconnect':
      return text(params.clientId);
    case 'hub.loginLink':
      return text(params.role);
    case 'hub.revokeSessions':
      return typeof params.role === 'string' ? text(params.role) : 'all';
    default:
      return text(params.id);
  }
}

/** A short, secret-free detail: never the input itself, nor a command's environment. */
function detailOf(action: AuditAction, params: Record<string, unknown>): string | undefined {
  if (action === 'process.input') return typeof params.data === 'string' ? `${utf8Length(params.data)} bytes` : undefined;
  if (action === 'process.resize') return `${Number(params.cols)}x${Number(params.rows)}`;
  if (action === 'process.add' && typeof params.command === 'string') return params.command.slice(0, 200);
  return undefined;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
