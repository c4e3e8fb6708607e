/**
 * The token file: the operator token written for scripts on the same machine, readable by the
 * user alone, never printed. It is a credential, so it is written as a private file
 * (electron/platform/private-files.ts): in a folder of ours that nobody else can write (an
 * existing one writable by others, or another user's, is refused), by a new file renamed into
 * place (a symlink planted at the path is replaced, never followed), never under /proc, /sys or
 * /dev. A lock beside it (`<file>.lock`: our pid) claims it: a second instance refuses a file a
 * live instance holds, and an instance removes only a file it holds.
 */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pidExists } from '../platform/pid-exists';
import { ensurePrivateDir, PrivatePathError, readPrivateFile, removePrivateFile, writePrivateFile } from '../platform/private-files';

/** Default token file for a hub port: `$XDG_RUNTIME_DIR/switchyard/hub-PORT.token`, else under `~/.switchyard/`. */
export function defaultTokenFile(port: number, env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'switchyard') : join(homedir(), '.switchyard');
  return join(base, `hub-${port}.token`);
}

const SPECIAL = /^\/(proc|sys|dev)(\/|$)/;

/** Write the token (see the file comment); returns the absolute path. Throws PrivatePathError naming what to change. */
export function writeTokenFile(path: string, token: string): string {
  const file = resolve(path);
  if (SPECIAL.test(dirname(file))) throw new PrivatePathError(`token file ${file}: not a place for files; choose another --token-file`);
  ensurePrivateDir(dirname(file));
  const owner = holder(file);
  if (owner !== undefined && owner !== process.pid && pidExists(owner)) {
    throw new PrivatePathError(`token file ${file} belongs to a running instance (pid ${owner}); choose another --token-file`);
  }
  writePrivateFile(lockOf(file), `${process.pid}\n`);
  writePrivateFile(file, `${token}\n`);
  return file;
}

/** Remove the token file and its lock when this process holds them; anything else is left alone. */
export function removeTokenFile(path: string): void {
  const file = resolve(path);
  if (holder(file) !== process.pid) return;
  removePrivateFile(file);
  removePrivateFile(lockOf(file));
}

function holder(file: string): number | undefined {
  try {
    const pid = Number(readPrivateFile(lockOf(file)).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function lockOf(file: string): string {
  return `${file}.lock`;
}
