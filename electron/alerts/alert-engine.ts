/**
 * The alert engine: turns process statuses and output lines into alerts by the configured rules,
 * throttles repeats, publishes each on the `alerts` channel (AlertEventSchema), hands it to local
 * listeners (the desktop window's native notifications) and to the rule's webhook.
 *
 * Its inputs are the two calls of {@link AlertInputs}, fed from the supervisor's output (see
 * hub-tap.ts). A line costs a loop over the `match` rules of its process and, when a `silence`
 * rule watches it, one clock read; statuses are rare.
 */
import { ALERTS_CHANNEL, ALERTS_KEPT, LEVELS, hasGivenUp, qualifyProcessId, type AlertCounters, type AlertEvent, type AlertRuleKind, type Level, type ProcessStatusData } from '../../shared/protocol';
import type { Timers } from '../../shared/timers';
import type { AlertRule } from './alert-rules';
import { AlertThrottle } from './alert-throttle';
import { WebhookSender, type WebhookSenderOptions } from './webhook-sender';

/** One output line as the engine reads it. */
export interface AlertLine {
  data: string;
  /** The line's level, where the supervisor found one. */
  level?: Level;
}

/** What feeds the engine: the lead wires these from the supervisor. */
export interface AlertInputs {
  /** A process's status changed (the `process_status` payload). */
  onStatus(id: string, data: ProcessStatusData): void;
  /** A process printed lines. */
  onLines(id: string, lines: readonly AlertLine[]): void;
  /** A process was removed: forget its timers. */
  onRemoved(id: string): void;
}

/** Options of {@link AlertEngine}. */
export interface AlertEngineOptions {
  rules: readonly AlertRule[];
  /** Publish an `event` into the hub (`hub.publishEvent`: failures are the hub's to count and report). */
  publishEvent: (channel: string, data: unknown) => void;
  /** Throttle window per rule and process, ms. Default 60,000. */
  throttleMs?: number;
  /** How often `silence` rules are checked, ms. Default 1,000 (or a quarter of the shortest silence). */
  silenceCheckMs?: number;
  /** Latest alerts kept for `alerts.list`. Default {@link ALERTS_KEPT} (200). */
  keep?: number;
  /** Webhook delivery. */
  webhook?: WebhookSenderOptions;
  /** Clock. Default `Date.now`. */
  now?: () => number;
  /** Timers of the throttle (shared/timers.ts). Default Node's. */
  timers?: Timers;
  /**
   * This node's name on a shared engine: every alert then names its process `<id>@<node>`, in
   * its `process` and its message, on the channel, in `alerts.list`, to the listeners and the
   * webhooks alike (they all read the one alert built here). Default none: bare ids.
   */
  node?: string;
}

/** Longest line excerpt in a `match` alert's message. */
const EXCERPT = 200;
/** Only the start of a long line is tested: a pattern's cost stays bounded whatever a process prints. */
const TESTED = 4096;
const SEVERITY = new Map<Level, number>(LEVELS.map((l, i) => [l, i]));
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

interface Pending {
  rule: AlertRule;
  /** As the alert names it (qualified on a shared engine). */
  process: string;
  message: string;
  time: string;
  level?: Level;
}

/** See the file comment. */
export class AlertEngine implements AlertInputs {
  private readonly rules: readonly AlertRule[];
  private readonly matchRules: readonly AlertRule[];
  private readonly silenceRules: readonly AlertRule[];
  private readonly throttle: AlertThrottle<Pending>;
  private readonly webhooks: WebhookSender;
  private readonly listeners = new Set<(alert: AlertEvent) => void>();
  private readonly recent: AlertEvent[] = [];
  private readonly now: () => number;
  private readonly health = new Map<string, string>();
  /** Last output (or start) of running processes watched by a silence rule. */
  private readonly lastOutput = new Map<string, number>();
  /** Silence rules that fired for a process, until it prints again. */
  private readonly silent = new Set<string>();
  private readonly silenceTimer: NodeJS.Timeout | null = null;
  private published = 0;
  private closed = false;
  /** How an alert names a process (qualified on a shared engine). */
  private readonly name: (id: string) => string;

  constructor(private readonly options: AlertEngineOptions) {
    if (typeof options?.publishEvent !== 'function') throw new TypeError('AlertEngine needs options.publishEvent');
    this.rules = options.rules;
    this.matchRules = this.rules.filter((r) => r.on === 'match');
    this.silenceRules = this.rules.filter((r) => r.on === 'silence');
    this.now = options.now ?? Date.now;
    const node = options.node;
    this.name = node === undefined ? (id) => id : (id) => qualifyProcessId(id, node);
    this.throttle = new AlertThrottle((p, count) => this.publish(p, count), { windowMs: options.throttleMs, now: this.now, timers: options.timers });
    this.webhooks = new WebhookSender(options.webhook);
    if (this.silenceRules.length > 0) {
      const shortest = Math.min(...this.silenceRules.map((r) => r.silenceMs ?? 60_000));
      const every = options.silenceCheckMs ?? Math.min(1000, Math.max(50, shortest / 4));
      this.silenceTimer = setInterval(() => this.checkSilence(), every);
      this.silenceTimer.unref();
    }
  }

