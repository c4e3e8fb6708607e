/**
 * A process's output across its runs, on its way to the hub: the counts the list shows, the
 * pause while the hub is congested, and the `\r` rule across its two streams.
 *
 * Output is read chunk by chunk; when the hub reports congestion both pipes are paused until it
 * drains, so the child blocks on write instead of our memory growing. A line the hub refuses
 * (its publish throws) is counted in `skipped`.
 */
import type { OutputStream } from '../../shared/protocol';
import { replacesPrevious, visibleText } from '../../shared/logs/progress-rule';
import type { ManagedProcessHooks } from './managed-process-hooks';

/** The output counts and the pause of one process. */
export class OutputFlow {
  /** What the process list shows of the output (`coalesced` without the alive run's). */
  readonly counters = { linesOut: 0, bytesOut: 0, skipped: 0, coalesced: 0, pauses: 0 };
  /** Output is paused until the hub drains. */
  paused = false;
  private lastStream: OutputStream | null = null;

  constructor(
    private readonly id: string,
    private readonly hooks: Pick<ManagedProcessHooks, 'output' | 'congested'>,
  ) {}

  /** A chunk of `size` bytes arrived from a run (`current`: the process's alive one); true when that run must pause now. */
  chunk(size: number, current: boolean): boolean {
    this.counters.bytesOut += size;
    if (this.paused || !current || !this.hooks.congested()) return false;
    this.paused = true;
    this.counters.pauses++;
    return true;
  }

  /** Send one line to the hub. */
  line(line: string, stream: OutputStream): void {
    // A `\r` update replaces the previous line of the process. When the other stream wrote a line
    // in between, that previous line is not ours to replace: append the update instead, and later
    // updates replace it. So viewers can apply the rule per process, without tracking streams.
    if (replacesPrevious(line) && this.lastStream !== stream) line = visibleText(line);
    this.lastStream = stream;
    try {
      this.hooks.output(this.id, line, stream);
      this.counters.linesOut++;
    } catch {
      this.counters.skipped++;
    }
  }

  /** Lines the hub could not publish (reported after the fact: publishing is asynchronous). */
  addSkipped(count: number): void {
    this.counters.skipped += count;
    this.counters.linesOut = Math.max(0, this.counters.linesOut - count);
  }

  /** The hub drained: true when output was paused (and is no longer). */
  resume(): boolean {
    if (!this.paused) return false;
    this.paused = false;
    return true;
  }

  /** A run ended: keep the count of its coalesced `\r` states; a paused run is paused no more. */
  runEnded(coalesced: number): void {
    this.counters.coalesced += coalesced;
    this.paused = false;
  }
}
