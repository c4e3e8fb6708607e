/**
 * One Switchyard stores a project's output at a time: a second writer on the same folder would
 * corrupt its segments. Across processes a `lock` file holds the writer's pid (a stale one, its
 * process gone, is taken over); within one process a set of the folders open guards as well.
 */
import { closeSync, constants, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pidExists } from '../platform/pid-exists';
import { openPrivateFile } from './state-dir';

/** Stores open in this process, by folder (a second one on the same folder would corrupt it). */
const openHere = new Set<string>();

/** Another Switchyard already stores this project's output. */
export class StoreLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`the output of this project is already being stored by process ${pid} (${dir}); stop it, or run with storing off`);
    this.name = 'StoreLockedError';
  }
}

/** Throws {@link StoreLockedError} when a store of this process has `dir` open already. */
export function checkNotOpenHere(dir: string): void {
  if (openHere.has(dir)) throw new StoreLockedError(dir, process.pid);
}

/** Take the project's lock file (pid inside); returns its path. Throws {@link StoreLockedError} when a live process holds it. */
export function takeStoreLock(dir: string): string {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openPrivateFile(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      openHere.add(dir);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(safeRead(path), 10);
    // Our own pid in a lock no store of this process holds is a leftover (a container's pid 1 after a restart).
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidExists(holder)) throw new StoreLockedError(dir, holder);
    unlinkSync(path);
  }
  throw new StoreLockedError(dir, -1);
}

/** Release a lock {@link takeStoreLock} took. */
export function releaseStoreLock(dir: string, path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Removed by hand meanwhile: nothing to release.
  }
  openHere.delete(dir);
}

function safeRead(path: string): string {
  try {
    const fd = openPrivateFile(path, constants.O_RDONLY);
    try {
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
