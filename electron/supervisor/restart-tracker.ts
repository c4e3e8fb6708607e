/**
 * The restart policy's bookkeeping for one process: the counts the list and the metrics show,
 * the streak that drives the backoff and the cap, the retries of a spawn that failed for lack of
 * resources, and the one timer of a pending restart.
 */
import { restartPolicyOf, type ProcessDefinition } from './process-definition';
import { restartDelayMs, spawnRetryDelayMs } from './restart-backoff';

/** Counts automatic restarts and holds the timer of the next. */
export class RestartTracker {
  /** Automatic restarts since the last start by a user (the list's `restarts`). */
  count = 0;
  /** Automatic restarts of every kind since this process was defined (a Prometheus counter). */
  total = 0;
  /** Automatic restarts since the last run that lived `resetAfterMs`: drives the backoff and the cap. */
  streak = 0;
  /** The policy's cap was reached. */
  gaveUp = false;
  private spawnFailures = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly def: ProcessDefinition) {}

  /** Whether a restart (or a spawn retry) is waiting for its time. */
  get pending(): boolean {
    return this.timer !== null;
  }

  /** A start by a user: the counting begins again (the total goes on). */
  reset(): void {
    this.cancel();
    this.count = 0;
    this.streak = 0;
    this.spawnFailures = 0;
    this.gaveUp = false;
  }

  /** A run spawned: a resource shortage, if there was one, is over. */
  spawned(): void {
    this.spawnFailures = 0;
  }

  /** A spawn failed for lack of resources: the wait before the next try. */
  nextSpawnRetry(): number {
    this.spawnFailures++;
    return spawnRetryDelayMs(this.spawnFailures);
  }

  /** After a run ended: the delay before the next automatic restart, 'limit' when the cap is reached (it gives up), null when none is due. */
  afterExit(failed: boolean, livedMs: number): number | 'limit' | null {
    const p = restartPolicyOf(this.def);
    if (!(p.mode === 'always' || (p.mode === 'on-failure' && failed))) return null;
    if (livedMs >= p.resetAfterMs) this.streak = 0; // it ran fine for a while: a fresh crash, not a loop
    if (this.streak >= p.maxRestarts) {
      this.gaveUp = true;
      return 'limit';
    }
    return restartDelayMs(p, this.streak);
  }

  /** Count one automatic restart; a restart for a file change (`inStreak: false`) is no crash and leaves the streak alone. */
  counted(inStreak: boolean): void {
    this.count++;
    this.total++;
    if (inStreak) this.streak++;
  }

  /** Run `restart` after `delayMs`. */
  schedule(delayMs: number, restart: () => void): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      restart();
    }, delayMs);
  }

  /** Forget the pending restart, if any. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
