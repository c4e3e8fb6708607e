/** Requests on the wire waiting for their `response`, each with its own timeout. */
import type { RequestId, ResponseError } from '../protocol';
import { ClientError } from './client-error';
import type { ClientTimers } from './client-types';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: unknown;
  method: string;
}

/** Matches responses to requests by `id`; rejects on timeout or when the connection goes. */
export class PendingRequests {
  private readonly pending = new Map<RequestId, Pending>();
  private nextId = 1;

  constructor(private readonly timers: ClientTimers) {}

  /** How many requests await an answer. */
  get size(): number {
    return this.pending.size;
  }

  /** Register a request; returns its id and the promise of its result. */
  create(method: string, timeoutMs: number): { id: string; promise: Promise<unknown> } {
    const id = `r${this.nextId++}`;
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(id);
        reject(new ClientError('timeout', `no response within ${timeoutMs} ms`, method));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
    });
    return { id, promise };
  }

  /** Settle the request `id` with a response; false when no such request waits. */
  settle(id: RequestId, data: unknown, error: ResponseError | undefined): boolean {
    const p = this.take(id);
    if (!p) return false;
    if (error) p.reject(new ClientError(error.code, error.message, p.method));
    else p.resolve(data);
    return true;
  }

  /** Reject the request `id` because the hub refused it with an `error` message. */
  refuse(id: RequestId, reason: string): boolean {
    const p = this.take(id);
    if (!p) return false;
    p.reject(new ClientError('bad_request', `refused by the hub: ${reason}`, p.method));
    return true;
  }

  /** Reject the request `id` with `error` (e.g. sending it failed). */
  fail(id: RequestId, error: Error): void {
    this.take(id)?.reject(error);
  }

  /** Reject every waiting request with an error of `code` (the connection is gone or the client closed). */
  rejectAll(code: 'disconnected' | 'closed', why: string): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      this.timers.clearTimeout(p.timer);
      p.reject(new ClientError(code, why, p.method));
    }
  }

  private take(id: RequestId): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    this.timers.clearTimeout(p.timer);
    return p;
  }
}
