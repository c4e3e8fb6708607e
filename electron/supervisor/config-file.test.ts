import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './config-file';
import { restartPolicyOf, validateDefinition } from './process-definition';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config files', () => {
  it('reads YAML with every per-process setting, relative cwd resolved against the file', () => {
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(
      file,
      [
        'env: { SHARED: yes }',
        'processes:',
        '  web:',
        '    command: node server.mjs',
        '    cwd: ./web',
        '    env: { PORT: 3000 }',
        '    autostart: false',
        '    restart: { mode: on-failure, initialDelayMs: 250ms, multiplier: 1.5, maxDelayMs: 10s, maxRestarts: 4 }',
        '    stopSignal: SIGINT',
        '    stopGraceMs: 2s',
        '  worker: python worker.py',
      ].join('\n'),
    );
    const [web, worker] = loadConfig(file);
    expect(web).toEqual({
      id: 'web',
      command: 'node server.mjs',
      cwd: join(dir, 'web'),
      env: { SHARED: 'yes', PORT: '3000' },
      autostart: false,
      restart: { mode: 'on-failure', initialDelayMs: 250, multiplier: 1.5, maxDelayMs: 10_000, maxRestarts: 4 },
      stopSignal: 'SIGINT',
      stopGraceMs: 2000,
    });
    expect(worker).toEqual({ id: 'worker', command: 'python worker.py', cwd: dir, env: { SHARED: 'yes' } });
    expect(restartPolicyOf(worker!)).toEqual({ mode: 'never', initialDelayMs: 1000, multiplier: 2, maxDelayMs: 30_000, maxRestarts: 10, resetAfterMs: 60_000 });
  });

  it('reads JSON too, and adjusts the processes of the Procfile it names', () => {
    writeFileSync(join(dir, 'Procfile'), 'crash: node crash.mjs\nticker: node ticker.mjs\n');
    writeFileSync(join(dir, '.env'), 'FROM_DOTENV=1\n');
    const file = join(dir, 'switchyard.json');
    writeFileSync(file, JSON.stringify({ procfile: 'Procfile', processes: { crash: { restart: 'on-failure', env: { X: '1' } } } }));
    expect(loadConfig(file)).toEqual([
      { id: 'crash', command: 'node crash.mjs', cwd: dir, env: { FROM_DOTENV: '1', X: '1' }, restart: { mode: 'on-failure' } },
      { id: 'ticker', command: 'node ticker.mjs', cwd: dir, env: { FROM_DOTENV: '1' } },
    ]);
  });

  it('names the file, the process and the field of every mistake', () => {
    const bad = (text: string): (() => unknown) => () => parseConfig(text, 'conf.yaml');
    expect(bad('processes:\n  web: {}\n')).toThrow('conf.yaml: process "web": field "command": missing');
    expect(bad('processes:\n  web: { command: x, restrat: always }\n')).toThrow('conf.yaml: process "web": field "restrat": unknown field');
    expect(bad('processes:\n  web: { command: x, restart: sometimes }\n')).toThrow('conf.yaml: process "web": field "restart.mode": must be never, on-failure or always');
    expect(bad('processes:\n  web: { command: x, restart: { maxRestarts: -1 } }\n')).toThrow('field "restart.maxRestarts": must be a non-negative integer');
    expect(bad('processes:\n  web: { command: x, restart: { multiplier: 0.5 } }\n')).toThrow('field "restart.multiplier"');
    expect(bad('processes:\n  web: { command: x, stopSignal: SIGNOPE }\n')).toThrow('conf.yaml: process "web": field "stopSignal"');
    expect(bad('processes:\n  web: { command: x, stopGraceMs: soon }\n')).toThrow('field "stopGraceMs": must be a duration');
    expect(bad('processes:\n  web: { command: x, env: [1] }\n')).toThrow('field "env": must be a map');
    expect(bad('processes:\n  "we b": x\n')).toThrow('conf.yaml: process "we b": the id must be');
    expect(bad('procesess: {}\n')).toThrow('conf.yaml: field "procesess": unknown');
    expect(bad('processes: [1]\n')).toThrow('conf.yaml: field "processes": must be a map');
    expect(bad('processes: {\n')).toThrow(/conf.yaml: not valid YAML or JSON/);
    expect(bad('')).toThrow('conf.yaml: defines no process');
  });

  it('validates process.add params the same way', () => {
    expect(validateDefinition('x', { command: 'true', restart: { mode: 'always', initialDelayMs: 5 } }, { source: 'process.add' })).toEqual({
      id: 'x',
      command: 'true',
      restart: { mode: 'always', initialDelayMs: 5 },
    });
    expect(() => validateDefinition('x', { command: 7 }, { source: 'process.add' })).toThrow('process.add: process "x": field "command": must be a non-empty string');
  });
});
