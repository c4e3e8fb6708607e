/**
 * What the dashboard knows about each process's runs, for the separator line at the start of a
 * run ("run 3 · started 18:20:01 · exited 1"). The row holds only the run's number; its text is
 * made when drawn, so a run that ends later reads "exited 1" on the separator drawn earlier.
 */
import type { RunInfo } from '../../../shared/protocol/payloads/logs';

/** One run as far as it is known. */
export interface RunFacts {
  startedAt?: string;
  endedAt?: string;
  exitCode?: number;
  signal?: string;
}

/** Runs by process and number. */
export class RunRegistry {
  private readonly runs = new Map<string, Map<number, RunFacts>>();

  /** A run from the stored history (`logs.read`'s `runs`). */
  learn(info: RunInfo): void {
    const facts = this.facts(info.process, info.run);
    facts.startedAt = info.startedAt;
    if (info.endedAt !== undefined) facts.endedAt = info.endedAt;
    if (info.exitCode !== undefined) facts.exitCode = info.exitCode;
    if (info.signal !== undefined) facts.signal = info.signal;
  }

  started(processId: string, run: number, at: string): void {
    const facts = this.facts(processId, run);
    facts.startedAt ??= at;
  }

  ended(processId: string, run: number, at: string, exitCode?: number, signal?: string): void {
    const facts = this.facts(processId, run);
    facts.endedAt ??= at;
    if (exitCode !== undefined) facts.exitCode = exitCode;
    if (signal !== undefined) facts.signal = signal;
  }

  get(processId: string, run: number): RunFacts | undefined {
    return this.runs.get(processId)?.get(run);
  }

  /** "run 3 · started 18:20:01 · exited 1". */
  describe(processId: string, run: number, formatTime: (ms: number) => string): string {
    const f = this.get(processId, run);
    const parts = [`run ${run}`];
    if (f?.startedAt) parts.push(`started ${formatTime(Date.parse(f.startedAt))}`);
    if (f?.signal) parts.push(`stopped by ${f.signal}`);
    else if (f?.exitCode !== undefined) parts.push(`exited ${f.exitCode}`);
    else if (f?.endedAt) parts.push('ended');
    return parts.join(' · ');
  }

  private facts(processId: string, run: number): RunFacts {
    let byRun = this.runs.get(processId);
    if (!byRun) this.runs.set(processId, (byRun = new Map()));
    let facts = byRun.get(run);
    if (!facts) byRun.set(run, (facts = {}));
    return facts;
  }
}
