/**
 * Instance records: how `switchyard ps`, `logs`, `link`, `down` … find "the instance started from
 * this folder". The core writes one small JSON file per running instance at start, in a private
 * folder (`$XDG_RUNTIME_DIR/switchyard/instances/`, else `~/.switchyard/instances/`; 0700, files
 * 0600, see private-files.ts), named by a hash of the folder's real path and the port, and
 * removes it on exit; after a SIGKILL the watchdog removes it. A record never holds the token: it
 * points to the token file (0600). Readers treat a record whose pid is gone or whose port does not
 * answer `/healthz` as stale (instance-finder.ts in the CLI).
 */
import { createHash } from 'node:crypto';
import { readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { checkPrivateDir, ensurePrivateDir, readPrivateFile, removePrivateFile, writePrivateFile } from '../platform/private-files';

/** One running instance, as its record file holds it. */
export const InstanceRecordSchema = z.strictObject({
  version: z.literal(1),
  /** The process that listens on the port (serve, or the Electron main process). */
  pid: z.number().int().positive(),
  /** The real path of the folder the instance was started from. */
  folder: z.string(),
  port: z.number().int().min(1).max(65535),
  /** The listen address given. */
  host: z.string(),
  /** `http://HOST:PORT` to reach it from this machine (a wildcard address becomes 127.0.0.1). */
  origin: z.string(),
  /** `ws://HOST:PORT/ws`. */
  hubUrl: z.string(),
  /** The token file (mode 0600), or `''` when the instance wrote none. */
  tokenFile: z.string(),
  /** What the `Processes:` line said. */
  processes: z.string(),
  /** ISO time of the start. */
  startedAt: z.string(),
  /** Which shell runs it. */
  shell: z.enum(['serve', 'window']),
});
export type InstanceRecord = z.infer<typeof InstanceRecordSchema>;

/** A record and where it was read from. */
export interface FoundRecord {
  path: string;
  record: InstanceRecord;
}

type Env = Record<string, string | undefined>;

/** The folder of the records: `$XDG_RUNTIME_DIR/switchyard/instances`, else `~/.switchyard/instances`. */
export function instancesDir(env: Env = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  const base = runtime && isAbsolute(runtime) ? join(runtime, 'switchyard') : join(env.HOME || homedir(), '.switchyard');
  return join(base, 'instances');
}

/** The real path of a folder (symlinks resolved), so that two spellings of it find one instance. */
export function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}

/** The key of a folder in record names: the first 16 hex digits of the SHA-256 of its real path. */
export function folderKey(folder: string): string {
  return createHash('sha256').update(realFolder(folder)).digest('hex').slice(0, 16);
}

/** Where the record of an instance started from `folder` on `port` lives. */
export function recordPath(folder: string, port: number, env: Env = process.env): string {
  return join(instancesDir(env), `${folderKey(folder)}-${port}.json`);
}

/** Write a record; returns its path. Throws PrivatePathError when the folder is not private. */
export function writeInstanceRecord(record: InstanceRecord, env: Env = process.env): string {
  const path = recordPath(record.folder, record.port, env);
  // The switchyard folder too: whoever may write there could swap the records' folder.
  ensurePrivateDir(dirname(instancesDir(env)));
  writePrivateFile(path, `${JSON.stringify(InstanceRecordSchema.parse(record), null, 2)}\n`);
  return path;
}

/** Remove a record; a missing one is fine. */
export function removeInstanceRecord(path: string): void {
  removePrivateFile(path);
}

/**
 * Every record that reads well, optionally only those of one folder. Files that are not ours, not
 * private, or not records are skipped (and never followed through a symlink). Throws
 * PrivatePathError when the records' folder itself is not private.
 */
export function listInstanceRecords(env: Env = process.env, folder?: string): FoundRecord[] {
  const dir = instancesDir(env);
  let names: string[];
  try {
    checkPrivateDir(dirname(dir));
    checkPrivateDir(dir);
    names = readdirSync(dir);
  } catch (err) {
    // No folder yet: no instance ever ran. A folder that is not private is reported, not used.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const prefix = folder === undefined ? '' : `${folderKey(folder)}-`;
  const found: FoundRecord[] = [];
  for (const name of names) {
    if (!name.endsWith('.json') || !name.startsWith(prefix)) continue;
    const path = join(dir, name);
    try {
      const record = InstanceRecordSchema.parse(JSON.parse(readPrivateFile(path)));
      if (folder === undefined || record.folder === realFolder(folder)) found.push({ path, record });
    } catch {
      // Not a record of ours: leave it alone.
    }
  }
  return found;
}
