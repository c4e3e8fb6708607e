/**
 * Where each process's runs and lines are kept beyond the hub's memory (the log store, through
 * its ProcessLogSink): a run begins when a process is `running` and ends with its exit, stop or
 * failure; every status of a run carries its number (`run`, counted from 1 for the process,
 * across restarts of Switchyard). Without a sink the runs are still counted, in memory.
 */
import type { Level, OutputStream, ProcessStatusData } from '../../shared/protocol';
import type { ProcessLogSink } from '../store/log-store';

/** Statuses that end a run. */
const ENDS = new Set(['exited', 'failed', 'stopped']);

/** See the file comment. */
export class RunJournal {
  private readonly current = new Map<string, number>();
  private readonly counted = new Map<string, number>();

  constructor(private readonly sink: ProcessLogSink | undefined) {}

  /** A status is about to be published: give it its run, and begin or end the run in the sink. */
  onStatus(id: string, data: ProcessStatusData): void {
    if (data.status === 'running' && !this.current.has(id)) {
      const run = this.sink ? this.sink.beginRun(id, Date.now()) : (this.counted.get(id) ?? 0) + 1;
      this.counted.set(id, run);
      this.current.set(id, run);
    }
    const run = this.current.get(id);
    if (run === undefined) return;
    data.run = run;
    if (ENDS.has(data.status)) {
      this.current.delete(id);
      this.sink?.endRun(id, { run, exitCode: data.exitCode, signal: data.signal, endedAt: Date.now() });
    }
  }

  /** A chunk of a process's lines, read at `timeMs`. */
  lines(id: string, lines: ReadonlyArray<{ data: string; stream: OutputStream; level?: Level }>, timeMs: number): void {
    this.sink?.appendChunk(id, lines, timeMs);
  }

  /**
   * A process was defined (at launch or by `process.add`): the sink follows its `store` setting
   * from now on. Nothing is undone at `process.remove`: lines of a removed process still in the
   * output batch must not be stored when it said `store: false`; a new definition of the id sets it again.
   */
  define(id: string, store: boolean | undefined): void {
    this.sink?.configure(id, { enabled: store !== false });
  }

  /** Whether a process's lines are stored (undefined without a sink). */
  stored(id: string): boolean | undefined {
    return this.sink?.isStored(id);
  }

  /** The run a process is in, else its last one (0 when it never ran). */
  runOf(id: string): number {
    return this.current.get(id) ?? this.counted.get(id) ?? this.sink?.lastRun(id) ?? 0;
  }
}
