/**
 * TEST SUPPORT, a recorder: an in-memory HubApi that records everything the supervisor sends, so
 * supervisor tests can run real child processes without a WebSocket server. It stands in for the
 * real hub's publishing side only; the end-to-end test uses the real Hub.
 */
import { METHODS, isMethodName, processChannel, type OutputStream, type ProcessStatusData, type Role } from '../../shared/protocol';
import type { StreamPosition } from '../hub/engine';
import type { HubApi, Publishable, PublishFailure } from '../hub/hub-api';
import { MethodError, type MethodHandler, type MethodOptions } from '../hub/methods';
import type { OutputLine } from '../hub/wire-frame';

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

  /** What {@link setProcessLookup} was given. */
  processExists: ((id: string) => boolean) | undefined;
  private readonly failureListeners: ((failure: PublishFailure) => void)[] = [];

  publish(channel: string, message: Publishable): Promise<StreamPosition> {
    return Promise.resolve({ seq: this.record({ channel, type: message.type, data: message.data }), epoch: 'recording' });
  }

  publishEvent(channel: string, data: unknown): void {
    this.record({ channel, type: 'event', data });
  }

  publishOutput(processId: string, lines: readonly OutputLine[]): void {
    for (const { data, stream } of lines) {
      if (this.congested) this.linesWhileCongested++;
      listOf(this.linesBy, processId).push({ stream, line: data });
      this.record({ channel: processChannel(processId), type: 'process_output', data, stream });
    }
  }

  publishTerminal(processId: string, data: string): Promise<StreamPosition> {
    return Promise.resolve({ seq: this.record({ channel: processChannel(processId), type: 'terminal_output', data }), epoch: 'recording' });
  }

  publishStatus(processId: string, data: ProcessStatusData): void {
    listOf(this.statusesBy, processId).push(data);
    this.record({ channel: processChannel(processId), type: 'process_status', data });
  }

  onPublishFailure(listener: (failure: PublishFailure) => void): void {
    this.failureListeners.push(listener);
  }

  /** Report a publish failure as the hub would. */
  failPublish(failure: PublishFailure): void {
    for (const l of this.failureListeners) l(failure);
  }

  /** The listeners given to {@link onWatchers}, by channel. */
  readonly watchers = new Map<string, ((watched: boolean) => void)[]>();

  onWatchers(channel: string, listener: (watched: boolean) => void): void {
    this.watchers.set(channel, [...(this.watchers.get(channel) ?? []), listener]);
  }

  /** Say, as the hub would, that `channel` is watched or no longer. */
  watch(channel: string, watched: boolean): void {
    for (const l of this.watchers.get(channel) ?? []) l(watched);
  }

  setProcessLookup(exists: (id: string) => boolean): void {
    this.processExists = exists;
  }

  registerMethod(name: string, handler: MethodHandler, options?: MethodOptions): void {
    if (this.methods.has(name)) throw new Error(`method ${name} registered twice`);
    const role = isMethodName(name) ? METHODS[name].role : (options?.role ?? 'operator');
    this.methods.set(name, { handler, role });
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

  /** Call a method as a client with `role` would (params checked by the method map, as the hub does); resolves with its result, rejects with its MethodError. */
  async call(method: string, params?: unknown, role: Role = 'operator'): Promise<unknown> {
    const m = this.methods.get(method);
    if (!m) throw new MethodError('not_found', `unknown method ${method}`);
    if (m.role === 'operator' && role !== 'operator') throw new MethodError('forbidden', `${method} is for operators`);
    let checked = params;
    if (isMethodName(method)) {
      const parsed = METHODS[method].params.safeParse(params);
      if (!parsed.success) throw new MethodError('bad_params', `${method}: ${parsed.error.issues[0]?.message ?? 'invalid params'}`);
      checked = parsed.data;
    }
    return await m.handler(checked, { clientId: 'test', userId: 'test', role });
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
