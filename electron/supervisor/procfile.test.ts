import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProcfile, parseProcfile } from './procfile';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-procfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseProcfile', () => {
  it('reads name: command lines, skipping comments and blank lines', () => {
    const text = '# the app\nweb: node server.js --port $PORT\n\n  worker_2:python -u w.py # not a comment\r\nclock-1 : sh -c "date; sleep 1"\n';
    expect(parseProcfile(text)).toEqual([
      { id: 'web', command: 'node server.js --port $PORT' },
      { id: 'worker_2', command: 'python -u w.py # not a comment' },
      { id: 'clock-1', command: 'sh -c "date; sleep 1"' },
    ]);
  });

  it('names the file and line of a bad entry', () => {
    expect(() => parseProcfile('web: ok\nweb.2: bad name\n', 'my/Procfile')).toThrow(/my\/Procfile:2: expected "name: command"/);
    expect(() => parseProcfile('web: a\nweb: b\n', 'P')).toThrow(/P:2: process "web": defined twice/);
    expect(() => parseProcfile('web:\n', 'P')).toThrow(/P:1: process "web": empty command/);
  });
});

describe('loadProcfile', () => {
  it('puts the .env beside it into every process env, without touching process.env', () => {
    writeFileSync(join(dir, 'Procfile'), 'a: echo $A\nb: echo $B\n');
    writeFileSync(join(dir, '.env'), '# secrets\nSWITCHYARD_TEST_A=1\nB="two words"\n');
    const defs = loadProcfile(join(dir, 'Procfile'));
    expect(defs).toEqual([
      { id: 'a', command: 'echo $A', cwd: dir, env: { SWITCHYARD_TEST_A: '1', B: 'two words' } },
      { id: 'b', command: 'echo $B', cwd: dir, env: { SWITCHYARD_TEST_A: '1', B: 'two words' } },
    ]);
    expect(defs[0]?.env).not.toBe(defs[1]?.env);
    expect(process.env.SWITCHYARD_TEST_A).toBeUndefined();
    expect(loadProcfile(join(dir, 'Procfile'), { dotenv: false })[0]).toEqual({ id: 'a', command: 'echo $A', cwd: dir });
  });
});
