/**
 * Where the store lives and how its folders and files are made private: `$XDG_STATE_HOME/switchyard`
 * (else `~/.local/state/switchyard`), one folder per project folder named by a readable name and
 * a hash of the folder's real path. Every folder the store creates is 0700 and every file 0600,
 * and nothing is followed through a symlink planted at one of its paths: another local user
 * (think of `XDG_STATE_HOME=/tmp`) must be able neither to read the lines nor to redirect the
 * writes. Folders are checked with `lstat` (a directory, owned by us, not a link); files are
 * opened with `O_NOFOLLOW` and checked with `fstat` on the descriptor that is then used.
 */
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/** `O_NOFOLLOW` where the platform has it (not on Windows, where links are not a user's to plant). */
export const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** A path of the store that is not safe to use (a link, another user's, not a directory). */
export class UnsafePathError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`refusing to use ${path} for stored output: ${reason}`);
    this.name = 'UnsafePathError';
  }
}

/** `$XDG_STATE_HOME/switchyard`, else `~/.local/state/switchyard` (a relative XDG_STATE_HOME is ignored, as the spec says). */
export function stateRoot(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'state'), 'switchyard');
}

/** The project's folder name under the state root: `<name>-<16 hex of sha256(real path)>`. */
export function projectFolderName(projectDir: string): string {
  let real: string;
  try {
    real = realpathSync(projectDir);
  } catch {
    real = resolve(projectDir);
  }
  const name = basename(real).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'root';
  return `${name}-${createHash('sha256').update(real).digest('hex').slice(0, 16)}`;
}

/** A file or folder name for a process id: its safe characters (readable) and a hash (unique). */
export function processFolderName(id: string): string {
  const readable = id.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 40);
  return `${readable}-${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
}

const myUid = typeof process.getuid === 'function' ? process.getuid() : undefined;

/**
 * Create the folder `dir` (0700; its parent must exist) unless it exists, and make sure it is a
 * real directory of ours with mode 0700. One level at a time, each checked before anything is
 * created inside it, so that a link planted at a level is refused before it is followed.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  checkPrivateDir(dir);
}

/**
 * The state root's parents (`~/.local/state`, or `$XDG_STATE_HOME`) are created 0700 when missing
 * and otherwise left as the user has them (a home folder may well be reached through a link);
 * the root itself (`…/switchyard`) must be ours.
 */
export function ensureStateRoot(root: string): void {
  mkdirSync(dirname(root), { recursive: true, mode: 0o700 });
  ensurePrivateDir(root);
}

/** Throws {@link UnsafePathError} unless `dir` is a directory (not a link) owned by us; tightens its mode to 0700. */
export function checkPrivateDir(dir: string): void {
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw new UnsafePathError(dir, 'it is a symbolic link');
  if (!st.isDirectory()) throw new UnsafePathError(dir, 'it is not a directory');
  if (myUid !== undefined && st.uid !== myUid) throw new UnsafePathError(dir, `it belongs to uid ${st.uid}, not to us (${myUid})`);
  // lstat said it is our own directory, not a link: chmod cannot be redirected by a link planted
  // since (its parent is ours and private too).
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * Open a file of the store without following a link, and check on the very descriptor that it is
 * a regular file of ours. `flags` are `fs.constants` flags; new files get mode 0600.
 */
export function openPrivateFile(path: string, flags: number): number {
  const fd = openSync(path, flags | O_NOFOLLOW, 0o600);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnsafePathError(path, 'it is not a regular file');
    if (myUid !== undefined && st.uid !== myUid) throw new UnsafePathError(path, `it belongs to uid ${st.uid}, not to us`);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}
