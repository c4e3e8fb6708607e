// The audit record on disk (audit-file.ts): real files in a temp folder.
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { AuditEvent } from '../../shared/protocol';
import { AUDIT_FILE_NAME, AuditFile } from './audit-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function storeDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-audit-'));
  dirs.push(root);
  const dir = join(root, 'project-0123456789abcdef');
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

function entry(n: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return { kind: 'audit', action: 'process.restart', target: `p${n}`, userId: 'alice', role: 'operator', clientId: `c${n}`, time: new Date(Date.UTC(2026, 11, 1, 10, 0, 0, n)).toISOString(), ok: true, ...extra };
}

it('appends each entry as a private line and reads them back in order after a reopen', () => {
  const dir = storeDir();
  const file = new AuditFile(dir);
  expect(file.load()).toEqual([]);
  file.append(entry(1));
  file.append(entry(2, { ok: false, detail: 'forbidden' }));
  file.close();
  expect((statSync(join(dir, AUDIT_FILE_NAME)).mode & 0o777).toString(8)).toBe('600');
  expect(new AuditFile(dir).load()).toEqual([entry(1), entry(2, { ok: false, detail: 'forbidden' })]);
});

it('keeps the newest entries when it passes its bounds, in entries and in bytes', () => {
  const dir = storeDir();
  const file = new AuditFile(dir, { maxEntries: 100 });
  file.load();
  for (let i = 0; i < 1000; i++) file.append(entry(i));
  const kept = new AuditFile(dir).load();
  expect(kept.length).toBeGreaterThanOrEqual(100);
  expect(kept.length).toBeLessThanOrEqual(125);
  expect(kept.at(-1)).toEqual(entry(999));
  expect(kept.map((e) => e.target)).toEqual(kept.map((_, i) => `p${1000 - kept.length + i}`)); // the newest, consecutive

  const small = storeDir();
  const bytes = new AuditFile(small, { maxEntries: 10_000, maxBytes: 8192 });
  for (let i = 0; i < 1000; i++) bytes.append(entry(i));
  expect(statSync(join(small, AUDIT_FILE_NAME)).size).toBeLessThanOrEqual(8192);
  expect(new AuditFile(small).load().at(-1)).toEqual(entry(999));
});

it('skips a torn last line and foreign lines; the next entry starts on a line of its own', () => {
  const dir = storeDir();
  const path = join(dir, AUDIT_FILE_NAME);
  writeFileSync(path, `${JSON.stringify(entry(1))}\nnot json\n${JSON.stringify({ kind: 'audit', forged: true })}\n${JSON.stringify(entry(2)).slice(0, 30)}`, { mode: 0o600 });
  const file = new AuditFile(dir);
  expect(file.load()).toEqual([entry(1)]);
  file.append(entry(3));
  file.close();
  expect(new AuditFile(dir).load()).toEqual([entry(1), entry(3)]);
});

it('never follows a symlink planted at its path, nor reads a file others may read; it warns once and goes on', () => {
  const dir = storeDir();
  const target = join(dir, '..', 'elsewhere');
  writeFileSync(target, '', { mode: 0o600 });
  symlinkSync(target, join(dir, AUDIT_FILE_NAME));
  const warnings: string[] = [];
  const file = new AuditFile(dir, { onWarning: (m) => warnings.push(m) });
  expect(file.load()).toEqual([]);
  file.append(entry(1));
  file.append(entry(2));
  expect(readFileSync(target, 'utf8')).toBe('');
  expect(warnings).toHaveLength(1);

  const loose = storeDir();
  appendFileSync(join(loose, AUDIT_FILE_NAME), `${JSON.stringify(entry(1))}\n`, { mode: 0o644 });
  chmodSync(join(loose, AUDIT_FILE_NAME), 0o644);
  const told: string[] = [];
  expect(new AuditFile(loose, { onWarning: (m) => told.push(m) }).load()).toEqual([]);
  expect(told[0]).toMatch(/readable by other users/);
});
