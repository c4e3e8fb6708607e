/**
 * A fake hub connection for renderer tests: the real client needs a hub, and these tests are
 * about what the dashboard does with messages, so the test plays the hub's part by hand.
 */
import type { Message, MethodName, ResultOf } from '../../../shared/protocol';
import type { ChannelFrom, ConnectionStatus, GapInfo, HubConnection, RequestArgs, SubscribedInfo } from '../connection/hub-connection';

/** A recorded request. */
export interface FakeRequest {
  method: string;
  params: unknown;
}

/** A scriptable {@link HubConnection}. */
export class FakeHubConnection implements HubConnection {
  /** Requests made, in order. */
  readonly requests: FakeRequest[] = [];
  /** Answers by method: a value, or a function of the params; a thrown error rejects. */
  readonly answers = new Map<string, unknown>();
  started = false;
  closed = false;
  private readonly channels = new Map<string, Set<(m: Message) => void>>();
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();
  private readonly gapListeners = new Set<(g: GapInfo) => void>();
  private status: ConnectionStatus = { kind: 'connecting', attempt: 1 };

  start(): void {
    this.started = true;
  }

  /** Every subscribe, with where it starts. */
  readonly subscribes: { channel: string; from?: ChannelFrom }[] = [];

  subscribe(channel: string, listener: (message: Message) => void, from?: ChannelFrom): () => void {
    this.subscribes.push({ channel, from });
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Channels with at least one listener. */
  subscribed(): string[] {
    return [...this.channels].filter(([, s]) => s.size > 0).map(([c]) => c);
  }

  // The answers are the test's script, not checked against the map: a test may answer anything.
  request<M extends MethodName>(method: M, ...args: RequestArgs<M>): Promise<ResultOf<M>>;
  async request(method: string, params?: unknown): Promise<unknown> {
    this.requests.push({ method, params });
    if (!this.answers.has(method)) throw new Error(`unknown method ${method}`);
    const answer = this.answers.get(method);
    return typeof answer === 'function' ? (answer as (p: unknown) => unknown)(params) : answer;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  onGap(listener: (gap: GapInfo) => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  /** How often retryNow was called. */
  retries = 0;

  retryNow(): void {
    this.retries++;
  }

  close(): void {
    this.closed = true;
    this.setStatus({ kind: 'closed' });
  }

  /** Play the hub: change the connection status. */
  setStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const l of this.statusListeners) l(status);
  }

  /** Play the hub: deliver a message on a channel. */
  emit(channel: string, message: { type: Message['type']; [field: string]: unknown }): void {
    for (const l of this.channels.get(channel) ?? []) l({ ...message, channel } as Message);
  }

  /** Play the client: report a gap. */
  gap(gap: GapInfo): void {
    for (const l of this.gapListeners) l(gap);
  }
}

/** A fake that also reports the hub's `subscribed` answers, when the test plays them. */
export class AnsweringHubConnection extends FakeHubConnection {
  private readonly answered = new Set<(info: SubscribedInfo) => void>();

  onSubscribed(listener: (info: SubscribedInfo) => void): () => void {
    this.answered.add(listener);
    return () => this.answered.delete(listener);
  }

  /** Play the hub: answer a subscribe with the channel's latest `seq`. */
  answer(channel: string, seq: number): void {
    for (const l of this.answered) l({ channel, seq });
  }
}

/** A scheduler that flushes only when the test says so. */
export function manualScheduler(): { schedule: (flush: () => void) => () => void; tick(): void; scheduled: number } {
  let pending: (() => void) | null = null;
  const s = {
    scheduled: 0,
    schedule(flush: () => void) {
      s.scheduled++;
      pending = flush;
      return () => {
        pending = null;
      };
    },
    tick() {
      const f = pending;
      pending = null;
      f?.();
    },
  };
  return s;
}
