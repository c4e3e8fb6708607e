/**
 * A probe: one kind of check (probe-checks.ts, or a `log` pattern over output lines) repeated
 * every `periodMs` while its process runs. The next check is scheduled only when the previous one
 * has finished, so checks never pile up, whatever a check's timeout; `stop()` cancels the one in
 * flight (an exec check's group is killed). The probe counts failures in a row and reports every
 * result; what a result means (health, a restart) is for its owner (process-probes.ts).
 */
import type { ProbeSpec } from './orchestration-definition';
import { checkExec, checkHttp, checkTcp, stripAnsi, type CheckResult, type ExecContext } from './probe-checks';

/** How much of each output line a `log` probe looks at. */
export const MAX_LOG_PROBE_CHARS = 4096;

/** What a probe tells its owner. */
export interface ProbeListener {
  /** A check passed. */
  success(result: CheckResult): void;
  /** A check failed; `inRow` counts the failures since the last success (1, 2, ...). */
  failure(result: CheckResult, inRow: number): void;
}

/** Options of {@link Probe}. */
export interface ProbeOptions {
  /**
   * For `log` probes: true when one matching line counts for the rest of the run (readiness),
   * false when a matching line must appear again before each check (liveness: a heartbeat).
   */
  latchLog: boolean;
}

/** One running probe; see the file comment. */
export class Probe {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: AbortController | null = null;
  private stopped = true;
  private failures = 0;
  private readonly pattern: RegExp | null;
  private matched = false;
  private matchedLine = '';

  constructor(
    readonly spec: ProbeSpec,
    private readonly context: ExecContext,
    private readonly listener: ProbeListener,
    private readonly options: ProbeOptions,
  ) {
    this.pattern = spec.kind === 'log' ? new RegExp(spec.pattern) : null;
  }

  /** Begin checking after `delayMs` (default: the spec's `initialDelayMs`). Twice is harmless. */
  start(delayMs = this.spec.initialDelayMs): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(delayMs);
  }

  /** Stop checking and cancel the check in flight. Twice is harmless. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.inFlight?.abort();
    this.inFlight = null;
  }

  /** Whether the probe is checking (or waiting for its next check). */
  get running(): boolean {
    return !this.stopped;
  }

  /** One output line of the process (only `log` probes look). */
  line(text: string): void {
    if (!this.pattern || this.matched) return;
    // The pattern is the operator's, the line the process's: only its start is looked at, so that
    // a pattern that backtracks badly cannot be fed 64 KiB lines to stall the supervisor.
    if (!this.pattern.test(stripAnsi(text.slice(0, MAX_LOG_PROBE_CHARS)))) return;
    this.matched = true;
    this.matchedLine = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    // A readiness line counts at once: dependants should not wait for the next period.
    if (this.options.latchLog && !this.stopped && !this.inFlight) {
      if (this.timer) clearTimeout(this.timer);
      this.schedule(0);
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runCheck();
    }, delayMs);
    this.timer.unref();
  }

  private async runCheck(): Promise<void> {
    if (this.stopped) return;
    const controller = new AbortController();
    this.inFlight = controller;
    const result = await this.check(controller.signal);
    if (this.inFlight !== controller || this.stopped) return; // stopped meanwhile: the result is stale
    this.inFlight = null;
    if (result.ok) {
      this.failures = 0;
      this.listener.success(result);
    } else {
      this.failures++;
      this.listener.failure(result, this.failures);
    }
    if (!this.stopped && !this.timer) this.schedule(this.spec.periodMs);
  }

  private check(signal: AbortSignal): Promise<CheckResult> {
    const spec = this.spec;
    switch (spec.kind) {
      case 'tcp':
        return checkTcp(spec.port, spec.host, spec.timeoutMs, signal);
      case 'http':
        return checkHttp(spec.url, spec.timeoutMs, signal);
      case 'exec':
        return checkExec(spec.command, this.context, spec.timeoutMs, signal);
      case 'log': {
        const ok = this.matched;
        const result: CheckResult = ok
          ? { ok, message: `a line matched /${spec.pattern}/: ${this.matchedLine}` }
          : { ok, message: `no line matched /${spec.pattern}/${this.options.latchLog ? '' : ` within ${spec.periodMs} ms`}` };
        if (!this.options.latchLog) this.matched = false;
        return Promise.resolve(result);
      }
    }
  }
}
