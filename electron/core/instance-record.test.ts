// Instance records and the private files they live in: modes, symlinks, folders others can
// write to, no token inside, and the watchdog's clean-up after a SIGKILL (first-hour.test.ts).
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderKey, instancesDir, listInstanceRecords, recordPath, writeInstanceRecord, type InstanceRecord } from './instance-record';
import { publishInstance } from './instance-publisher';
import { PrivatePathError, readPrivateFile, writePrivateFile } from '../platform/private-files';

const temp = () => mkdtempSync(join(tmpdir(), 'switchyard-records-'));

function record(folder: string, port = 7420): InstanceRecord {
  return {
    version: 1,
    pid: process.pid,
    folder,
    port,
    host: '127.0.0.1',
    origin: `http://127.0.0.1:${port}`,
    hubUrl: `ws://127.0.0.1:${port}/ws`,
    tokenFile: '/run/x/hub.token',
    processes: `${folder}/Procfile`,
    startedAt: new Date().toISOString(),
    shell: 'serve',
  };
}

describe('where records live', () => {
  it('under XDG_RUNTIME_DIR, else under ~/.switchyard', () => {
    expect(instancesDir({ XDG_RUNTIME_DIR: '/run/user/7', HOME: '/home/u' })).toBe('/run/user/7/switchyard/instances');
    expect(instancesDir({ HOME: '/home/u' })).toBe('/home/u/.switchyard/instances');
    expect(instancesDir({ XDG_RUNTIME_DIR: 'relative', HOME: '/home/u' })).toBe('/home/u/.switchyard/instances');
  });

  it('named by a hash of the real path of the folder and the port: two spellings of a folder are one', () => {
    const base = temp();
    mkdirSync(join(base, 'real'));
    symlinkSync(join(base, 'real'), join(base, 'alias'));
    expect(folderKey(join(base, 'alias'))).toBe(folderKey(join(base, 'real')));
    expect(folderKey(join(base, 'real'))).toMatch(/^[0-9a-f]{16}$/);
    expect(recordPath(join(base, 'alias'), 9, { XDG_RUNTIME_DIR: base })).toBe(join(base, 'switchyard', 'instances', `${folderKey(join(base, 'real'))}-9.json`));
  });
});

describe('writing and reading records', () => {
  it('0700 folders, a 0600 file, read back by folder; never the token', () => {
    const runtime = temp();
    const project = temp();
    const env = { XDG_RUNTIME_DIR: runtime };
    const published = publishInstance({ folder: project, port: 7421, host: '127.0.0.1', origin: 'http://127.0.0.1:7421', hubUrl: 'ws://127.0.0.1:7421/ws', tokenFile: '/t', processes: 'p', shell: 'serve' }, undefined, env);
    expect(statSync(join(runtime, 'switchyard')).mode & 0o777).toBe(0o700);
    expect(statSync(join(runtime, 'switchyard', 'instances')).mode & 0o777).toBe(0o700);
    expect(statSync(published.path).mode & 0o777).toBe(0o600);
    const found = listInstanceRecords(env, project);
    expect(found).toEqual([{ path: published.path, record: expect.objectContaining({ pid: process.pid, port: 7421, folder: project, tokenFile: '/t' }) }]);
    expect(Object.keys(found[0]?.record ?? {})).not.toContain('token');
    expect(listInstanceRecords(env, temp())).toEqual([]);
    published.remove();
    published.remove();
    expect(readdirSync(join(runtime, 'switchyard', 'instances'))).toEqual([]);
  });

  it('a planted symlink at the record path is replaced, its target untouched', () => {
    const runtime = temp();
    const project = temp();
    const env = { XDG_RUNTIME_DIR: runtime };
    const victim = join(temp(), 'victim');
    writeFileSync(victim, 'precious');
    const path = recordPath(project, 7422, env);
    mkdirSync(join(runtime, 'switchyard', 'instances'), { recursive: true, mode: 0o700 });
    chmodSync(join(runtime, 'switchyard'), 0o700);
    symlinkSync(victim, path);
    writeInstanceRecord(record(project, 7422), env);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
  });

  it('refuses a records folder others can write to, or one that is a symlink', () => {
    const runtime = temp();
    mkdirSync(join(runtime, 'switchyard', 'instances'), { recursive: true });
    chmodSync(join(runtime, 'switchyard', 'instances'), 0o777);
    const env = { XDG_RUNTIME_DIR: runtime };
    expect(() => writeInstanceRecord(record(temp()), env)).toThrow(PrivatePathError);
    expect(() => listInstanceRecords(env)).toThrow(/is writable by other users \(mode 777\); run `chmod 700 /);

    const other = temp();
    const elsewhere = temp();
    mkdirSync(join(other, 'switchyard'), { mode: 0o700 });
    symlinkSync(elsewhere, join(other, 'switchyard', 'instances'));
    expect(() => writeInstanceRecord(record(temp()), { XDG_RUNTIME_DIR: other })).toThrow(/is a symlink; refusing to use it as a private folder/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('a record that cannot be written is a warning, not a failure', () => {
    const runtime = temp();
    mkdirSync(join(runtime, 'switchyard'), { mode: 0o777 });
    chmodSync(join(runtime, 'switchyard'), 0o777);
    const lines: string[] = [];
    const published = publishInstance({ folder: temp(), port: 7423, host: 'h', origin: 'o', hubUrl: 'u', tokenFile: '', processes: 'p', shell: 'serve' }, (l) => lines.push(l), { XDG_RUNTIME_DIR: runtime });
    expect(published.path).toBe('');
    expect(lines).toEqual([expect.stringMatching(/^switchyard: no instance record \(.* is writable by other users .*\); `switchyard` commands reach this instance with --port 7423$/)]);
  });

  it('skips files in the folder that are not records, or not private', () => {
    const runtime = temp();
    const project = temp();
    const env = { XDG_RUNTIME_DIR: runtime };
    const good = writeInstanceRecord(record(project, 7424), env);
    const dir = join(runtime, 'switchyard', 'instances');
    writeFileSync(join(dir, `${folderKey(project)}-1.json`), '{"not":"a record"}', { mode: 0o600 });
    writeFileSync(join(dir, `${folderKey(project)}-2.json`), JSON.stringify(record(project, 2)), { mode: 0o644 });
    chmodSync(join(dir, `${folderKey(project)}-2.json`), 0o644);
    expect(listInstanceRecords(env, project).map((f) => f.path)).toEqual([good]);
  });
});

describe('private files', () => {
  it('are written 0600 and read back; a file others can read is refused', () => {
    const dir = join(temp(), 'p');
    const file = join(dir, 'f');
    writePrivateFile(file, 'x');
    expect(readPrivateFile(file)).toBe('x');
    chmodSync(file, 0o604);
    expect(() => readPrivateFile(file)).toThrow(/readable by other users \(mode 604\)/);
  });
});
