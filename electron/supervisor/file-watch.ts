/**
 * Watching a process's files (`watch` in its definition): chokidar (inotify on Linux, one watch per
 * directory, no polling) on the static base of each path or glob, every event matched against the
 * globs with picomatch. Ignored trees (`node_modules`, `.git`, the user's `ignore`) are never
 * descended into, so that a big node_modules costs nothing. A burst of changes ends in one call of
 * `onChange`, `debounceMs` after its last event (or after 10 × debounceMs, at least 2 s, of
 * changes that never pause), naming the first file that changed. Symbolic links are not followed.
 *
 * Why chokidar and not `fs.watch(dir, {recursive: true})`: on Linux, Node 20's recursive watch
 * walks and watches every directory, node_modules included (it has no ignore), and reports paths
 * relative to a root we would have to re-derive per event; chokidar skips ignored trees and is
 * the watcher most Node tools use (5.0.0 needs Node 20.19+).
 */
import { watch, type FSWatcher } from 'chokidar';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { WATCH_DEFAULTS, type WatchSpec } from './orchestration-definition';

/** Options of {@link FileWatch}. */
export interface FileWatchOptions {
  /** Paths and globs are relative to this folder. */
  cwd: string;
  /** What to watch. */
  spec: WatchSpec;
  /** A burst of changes settled: `file` is the first that changed (relative to `cwd` when inside it), `count` how many did. */
  onChange(file: string, count: number): void;
  /** The watcher failed (e.g. the inotify limit, ENOSPC). Default: ignored. */
  onError?(message: string): void;
}

interface Root {
  base: string;
  /** Null: everything under `base` (a plain path). */
  match: ((rel: string) => boolean) | null;
}

/** One watcher; see the file comment. */
export class FileWatch {
  /** Resolves once the initial scan is done (changes before it may go unnoticed). */
  readonly ready: Promise<void>;
  private readonly watcher: FSWatcher;
  private readonly roots: Root[];
  private readonly ignored: (rel: string) => boolean;
  private timer: NodeJS.Timeout | null = null;
  private first: string | null = null;
  private count = 0;
  private burstStart = 0;
  private closed = false;

  constructor(private readonly options: FileWatchOptions) {
    const { cwd, spec } = options;
    this.roots = spec.paths.map((p) => {
      const scan = picomatch.scan(p);
      const base = resolve(cwd, scan.base || '.');
      return { base, match: scan.isGlob ? picomatch(scan.glob, { dot: true }) : null };
    });
    const ignore = picomatch([...WATCH_DEFAULTS.ignore, ...spec.ignore], { dot: true });
    this.ignored = (rel) => ignore(rel);
    this.watcher = watch(
      this.roots.map((r) => r.base),
      {
        ignoreInitial: true,
        persistent: true,
        // A symlink to a big tree (or to /) would be watched whole: links are watched as links.
        followSymlinks: false,
        ignored: (path: string) => this.isIgnored(path),
      },
    );
    this.ready = new Promise((done) => this.watcher.once('ready', () => done()));
    this.watcher.on('all', (_event, path) => this.event(path));
    this.watcher.on('error', (err) => this.options.onError?.(`watching files failed: ${(err as Error).message}`));
  }

  /** The folders watched now, absolute (for diagnostics and tests). */
  watchedFolders(): string[] {
    return Object.keys(this.watcher.getWatched());
  }

  /** Stop watching; a pending burst is dropped. Twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.watcher.close();
  }

  private isIgnored(path: string): boolean {
    const rel = this.display(path);
    return this.ignored(rel.split(sep).join('/'));
  }

  private matches(path: string): boolean {
    return this.roots.some((root) => {
      const rel = relative(root.base, path);
      if (rel.startsWith('..') || isAbsolute(rel)) return false;
      return root.match === null || (rel !== '' && root.match(rel.split(sep).join('/')));
    });
  }

  private event(path: string): void {
    if (this.closed || this.isIgnored(path) || !this.matches(path)) return;
    this.first ??= this.display(path);
    if (this.count++ === 0) this.burstStart = Date.now();
    if (this.timer) clearTimeout(this.timer);
    // Changes that never pause (a build writing for minutes) still restart now and then.
    const { debounceMs } = this.options.spec;
    const overdue = Date.now() - this.burstStart >= Math.max(2000, debounceMs * 10);
    this.timer = setTimeout(() => {
      this.timer = null;
      const [file, count] = [this.first as string, this.count];
      this.first = null;
      this.count = 0;
      if (!this.closed) this.options.onChange(file, count);
    }, overdue ? 0 : debounceMs);
  }

  /** A path as the user wrote it: relative to the process's folder when inside it. */
  private display(path: string): string {
    const rel = relative(this.options.cwd, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  }
}