  /** Hear every alert published (the desktop shell's notifications); returns an unsubscribe. */
  onAlert(listener: (alert: AlertEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest alerts, oldest first (`alerts.list`). */
  list(): AlertEvent[] {
    return this.recent.slice();
  }

  /** What was published, folded and delivered. */
  counters(): AlertCounters {
    const w = this.webhooks.counters;
    return { published: this.published, throttled: this.throttle.folded, webhookSent: w.sent, webhookFailures: w.failures, webhookDropped: w.dropped };
  }

  /** Webhook posts still waiting or in flight. */
  get webhooksPending(): number {
    return this.webhooks.pending;
  }

  onStatus(id: string, data: ProcessStatusData): void {
    if (this.closed) return;
    const ended = data.status === 'exited' || data.status === 'failed';
    if (data.status === 'running') this.watch(id);
    else if (data.status !== 'starting') this.unwatch(id); // a process being stopped is not expected to talk
    const name = this.name(id);
    if (ended) {
      const crashed = data.status === 'failed' || (data.exitCode !== undefined && data.exitCode !== 0) || data.signal !== undefined;
      if (crashed) this.fire('crash', id, crashMessage(name, data));
      this.fire('exit', id, exitMessage(name, data));
      if (hasGivenUp(data)) this.fire('gave_up', id, data.reason ? `${name} ${data.reason}` : `${name} gave up restarting`);
    }
    if (data.health !== undefined) {
      const before = this.health.get(id);
      this.health.set(id, data.health);
      if (data.health === 'unhealthy' && before !== 'unhealthy') this.fire('unhealthy', id, data.reason ? `${name} is unhealthy: ${data.reason}` : `${name} is unhealthy`);
    }
  }

  /** Whether lines of a process can matter (a `match` rule for it, or a `silence` rule watching it): callers may skip the rest. */
  wantsLines(id: string): boolean {
    return this.lastOutput.has(id) || this.matchRules.some((r) => r.process === undefined || r.process === id);
  }

  onLines(id: string, lines: readonly AlertLine[]): void {
    if (this.closed || lines.length === 0) return;
    if (this.lastOutput.has(id)) {
      this.lastOutput.set(id, this.now());
      this.silent.delete(id);
    }
    for (const rule of this.matchRules) {
      if (rule.process !== undefined && rule.process !== id) continue;
      for (const line of lines) {
        if (!matches(rule, line)) continue;
        const text = plain(line.data);
        const message = `${this.name(id)}: ${text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text}`;
        this.push(rule, id, message, line.level);
      }
    }
  }

  onRemoved(id: string): void {
    this.unwatch(id);
    this.health.delete(id);
    for (const rule of this.rules) this.throttle.forget(`${rule.index}\0${id}`);
  }

  /** Stop timers and webhook posts; twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.throttle.close();
    this.webhooks.close();
    this.listeners.clear();
  }

  private watch(id: string): void {
    if (!this.silenceRules.some((r) => r.process === undefined || r.process === id)) return;
    this.lastOutput.set(id, this.now());
    this.silent.delete(id);
  }

  private unwatch(id: string): void {
    this.lastOutput.delete(id);
    this.silent.delete(id);
  }

  private checkSilence(): void {
    const now = this.now();
    for (const [id, last] of this.lastOutput) {
      if (this.silent.has(id)) continue;
      for (const rule of this.silenceRules) {
        if (rule.process !== undefined && rule.process !== id) continue;
        const ms = rule.silenceMs ?? 60_000;
        if (now - last < ms) continue;
        this.silent.add(id); // once per silence: again only after the process printed
        this.push(rule, id, `${this.name(id)} printed nothing for ${formatSeconds(ms)}`);
        break;
      }
    }
  }

  private fire(kind: AlertRuleKind, id: string, message: string): void {
    for (const rule of this.rules) {
      if (rule.on === kind && (rule.process === undefined || rule.process === id)) this.push(rule, id, message);
    }
  }

  private push(rule: AlertRule, process: string, message: string, level?: Level): void {
    const pending: Pending = { rule, process: this.name(process), message, time: new Date(this.now()).toISOString() };
    if (level !== undefined) pending.level = level;
    this.throttle.push(`${rule.index}\0${process}`, pending);
  }

  private publish(p: Pending, count: number): void {
    if (this.closed) return;
    const alert: AlertEvent = { kind: 'alert', rule: p.rule.on, ruleIndex: p.rule.index, process: p.process, message: p.message, time: p.time, count };
    if (p.level !== undefined) alert.level = p.level;
    this.recent.push(alert);
    if (this.recent.length > (this.options.keep ?? ALERTS_KEPT)) this.recent.shift();
    this.options.publishEvent(ALERTS_CHANNEL, alert);
    this.published++;
    for (const l of this.listeners) {
      try {
        l(alert);
      } catch {
        // A listener's failure (a notification the OS refused) must not stop the others.
      }
    }
    if (p.rule.webhook) this.webhooks.send(p.rule.webhook, alert);
  }
}

function matches(rule: AlertRule, line: AlertLine): boolean {
  if (rule.level !== undefined) {
    if (line.level === undefined || (SEVERITY.get(line.level) ?? 99) > (SEVERITY.get(rule.level) ?? 0)) return false;
  }
  if (rule.pattern) {
    rule.pattern.lastIndex = 0;
    return rule.pattern.test(plain(line.data.length > TESTED ? line.data.slice(0, TESTED) : line.data));
  }
  return true;
}

function plain(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}

function crashMessage(id: string, d: ProcessStatusData): string {
  if (d.status === 'failed') return d.reason ? `${id} failed: ${d.reason}` : `${id} failed to start`;
  if (d.signal) return `${id} was killed by ${d.signal}${d.exitCode !== undefined ? ` (code ${d.exitCode})` : ''}`;
  return `${id} exited with code ${d.exitCode ?? '?'}`;
}

function exitMessage(id: string, d: ProcessStatusData): string {
  if (d.status === 'failed') return crashMessage(id, d);
  return d.exitCode === 0 ? `${id} exited cleanly (code 0)` : crashMessage(id, d);
}

function formatSeconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;
}
