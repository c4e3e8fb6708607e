/** A LogStore's options: their defaults, and the checks that refuse a bad one at once. */
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SearchLimits } from './log-search';
import { projectFolderName, stateRoot } from './state-dir';

export const MiB = 1024 * 1024;

/** Options of a LogStore (log-store.ts). */
export interface LogStoreOptions {
  /** The project folder: its real path names the store's folder under the state root. Required. */
  projectDir: string;
  /** The state root. Default `$XDG_STATE_HOME/switchyard`, else `~/.local/state/switchyard`. */
  stateDir?: string;
  /** Environment read for `XDG_STATE_HOME`. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Store anything at all (the global off switch). Default true; false creates nothing, and reads answer empty. */
  enabled?: boolean;
  /** Cap per process, bytes. Default 64 MiB. */
  maxBytesPerProcess?: number;
  /** Cap of the whole store, bytes. Default 1 GiB. */
  maxBytes?: number;
  /** Longest a line waits in memory before it is written, ms. Default 100. */
  flushIntervalMs?: number;
  /** A process's batch is written once it holds this many lines. Default 4096. */
  batchLines?: number;
  /** Hears of damage found, write failures and the like (also counted in {@link LogStore.stats}). Default: none. */
  onWarning?: (message: string) => void;
  /** Limits of `logs.search` calls. */
  search?: Partial<SearchLimits> & {
    /** Longest one regex request may run in the worker before it is killed, ms. Default 2000. */
    regexTimeoutMs?: number;
    /** Searches running at once; more are refused with `rate_limited`. Default 4. */
    maxConcurrent?: number;
  };
}

/** The options with their defaults applied, checked, and what follows from them. */
export interface StoreSettings {
  enabled: boolean;
  maxBytesPerProcess: number;
  maxBytes: number;
  flushIntervalMs: number;
  batchLines: number;
  /**
   * A batch is also written once its text reaches this many characters (a quarter segment, at
   * most 60,000): a block's text then decodes into a string of V8's young generation, not into
   * its large-object space (which costs fresh pages for every string).
   */
  batchChars: number;
  segmentBytes: number;
  limits: SearchLimits;
  maxSearches: number;
  regexTimeoutMs: number;
  warn: (message: string) => void;
  /** The project's folder under the state root. */
  dir: string;
  /** The project folder's real path, as project.json names it. */
  projectPath: string;
}

/** Apply the defaults; throws TypeError without a project folder and RangeError for a value that is not positive. */
export function resolveStoreOptions(options: LogStoreOptions): StoreSettings {
  if (!options || typeof options.projectDir !== 'string' || options.projectDir === '') throw new TypeError('LogStore needs options.projectDir (the project folder)');
  const maxBytesPerProcess = positive(options.maxBytesPerProcess, 64 * MiB, 'maxBytesPerProcess');
  const maxBytes = positive(options.maxBytes, 1024 * MiB, 'maxBytes');
  const flushIntervalMs = positive(options.flushIntervalMs, 100, 'flushIntervalMs');
  const batchLines = positive(options.batchLines, 4096, 'batchLines');
  const s = options.search ?? {};
  const limits: SearchLimits = {
    sliceMs: positive(s.sliceMs, 15, 'search.sliceMs'),
    budgetMs: positive(s.budgetMs, 400, 'search.budgetMs'),
    firstResultMs: positive(s.firstResultMs, 50, 'search.firstResultMs'),
    maxLinesPerCall: positive(s.maxLinesPerCall, Number.MAX_SAFE_INTEGER, 'search.maxLinesPerCall'),
    chunkLines: positive(s.chunkLines, 32_768, 'search.chunkLines'),
  };
  const maxSearches = positive(s.maxConcurrent, 4, 'search.maxConcurrent');
  const regexTimeoutMs = positive(s.regexTimeoutMs, 2000, 'search.regexTimeoutMs');
  const segmentBytes = segmentBytesFor(maxBytesPerProcess);
  return {
    enabled: options.enabled !== false,
    maxBytesPerProcess,
    maxBytes,
    flushIntervalMs,
    batchLines,
    batchChars: Math.min(60_000, Math.floor(segmentBytes / 4)),
    segmentBytes,
    limits,
    maxSearches,
    regexTimeoutMs,
    warn: options.onWarning ?? (() => {}),
    dir: join(options.stateDir ?? stateRoot(options.env), projectFolderName(options.projectDir)),
    projectPath: realPath(options.projectDir),
  };
}

/** `value`, or `fallback` when it is undefined; throws RangeError when it is not a positive number. */
export function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}

/** Segments of about an eighth of a process's cap (between 4 KiB and 8 MiB): evicting one frees little at a time. */
function segmentBytesFor(cap: number): number {
  return Math.min(8 * MiB, Math.max(4096, Math.floor(cap / 8)));
}

function realPath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}
