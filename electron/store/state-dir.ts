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
import { closeSync, constants, existsSync, mkdirSync, realpathSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { checkPrivateDir, openPrivateFile } from '../platform/private-files';

export { checkPrivateDir, openPrivateFile, O_NOFOLLOW, PrivatePathError } from '../platform/private-files';

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



/**
 * The state root's parents (`~/.local/state`, or `$XDG_STATE_HOME`) are created 0700 when missing
 * and otherwise left as the user has them (a home folder may well be reached through a link);
 * the root itself (`…/switchyard`) must be ours.
 */
export function ensureStateRoot(root: string): void {
  mkdirSync(dirname(root), { recursive: true, mode: 0o700 });
  ensureStoreDir(root);
}



/** Make one folder of the store (its parent is ours already) and check it; a loose mode of ours is tightened to 0700. */
export function ensureStoreDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  checkPrivateDir(dir, { tighten: true });
}

/** `project.json` in a project's store folder: which project folder it is, for a human looking around the state folder. */
export function writeProjectLabel(dir: string, projectPath: string): void {
  const path = join(dir, 'project.json');
  if (existsSync(path)) return;
  try {
    const fd = openPrivateFile(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
    writeSync(fd, `${JSON.stringify({ projectDir: projectPath })}\n`);
    closeSync(fd);
  } catch {
    // Only a label for humans.
  }
}
