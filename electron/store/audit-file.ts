/**
 * The audit record on disk, beside the stored output: `audit.jsonl` in the project's store
 * folder (the LogStore's `dir`; state-dir.ts says where that is), one AuditEvent as JSON per line,
 * appended as each entry is recorded, so that the record of who did what survives a restart.
 *
 * Private as the rest of the store (0600, in the store's 0700 folder, never through a symlink:
 * platform/private-files.ts). Bounded: when it holds more than `maxEntries` × 1.25 lines or more
 * than `maxBytes`, it is rewritten (atomically) with the newest `maxEntries` that fit in three
 * quarters of `maxBytes`, so at least the last `maxEntries` are kept while they fit and it never
 * grows past `maxBytes` by more than a line. Lines that do not parse as an AuditEvent (a torn
 * last line after a crash, a hand edit) are skipped when it is read, and dropped at the next
 * rewrite. Entries are small and rare (input and refusals are folded by the audit log), so each
 * is written at once, synchronously.
 */
import { closeSync, constants, fstatSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AuditEventSchema, type AuditEvent } from '../../shared/protocol';
import { openPrivateFile, readPrivateFile, writePrivateFile } from '../platform/private-files';

/** Options of {@link AuditFile}. */
export interface AuditFileOptions {
  /** Entries kept at least (while they fit in `maxBytes`). Default 10,000. */
  maxEntries?: number;
  /** Largest size of the file, bytes. Default 4 MiB. */
  maxBytes?: number;
  /** Told once when the file cannot be read or written (the audit goes on in memory). */
  onWarning?: (message: string) => void;
}

/** The file's name in the store folder. */
export const AUDIT_FILE_NAME = 'audit.jsonl';
/** A line longer than this is not an entry of ours. */
const MAX_LINE = 64 * 1024;

/** See the file comment. */
export class AuditFile {
  readonly path: string;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly warn: (message: string) => void;
  private fd: number | null = null;
  private lines = 0;
  private bytes = 0;
  private failed = false;
  /** The file ends in a torn line (a crash mid-write): the next append starts a new line first. */
  private torn = false;

  /** `storeDir`: the project's store folder (LogStore `dir`), which exists and is private. */
  constructor(storeDir: string, options: AuditFileOptions = {}) {
    this.path = join(storeDir, AUDIT_FILE_NAME);
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    if (!(this.maxEntries > 0) || !(this.maxBytes > 0)) throw new RangeError('maxEntries and maxBytes must be positive');
    const warn = options.onWarning ?? (() => {});
    this.warn = (message) => {
      if (this.failed) return;
      this.failed = true;
      warn(message);
    };
  }

  /** The entries on disk, oldest first (none when there is no file yet). */
  load(): AuditEvent[] {
    const entries = this.read();
    this.lines = entries.length;
    this.bytes = entries.reduce((sum, e) => sum + Buffer.byteLength(lineOf(e)), 0);
    return entries;
  }

  /** Append one entry; a write that fails is told once and the audit goes on in memory. */
  append(entry: AuditEvent): void {
    try {
      this.fd ??= this.open();
      const line = lineOf(entry);
      writeSync(this.fd, line);
      this.lines++;
      this.bytes += Buffer.byteLength(line);
      if (this.lines > this.maxEntries * 1.25 || this.bytes > this.maxBytes) this.compact();
    } catch (err) {
      this.warn(`the audit record cannot be written to ${this.path}: ${(err as Error).message}`);
    }
  }

  /** Close the file; appending again reopens it. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): number {
    const fd = openPrivateFile(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
    if (this.torn) writeSync(fd, '\n');
    this.torn = false;
    this.bytes = fstatSync(fd).size;
    return fd;
  }

  /** Rewrite the file with the newest entries that fit (see the file comment). */
  private compact(): void {
    const kept: string[] = [];
    let bytes = 0;
    const entries = this.read();
    for (let i = entries.length - 1; i >= 0 && kept.length < this.maxEntries; i--) {
      const line = lineOf(entries[i] as AuditEvent);
      const size = Buffer.byteLength(line);
      if (bytes + size > (this.maxBytes * 3) / 4) break;
      kept.push(line);
      bytes += size;
    }
    this.close();
    writePrivateFile(this.path, kept.reverse().join(''));
    this.lines = kept.length;
    this.fd = this.open();
  }

  private read(): AuditEvent[] {
    let text: string;
    try {
      text = readPrivateFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(`the audit record in ${this.path} cannot be read: ${(err as Error).message}`);
      return [];
    }
    this.torn = text !== '' && !text.endsWith('\n');
    const entries: AuditEvent[] = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.length > MAX_LINE) continue;
      try {
        const parsed = AuditEventSchema.safeParse(JSON.parse(line));
        if (parsed.success) entries.push(parsed.data);
      } catch {
        // a torn or foreign line: skipped
      }
    }
    return entries;
  }
}

function lineOf(entry: AuditEvent): string {
  return `${JSON.stringify(entry)}\n`;
}
