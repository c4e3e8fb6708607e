/**
 * TEST SUPPORT, a recorder: an in-memory HubApi that records everything the supervisor sends, so
 * supervisor tests can run real child processes without a WebSocket server. It stands in for the
 * real hub's publishing side only; the end-to-end test uses the real Hub.
 */
import { MethodError, type HubApi, type MethodHandler, type MethodOptions, type Publishable, type Role } from '../hub/types';
import { processChannel, type OutputStream, type ProcessStatusData } from '../../shared/protocol';

/** One recorded message. */
export interface Recorded {
  channel: string;
  type: string;
  data: unknown;
  stream?: OutputStream;
  seq: number;
}

/** A recording HubApi for tests (see the file comment). */
export class RecordingHub implements HubApi {
  /** Everything sent, in order. */
  readonly messages: Recorded[] = [];
  /** Registered methods. */
  readonly methods = new Map<string, { handler: MethodHandler; role: Role }>();
  /** What isCongested() answers. */
  congested = false;
  /** Output lines received while `congested` was true. */
  linesWhileCongested = 0;
  private readonly drainListeners: (() => void)[] = [];
  private readonly waiters = new Set<() => void>();
  private seq = 0;
  private readonly linesBy = new Map<string, { stream: OutputStream; line: string }[]>();
  private readonly statusesBy = new Map<string, ProcessStatusData[]>();

  publish(channel: string, message: Publishable): number {
    return this.record({ channel, type: message.type, data: message.data });
  }

  sendProcessOutput(processId: string, line: string, stream: OutputStream): number {
    if (this.congested) this.linesWhileCongested++;
    listOf(this.linesBy, processId).push({ stream, line });
    return this.record({ channel: processChannel(processId), type: 'process_output', data: line, stream });
  }

  sendProcessStatus(processId: string, data: ProcessStatusData): number {
    listOf(this.statusesBy, processId).push(data);
    return this.record({ channel: processChannel(processId), type: 'process_status', data });
  }

  registerMethod(name: string, handler: MethodHandler, options?: MethodOptions): void {
    if (this.methods.has(name)) throw new Error(`method ${name} registered twice`);
    this.methods.set(name, { handler, role: options?.role ?? 'operator' });
  }

  isCongested(): boolean {
    return this.congested;
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  /** Turn congestion off and fire the drain listeners. */
  drain(): void {
    this.congested = false;
    for (const l of this.drainListeners.splice(0)) l();
  }

  /** Call a method as a client with `role` would; resolves with its result, rejects with its MethodError. */
  async call(method: string, params?: unknown, role: Role = 'operator'): Promise<unknown> {
    const m = this.methods.get(method);
    if (!m) throw new MethodError('not_found', `unknown method ${method}`);
    if (m.role === 'operator' && role !== 'operator') throw new MethodError('forbidden', `${method} is for operators`);
    return await m.handler(params, { clientId: 'test', userId: 'test', role });
  }

  /** The output lines of a process as [stream, line] pairs. */
  lines(id: string): { stream: OutputStream; line: string }[] {
    return this.linesBy.get(id) ?? [];
  }

  /** The statuses of a process, in order. */
  statuses(id: string): ProcessStatusData[] {
    return this.statusesBy.get(id) ?? [];
  }

  /** Resolve when `predicate` holds (checked after every message); reject after `timeoutMs` with `what`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Resolve when process `id` has reported `status` (the n-th time, default the first). */
  waitStatus(id: string, status: string, n = 1, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.statuses(id).filter((s) => s.status === status).length >= n, `${id} ${status} #${n}`, timeoutMs);
  }

  private record(m: Recorded | Omit<Recorded, 'seq'>): number {
    const rec = { ...m, seq: ++this.seq } as Recorded;
    this.messages.push(rec);
    for (const w of [...this.waiters]) w();
    return rec.seq;
  }
}

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
