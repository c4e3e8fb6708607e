/**
 * The lines one pipe chunk produced, gathered and sent on together: a chunk's lines are emitted
 * synchronously, one call each, so they are collected until the end of the turn (a microtask),
 * stamped with one clock read, given their level where they say one (shared/logs/level.ts), then
 * published as one engine call and stored as one batch. One call per chunk instead of per line is
 * what keeps the per-line cost of ingest low.
 */
import { detectLevel } from '../../shared/logs/level';
import type { OutputStream } from '../../shared/protocol';
import { timestampAt } from '../hub/clock';
import type { OutputLine } from '../hub/wire-frame';

/** Where a finished batch goes. */
export type BatchSink = (processId: string, lines: OutputLine[], timeMs: number) => void;

/** See the file comment. */
export class OutputBatch {
  private readonly pending = new Map<string, OutputLine[]>();
  private queued = false;

  constructor(private readonly sink: BatchSink) {}

  /** One line of a process, sent with the others of this turn. */
  add(processId: string, data: string, stream: OutputStream): void {
    let lines = this.pending.get(processId);
    if (!lines) this.pending.set(processId, (lines = []));
    lines.push({ data, stream, time: '' });
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(this.flush);
  }

  private readonly flush = (): void => {
    this.queued = false;
    const ms = Date.now();
    const time = timestampAt(ms);
    for (const [id, lines] of this.pending) {
      for (const line of lines) {
        line.time = time;
        const level = detectLevel(line.data);
        if (level) line.level = level;
      }
      this.sink(id, lines, ms);
    }
    this.pending.clear();
  };
}
