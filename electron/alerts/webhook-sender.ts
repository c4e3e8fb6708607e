/**
 * POSTs alerts to the webhooks of their rules. Each URL has its own small queue and at most one
 * post in flight, so a dead or slow webhook holds only its own alerts: publishing, other webhooks
 * and the processes never wait for it. A post has a short timeout and a bounded number of
 * retries; every failure and every alert given up is counted. The body is the alert alone: no
 * token, cookie or header of the hub ever goes out.
 */
import type { AlertEvent } from '../../shared/protocol';

/** Options of {@link WebhookSender}. */
export interface WebhookSenderOptions {
  /** Timeout of one post, ms. Default 3,000. */
  timeoutMs?: number;
  /** Retries after a failed post. Default 2. */
  retries?: number;
  /** Wait before the first retry, doubled for each next one, ms. Default 1,000. */
  retryDelayMs?: number;
  /** Alerts waiting per URL; past it the oldest waiting one is dropped (and counted). Default 100. */
  maxQueue?: number;
  /** The fetch to post with. Default the global `fetch`. */
  fetch?: typeof fetch;
  /** Diagnostics: a failure, with the URL's origin only (a webhook's path or query may hold a secret). Default none. */
  log?: (line: string) => void;
}

/** What the sender counted. */
export interface WebhookCounters {
  sent: number;
  failures: number;
  dropped: number;
}

interface Target {
  url: URL;
  queue: AlertEvent[];
  busy: boolean;
}

/** See the file comment. */
export class WebhookSender {
  readonly counters: WebhookCounters = { sent: 0, failures: 0, dropped: 0 };
  private readonly targets = new Map<string, Target>();
  private readonly options: Required<Omit<WebhookSenderOptions, 'log'>> & Pick<WebhookSenderOptions, 'log'>;
  private readonly inFlight = new Set<AbortController>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(options: WebhookSenderOptions = {}) {
    this.options = {
      timeoutMs: options.timeoutMs ?? 3000,
      retries: options.retries ?? 2,
      retryDelayMs: options.retryDelayMs ?? 1000,
      maxQueue: options.maxQueue ?? 100,
      fetch: options.fetch ?? fetch,
      log: options.log,
    };
  }

  /** Queue an alert for a URL; returns at once. */
  send(url: URL, alert: AlertEvent): void {
    if (this.closed) return;
    let target = this.targets.get(url.href);
    if (!target) this.targets.set(url.href, (target = { url, queue: [], busy: false }));
    if (target.queue.length >= this.options.maxQueue) {
      target.queue.shift();
      this.counters.dropped++;
    }
    target.queue.push(alert);
    if (!target.busy) void this.drain(target);
  }

  /** Alerts still waiting or in flight (for tests and the close). */
  get pending(): number {
    let n = 0;
    for (const t of this.targets.values()) n += t.queue.length + (t.busy ? 1 : 0);
    return n;
  }

  /** Abort posts in flight and drop the queues (counted as dropped); twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.targets.values()) {
      this.counters.dropped += t.queue.length;
      t.queue.length = 0;
    }
    for (const c of this.inFlight) c.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async drain(target: Target): Promise<void> {
    target.busy = true;
    while (!this.closed && target.queue.length > 0) {
      const alert = target.queue.shift() as AlertEvent;
      const body = JSON.stringify({ source: 'switchyard', alert });
      let delivered = false;
      for (let attempt = 0; attempt <= this.options.retries && !this.closed; attempt++) {
        if (attempt > 0) await this.sleep(this.options.retryDelayMs * 2 ** (attempt - 1));
        if (this.closed) break;
        const error = await this.post(target.url, body);
        if (error === null) {
          delivered = true;
          break;
        }
        this.counters.failures++;
        this.options.log?.(`switchyard: webhook ${target.url.origin} failed (attempt ${attempt + 1} of ${this.options.retries + 1}): ${error}`);
      }
      if (delivered) this.counters.sent++;
      else this.counters.dropped++;
    }
    target.busy = false;
  }

  /** One post; null when answered with a 2xx, else why not. */
  private async post(url: URL, body: string): Promise<string | null> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      // redirect: 'manual': a webhook that redirects elsewhere is a failure, not a reason to post there.
      const res = await this.options.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: controller.signal, redirect: 'manual' });
      await res.body?.cancel().catch(() => {});
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (err) {
      return controller.signal.aborted ? (this.closed ? 'closed' : `no answer within ${this.options.timeoutMs} ms`) : (err as Error).message;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.add(timer);
    });
  }
}
