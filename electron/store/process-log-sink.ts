/** What the supervisor writes each process's runs and lines through (the LogStore is one). */
import type { Level, OutputStream } from '../../shared/protocol';

/** How a run ended. */
export interface RunEnd {
  /** The run; default the process's current run. */
  run?: number;
  /** ms since the epoch; default now. */
  endedAt?: number;
  exitCode?: number;
  signal?: string;
}

/** What the supervisor writes through (the LogStore is one; a test may record instead). */
export interface ProcessLogSink {
  /** Begin a run of `process`; returns its number (1 for the first ever, continuing across restarts of Switchyard). */
  beginRun(process: string, startedAt?: number): number;
  endRun(process: string, end?: RunEnd): void;
  /** Store one line. `time` is ms since the epoch (default now); `level` as detectLevel found it. */
  append(process: string, stream: OutputStream, data: string, level?: Level, time?: number): void;
  /** Store a chunk of lines read at one time (ms). */
  appendChunk(process: string, lines: ReadonlyArray<{ data: string; stream: OutputStream; level?: Level }>, time?: number): void;
  /** The last run number of a process (0 when it never ran). */
  lastRun(process: string): number;
  /** Follow a process's `store` setting: `enabled: false` stores nothing more of it, `true` stores it again. */
  configure(process: string, settings: { enabled?: boolean }): void;
  /** Whether new lines of `process` are stored (the list item's `stored`). */
  isStored(process: string): boolean;
}
