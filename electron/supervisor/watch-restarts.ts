/**
 * Restarts on file changes (`watch`) for one process: the file watcher (file-watch.ts) while the
 * process is wanted, and one restart per settled burst, never two at once (a burst during a
 * restart gives one more restart after it). What a restart is belongs to the process.
 */
import { FileWatch } from './file-watch';
import type { WatchSpec } from './orchestration-definition';

/** What the process provides. */
export interface WatchRestartsOwner {
  /** Whether a change should restart the process now (it runs, or ended by itself). */
  wantsRestart(): boolean;
  /** Restart with this reason; resolves once the new run is spawned. */
  restart(reason: string): Promise<void>;
  /** A watcher failure (the inotify limit, say). */
  warn(message: string): void;
}

/** See the file comment. */
export class WatchRestarts {
  private watcher: FileWatch | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly spec: WatchSpec,
    private readonly cwd: () => string,
    private readonly owner: WatchRestartsOwner,
  ) {}

  /** Whether the watcher is open. */
  get open(): boolean {
    return this.watcher !== null;
  }

  /** Start watching (the process was started). Twice is harmless. */
  start(): void {
    if (this.watcher) return;
    this.watcher = new FileWatch({
      cwd: this.cwd(),
      spec: this.spec,
      onChange: (file, count) => void this.changed(`file changed: ${file}${count > 1 ? ` (and ${count - 1} more changes)` : ''}`),
      onError: (message) => this.owner.warn(message),
    });
  }

  /** Resolves once the watcher has scanned its folders (immediately when not watching). */
  ready(): Promise<void> {
    return this.watcher?.ready ?? Promise.resolve();
  }

  /** Stop watching (the process was stopped by a user, or for good). Twice is harmless. */
  async stop(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = null;
    await watcher?.close();
  }

  private async changed(reason: string): Promise<void> {
    if (!this.watcher || !this.owner.wantsRestart()) return;
    while (this.running) await this.running;
    if (!this.watcher) return;
    this.running = this.owner.restart(reason);
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }
}
