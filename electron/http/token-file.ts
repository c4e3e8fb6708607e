/**
 * The token file: the operator token written for scripts on the same machine, readable by the
 * user alone, never printed. It is a credential, so it is written defensively:
 * - into a folder of ours that nobody else can write (created 0700; an existing one writable by
 *   others, or owned by someone else, is refused), never under /proc, /sys or /dev;
 * - by creating a new file (O_EXCL, O_NOFOLLOW, 0600) and renaming it into place, so that a
 *   symlink planted at the path is replaced, never followed;
 * - claimed by a lock beside it (`<file>.lock`, our pid): a second instance refuses a file a
 *   live instance holds, and an instance removes only a file it holds.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Default token file for a hub port: `$XDG_RUNTIME_DIR/switchyard/hub-PORT.token`, else under `~/.switchyard/`. */
export function defaultTokenFile(port: number, env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'switchyard') : join(homedir(), '.switchyard');
  return join(base, `hub-${port}.token`);
}

/** A token file that cannot be written safely; the message says what to change. */
export class TokenFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenFileError';
  }
}

/** Write the token with owner-only permissions (see the file comment); returns the path. */
export function writeTokenFile(path: string, token: string): string {
  const file = resolve(path);
  const dir = dirname(file);
  if (/^\/(proc|sys|dev)(\/|$)/.test(dir)) throw new TokenFileError(`token file ${file}: not a place for files; choose another --token-file`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const real = realpathSync(dir);
  if (/^\/(proc|sys|dev)(\/|$)/.test(real)) throw new TokenFileError(`token file ${file}: ${dir} leads to ${real}; choose another --token-file`);
  checkFolder(real, file);
  claim(file);
  const temp = join(dirname(file), `.${randomBytes(6).toString('hex')}.token-tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  return file;
}

/** Remove the token file and its lock, when this process holds them; anything else is left alone. */
export function removeTokenFile(path: string): void {
  const file = resolve(path);
  if (holder(file) !== process.pid) return;
  rmSync(file, { force: true });
  rmSync(lockOf(file), { force: true });
}

function checkFolder(dir: string, file: string): void {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new TokenFileError(`token file ${file}: ${dir} is not a folder`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) throw new TokenFileError(`token file ${file}: the folder ${dir} belongs to another user; choose another --token-file`);
  if ((stat.mode & 0o022) !== 0) {
    throw new TokenFileError(`token file ${file}: the folder ${dir} is writable by others (mode ${(stat.mode & 0o777).toString(8)}); run chmod 700 on it or choose another --token-file`);
  }
}

// The lock holds our pid; a lock of a live process means another instance owns the file.
function claim(file: string): void {
  const owner = holder(file);
  if (owner !== undefined && owner !== process.pid && alive(owner)) {
    throw new TokenFileError(`token file ${file} belongs to a running instance (pid ${owner}); choose another --token-file`);
  }
  const lock = lockOf(file);
  const temp = `${lock}.${process.pid}`;
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, lock);
}

function holder(file: string): number | undefined {
  try {
    const lock = lockOf(file);
    if (!lstatSync(lock).isFile()) return undefined;
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockOf(file: string): string {
  return `${file}.lock`;
}
