/**
 * Files only this user may read or change: folders of mode 0700 and files of mode 0600 that are
 * ours, never reached through a symlink, never in a folder other users can write to (they could
 * swap a file under us). One place for the instance records, the token file and the log store.
 */
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';

/** A private file or folder that is not safe to use; the message says why and what to do. */
export class PrivatePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrivatePathError';
  }
}

const uid = (): number | undefined => process.getuid?.();

/**
 * Make `dir` (and missing parents) with mode 0700, then check `dir` itself: a real folder (not a
 * symlink), ours, not writable by group or others. Throws {@link PrivatePathError}.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  checkPrivateDir(dir);
}

/**
 * Check an existing folder as {@link ensurePrivateDir} does, without making it. With `tighten`, a
 * folder of ours that others may read or write is set to 0700 instead of refused (a folder made
 * by us earlier, under an umask we do not control). Throws the file system's error for a missing one.
 */
export function checkPrivateDir(dir: string, { tighten = false } = {}): void {
  const stats = lstatSync(dir);
  if (tighten && stats.isDirectory() && stats.uid === uid() && (stats.mode & 0o077) !== 0) {
    // lstat said it is our own folder, not a link: chmod cannot be redirected to another file.
    chmodSync(dir, 0o700);
    return;
  }
  checkOwned(dir, stats, 'folder');
}

/** `O_NOFOLLOW` where the platform has it. */
export const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Open a file without following a link, and check on the very descriptor that it is a regular file
 * of ours. `flags` are `fs.constants` flags; new files get mode 0600. Throws {@link PrivatePathError}.
 */
export function openPrivateFile(path: string, flags: number): number {
  const fd = openSync(path, flags | O_NOFOLLOW, 0o600);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PrivatePathError(`${path} is not a regular file; refusing to use it`);
    const me = uid();
    if (me !== undefined && st.uid !== me) throw new PrivatePathError(`${path} belongs to another user (uid ${st.uid}); refusing to use it`);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}

/** Write `text` to `path` with mode 0600, atomically (a temporary file renamed over it: a symlink at `path` is replaced, never followed). */
export function writePrivateFile(path: string, text: string): void {
  ensurePrivateDir(dirname(path));
  const temp = join(dirname(path), `.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  // 'wx' refuses an existing path (a planted symlink included); mode 0600 from the first byte.
  writeFileSync(temp, text, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * Read a file that must be ours: a regular file (not a symlink), not readable or writable by
 * group or others, in a folder others cannot write to. Throws {@link PrivatePathError}, or the
 * file system's error (`ENOENT` for a missing file).
 */
export function readPrivateFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new PrivatePathError(`${path} is a symlink; refusing to follow it`);
    throw err;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new PrivatePathError(`${path} is not a regular file`);
    checkOwned(path, stats, 'file');
    const folder = lstatSync(dirname(path));
    // A sticky folder (/tmp) lets nobody else rename or remove our file: reading it there is safe.
    if (!(folder.mode & 0o1000)) checkOwned(dirname(path), folder, 'folder', { anyOwner: true });
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Remove a file; a missing one is fine. A symlink is removed itself, its target never touched. */
export function removePrivateFile(path: string): void {
  rmSync(path, { force: true });
}

function checkOwned(path: string, stats: Stats, kind: 'file' | 'folder', { anyOwner = false } = {}): void {
  if (kind === 'folder' && !stats.isDirectory()) {
    throw new PrivatePathError(stats.isSymbolicLink() ? `${path} is a symlink; refusing to use it as a private folder` : `${path} is not a folder`);
  }
  const me = uid();
  // root's folders (/, /etc, a home's parent) are as trusted as our own.
  if (me !== undefined && stats.uid !== me && !(anyOwner && stats.uid === 0)) throw new PrivatePathError(`${path} belongs to another user (uid ${stats.uid}); refusing to use it`);
  const loose = kind === 'folder' ? stats.mode & 0o022 : stats.mode & 0o077;
  if (loose) {
    const mode = (stats.mode & 0o777).toString(8);
    throw new PrivatePathError(`${path} is ${kind === 'folder' ? 'writable' : 'readable'} by other users (mode ${mode}); run \`chmod ${kind === 'folder' ? 700 : 600} ${path}\``);
  }
}
