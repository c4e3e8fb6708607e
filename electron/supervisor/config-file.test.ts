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

  it('reads the orchestration keys with their defaults: dependsOn, readiness, liveness, watch, tty, stdin, store', () => {
    const [db, api, job] = parseConfig(
      [
        'processes:',
        '  db:',
        '    command: ./start-db.sh',
        '    readiness: { tcp: 5432 }',
        '  api:',
        '    command: node server.mjs',
        '    dependsOn: { db: healthy, job: completed }',
        '    readiness: { http: "http://127.0.0.1:3000/health", periodMs: 250ms, timeoutMs: 2s, initialDelayMs: 1s, failureThreshold: 5 }',
        '    liveness: { exec: "curl -fs localhost:3000", periodMs: 5s }',
        '    watch: { paths: ["src/**"], ignore: ["**/*.test.ts"], debounceMs: 500ms }',
        '    tty: true',
        '    stdin: false',
        '    store: false',
        '  job:',
        '    command: ./migrate',
        '    readiness: { log: "ready to accept", failureThreshold: 1 }',
        '    liveness: { tcp: { host: "::1", port: 6379 } }',
        '    watch: migrations/',
      ].join('\n'),
      join(dir, 'orchestrated.yaml'),
    );
    expect(db?.readiness).toEqual({ kind: 'tcp', port: 5432, periodMs: 1000, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3 });
    expect(api).toMatchObject({
      dependsOn: { db: 'healthy', job: 'completed' },
      readiness: { kind: 'http', url: 'http://127.0.0.1:3000/health', periodMs: 250, timeoutMs: 2000, initialDelayMs: 1000, failureThreshold: 5 },
      liveness: { kind: 'exec', command: 'curl -fs localhost:3000', periodMs: 5000, timeoutMs: 5000, initialDelayMs: 0, failureThreshold: 3 },
      watch: { paths: ['src/**'], ignore: ['**/*.test.ts'], debounceMs: 500 },
      tty: true,
      stdin: false,
      store: false,
    });
    expect(job).toMatchObject({
      readiness: { kind: 'log', pattern: 'ready to accept', failureThreshold: 1 },
      liveness: { kind: 'tcp', host: '::1', port: 6379 },
      watch: { paths: ['migrations/'], ignore: [], debounceMs: 300 },
    });
    // a validated definition validates again to itself (definitions given in code are checked too)
    for (const def of [db, api, job]) {
      const { id, ...rest } = def!;
      expect(validateDefinition(id, rest, { source: 'again' })).toEqual(def);
    }
  });

  it('names the field of every orchestration mistake', () => {
    const bad = (proc: string): (() => unknown) => () => parseConfig(`processes:\n  other: x\n  web: { command: x, ${proc} }\n`, 'conf.yaml');
    const at = 'conf.yaml: process "web": field';
    expect(bad('dependsOn: { other: ready }')).toThrow(`${at} "dependsOn".other: must be started, healthy or completed`);
    expect(bad('dependsOn: { web: started }')).toThrow(`${at} "dependsOn": a process cannot depend on itself`);
    expect(bad('dependsOn: 7')).toThrow(`${at} "dependsOn": a list of process ids`);
    expect(bad('readiness: { tcp: 5432, http: "http://x" }')).toThrow(`${at} "readiness": needs exactly one of tcp, http, exec, log (found tcp, http)`);
    expect(bad('readiness: { periodMs: 5 }')).toThrow('(found none)');
    expect(bad('readiness: { tcp: 70000 }')).toThrow(`${at} "readiness".tcp: must be a port number (1 to 65535)`);
    expect(bad('readiness: { tcp: { port: 80, hots: x } }')).toThrow(`${at} "readiness".tcp.hots: unknown field`);
    expect(bad('readiness: { http: "ftp://x" }')).toThrow(`${at} "readiness".http: must be an http:// or https:// URL`);
    expect(bad('readiness: { log: "(" }')).toThrow(`${at} "readiness".log: not a valid regular expression`);
    expect(bad('readiness: { exec: "" }')).toThrow(`${at} "readiness".exec: must be a shell command`);
    expect(bad('readiness: { exec: x, periodMs: 0 }')).toThrow(`${at} "readiness".periodMs: must be at least 50 ms`);
    expect(bad('readiness: { exec: x, failureThreshold: 0 }')).toThrow(`${at} "readiness".failureThreshold: must be an integer >= 1`);
    expect(bad('liveness: { exec: x, every: 5s }')).toThrow(`${at} "liveness".every: unknown field`);
    expect(bad('liveness: { exec: x, timeoutMs: later }')).toThrow(`${at} "liveness".timeoutMs: must be a duration`);
    expect(bad('watch: { paths: [] }')).toThrow(`${at} "watch".paths: must name at least one path or glob`);
    expect(bad('watch: { paths: [src], debounce: 1 }')).toThrow(`${at} "watch".debounce: unknown field`);
    expect(bad('watch: { paths: [1] }')).toThrow(`${at} "watch".paths: must be a list of paths or globs`);
    expect(bad('tty: yes please')).toThrow(`${at} "tty": must be true or false`);
    expect(bad('stdin: 1')).toThrow(`${at} "stdin": must be true or false`);
    expect(bad('store: "no"')).toThrow(`${at} "store": must be true or false`);
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
