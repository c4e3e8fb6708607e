/**
 * The running core's own instance record (instance-record.ts): written at start, removed on
 * close. A record that cannot be written (a folder that is not private) is a warning, not a
 * failure: the instance runs, and commands reach it with `--port`.
 */
import { PrivatePathError } from '../platform/private-files';
import { realFolder, removeInstanceRecord, writeInstanceRecord, type InstanceRecord } from './instance-record';

/** What the core knows of itself; pid, folder spelling and start time are filled in here. */
export type InstanceFields = Omit<InstanceRecord, 'version' | 'pid' | 'startedAt'>;

/** A published record. */
export interface PublishedInstance {
  /** The record's path, or `''` when none could be written. */
  path: string;
  /** Remove the record. Twice is harmless. */
  remove(): void;
}

/** Write this process's record. `log` hears why when it cannot be written. */
export function publishInstance(fields: InstanceFields, log?: (line: string) => void, env: Record<string, string | undefined> = process.env): PublishedInstance {
  let path = '';
  try {
    path = writeInstanceRecord({ version: 1, pid: process.pid, startedAt: new Date().toISOString(), ...fields, folder: realFolder(fields.folder) }, env);
  } catch (err) {
    const why = err instanceof PrivatePathError ? err.message : `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim();
    log?.(`switchyard: no instance record (${why}); \`switchyard\` commands reach this instance with --port ${fields.port}`);
  }
  return {
    get path() {
      return path;
    },
    remove() {
      if (path) removeInstanceRecord(path);
      path = '';
    },
  };
}
