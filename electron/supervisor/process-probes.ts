/**
 * The probes of one run and what they mean:
 * - readiness: `health` is `checking` from the start of the run until the first check passes
 *   (`healthy`, with `healthyAt`), or until `failureThreshold` checks failed in a row
 *   (`unhealthy`, with the last failure's message). It keeps checking: an unhealthy process can
 *   become healthy, and a healthy one unhealthy again.
 * - liveness: starts once the run is healthy (when it has a readiness probe; else at once, after
 *   its `initialDelayMs`); `failureThreshold` failures in a row end the run, and the owner restarts
 *   it under its restart policy with the reason "liveness probe failed: …".
 * Both stop with the run (`stop()`), their check in flight cancelled.
 */
import type { Health } from '../../shared/protocol';
import type { ProcessDefinition } from './process-definition';
import type { ExecContext } from './probe-checks';
import { Probe } from './probe';

/** What the probes tell their process. */
export interface ProcessProbesListener {
  /** `health` (or its message) changed. */
  healthChanged(): void;
  /** The liveness probe failed `failureThreshold` times in a row. */
  livenessFailed(message: string): void;
}

/** The probes of one run; see the file comment. */
export class ProcessProbes {
  /** Undefined when the process has no readiness probe. */
  health: Health | undefined;
  /** ISO time the readiness probe first passed in this run. */
  healthyAt: string | undefined;
  /** The last failed check's message while not healthy (for dependants' reasons). */
  lastFailure: string | undefined;
  private readonly readiness: Probe | null;
  private readonly liveness: Probe | null;
  private stopped = false;

  constructor(def: ProcessDefinition, context: ExecContext, private readonly listener: ProcessProbesListener) {
    this.readiness = def.readiness
      ? new Probe(def.readiness, context, { success: () => this.ready(), failure: (r, n) => this.notReady(r.message, n) }, { latchLog: true })
      : null;
    this.liveness = def.liveness
      ? new Probe(def.liveness, context, { success: () => {}, failure: (r, n) => this.notLive(r.message, n) }, { latchLog: false })
      : null;
    if (this.readiness) this.health = 'checking';
  }

  /** Start the probes (the run is alive). */
  start(): void {
    this.readiness?.start();
    if (!this.readiness) this.liveness?.start();
  }

  /** Stop both probes for good. Twice is harmless. */
  stop(): void {
    this.stopped = true;
    this.readiness?.stop();
    this.liveness?.stop();
  }

  /** An output line of the run, for `log` probes. */
  line(text: string): void {
    this.readiness?.line(text);
    this.liveness?.line(text);
  }

  private ready(): void {
    if (this.stopped) return;
    this.lastFailure = undefined;
    if (this.health === 'healthy') return;
    this.health = 'healthy';
    this.healthyAt ??= new Date().toISOString();
    this.liveness?.start();
    this.listener.healthChanged();
  }

  private notReady(message: string, inRow: number): void {
    if (this.stopped) return;
    const changed = this.lastFailure !== message;
    this.lastFailure = message;
    const threshold = this.readiness?.spec.failureThreshold ?? 1;
    if (inRow >= threshold && this.health !== 'unhealthy') {
      this.health = 'unhealthy';
      this.listener.healthChanged();
    } else if (changed && this.health !== 'healthy') {
      this.listener.healthChanged(); // a new reason for waiting dependants
    }
  }

  private notLive(message: string, inRow: number): void {
    if (this.stopped || inRow < (this.liveness?.spec.failureThreshold ?? 1)) return;
    this.liveness?.stop();
    this.listener.livenessFailed(message);
  }
}
