/**
 * The node's publishes on their way to Redis, in order, bounded. Each publish call is one script
 * call; they are pipelined on the command connection. While Redis is unreachable they wait here
 * (up to `maxMessages` payloads or `maxBytes`); past the bound a publish is refused at once and
 * counted as lost, so that the hub reports it (an `error` to the channel's subscribers, the
 * process's `skipped`, the engine's `lost`). When a send fails without an answer (the connection
 * dropped, a timeout), sending stops until every call in flight has settled and the connection is
 * up, then starts again from the oldest unanswered one: calls keep their order, and a call that
 * Redis had already applied is recognised by its writer counter and changes nothing.
 *
 * While Redis is up but behind (past a quarter of the bound), the queue is `backlogged`: the hub's
 * producers pause (the supervisor holds the processes' pipes) until it is under an eighth, so
 * that a flood is slowed rather than lost (the rest of the bound is room for the chunks already
 * read when the pause begins: a 64 KiB pipe chunk may hold 65,536 lines). While Redis is down it never holds them: processes keep
 * running, and what does not fit is lost and counted.
 */

/** One publish call waiting for its answer. */
export interface QueuedPublish<R> {
  /** Payload count and bytes, for the bound. */
  readonly messages: number;
  readonly bytes: number;
  /** Send it (the same arguments every time). */
  send(): Promise<R>;
  resolve(result: R): void;
  reject(err: Error): void;
}

/** A publish refused because Redis is unreachable and the queue is full. */
export class EngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailableError';
  }
}

/** Options of {@link PublishQueue}. */
export interface PublishQueueOptions {
  /** Most payloads waiting (unanswered). */
  maxMessages: number;
  /** Most payload bytes waiting. */
  maxBytes: number;
  /** Whether commands can be sent now. */
  up(): boolean;
  /** Why not, for the refusal's message. */
  reason(): string;
  /** Whether an error is Redis's own answer (final) rather than a lost connection (retried). */
  isAnswer(err: unknown): boolean;
}

interface Entry<R> {
  item: QueuedPublish<R>;
}

/** See the file comment. */
export class PublishQueue<R> {
  /** Payloads given up for good. */
  lost = 0;
  /** Every unanswered publish, oldest first; the first `sent` of them are in flight. */
  private readonly entries: Entry<R>[] = [];
  private sent = 0;
  private messages = 0;
  private bytes = 0;
  private inFlight = 0;
  private stalled = false;
  private closed = false;
  private pressure = false;
  private reliefListeners: (() => void)[] = [];

  constructor(private readonly options: PublishQueueOptions) {}

  /** Payloads waiting. */
  get buffered(): number {
    return this.messages;
  }

  /** Queue a publish; refused at once past the bound. */
  push(item: QueuedPublish<R>): void {
    if (this.closed) return item.reject(new EngineUnavailableError('the engine is closed'));
    const { maxMessages, maxBytes } = this.options;
    if (this.entries.length > 0 && (this.messages + item.messages > maxMessages || this.bytes + item.bytes > maxBytes)) {
      this.lost += item.messages;
      const why = this.options.up() ? 'Redis is not keeping up' : this.options.reason();
      return item.reject(new EngineUnavailableError(`${why}: ${this.messages} messages already wait to be published, these ${item.messages} are lost`));
    }
    this.entries.push({ item });
    this.messages += item.messages;
    this.bytes += item.bytes;
    this.pump();
  }

  /** Whether producers should pause now (Redis up but behind). */
  backlogged(): boolean {
    this.updatePressure();
    return this.pressure;
  }

  /** Call `listener` once when producers may go on (soon, if they may now). */
  onRelief(listener: () => void): void {
    if (this.backlogged()) this.reliefListeners.push(listener);
    else setImmediate(listener);
  }

  /** Send what waits, when the connection is up (call it when the connection comes back, or goes). */
  pump(): void {
    this.updatePressure();
    if (this.closed || this.stalled || !this.options.up()) return;
    while (this.sent < this.entries.length) this.send(this.entries[this.sent++] as Entry<R>);
  }

  /** Resolves when nothing waits, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.entries.length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  }

  /** Refuse everything still waiting (counted as lost). */
  close(): void {
    this.closed = true;
    this.sent = 0;
    for (const { item } of this.entries.splice(0)) {
      this.lost += item.messages;
      item.reject(new EngineUnavailableError('the engine closed before Redis took these messages'));
    }
    this.messages = this.bytes = 0;
    this.updatePressure();
  }

  private updatePressure(): void {
    const { maxMessages, maxBytes } = this.options;
    if (!this.pressure) {
      this.pressure = !this.closed && this.options.up() && (this.messages > maxMessages / 4 || this.bytes > maxBytes / 4);
      return;
    }
    if (!this.closed && this.options.up() && (this.messages > maxMessages / 8 || this.bytes > maxBytes / 8)) return;
    this.pressure = false;
    for (const listener of this.reliefListeners.splice(0)) listener();
  }

  private send(entry: Entry<R>): void {
    this.inFlight++;
    entry.item.send().then(
      (result) => {
        this.inFlight--;
        this.remove(entry);
        entry.item.resolve(result);
        this.resume();
      },
      (err: unknown) => {
        this.inFlight--;
        if (this.options.isAnswer(err) || this.closed) {
          // Redis refused it (out of memory, a script error): final, and reported.
          if (this.remove(entry)) this.lost += entry.item.messages;
          entry.item.reject(err as Error);
        } else {
          this.stalled = true; // resend from the oldest unanswered one once everything in flight settled
        }
        this.resume();
      },
    );
  }

  private resume(): void {
    if (!this.stalled || this.inFlight > 0) return;
    this.stalled = false;
    this.sent = 0; // nothing is in flight: send every unanswered one again, in order
    this.pump();
  }

  // Answers come in order, so the one answered is almost always the oldest.
  private remove(entry: Entry<R>): boolean {
    const at = this.entries[0] === entry ? 0 : this.entries.indexOf(entry);
    if (at < 0) return false;
    if (at === 0) this.entries.shift();
    else this.entries.splice(at, 1);
    if (at < this.sent) this.sent--;
    this.messages -= entry.item.messages;
    this.bytes -= entry.item.bytes;
    if (this.pressure) this.updatePressure();
    return true;
  }
}
