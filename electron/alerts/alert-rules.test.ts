import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../supervisor/config-file';
import { loadAlertRules, parseAlertRules } from './alert-rules';

describe('the alerts: key', () => {
  it('defaults to crash and gave_up; an empty list turns alerting off', () => {
    expect(parseAlertRules(undefined, 'f').map((r) => r.on)).toEqual(['crash', 'gave_up']);
    expect(parseAlertRules([], 'f')).toEqual([]);
  });

  it('reads every rule kind with its fields', () => {
    const rules = parseAlertRules(
      [
        { on: 'crash', webhook: 'https://hooks.example/x' },
        { on: 'match', process: 'api', pattern: 'FATAL|panic', level: 'error' },
        { on: 'silence', process: 'ticker', seconds: 30 },
        { on: 'silence', after: '2m' },
        { on: 'unhealthy' },
        { on: 'exit', process: 'migrate' },
      ],
      'f',
    );
    expect(rules.map((r) => [r.index, r.on, r.process])).toEqual([
      [0, 'crash', undefined],
      [1, 'match', 'api'],
      [2, 'silence', 'ticker'],
      [3, 'silence', undefined],
      [4, 'unhealthy', undefined],
      [5, 'exit', 'migrate'],
    ]);
    expect(rules[0]?.webhook?.href).toBe('https://hooks.example/x');
    expect(rules[1]?.pattern?.test('a panic here')).toBe(true);
    expect(rules[1]?.level).toBe('error');
    expect(rules[2]?.silenceMs).toBe(30_000);
    expect(rules[3]?.silenceMs).toBe(120_000);
  });

  it.each([
    [{ on: 'explode' }, /alerts\[0\]: field "on": must be one of crash, exit/],
    [{ on: 'crash', pattern: 'x' }, /belong to \{ on: match \}/],
    [{ on: 'match' }, /needs "pattern", "level" or both/],
    [{ on: 'match', pattern: '(' }, /field "pattern"/],
    [{ on: 'match', level: 'loud' }, /field "level": must be one of error, warn/],
    [{ on: 'silence' }, /needs "seconds"/],
    [{ on: 'silence', seconds: 0.5 }, /at least 1 s/],
    [{ on: 'crash', webhook: 'file:///etc/passwd' }, /http:\/\/ or https:\/\//],
    [{ on: 'crash', webhook: 'not a url' }, /http:\/\/ or https:\/\//],
    [{ on: 'crash', process: 'a b' }, /field "process"/],
    [{ on: 'crash', extra: 1 }, /field "extra": unknown/],
  ])('refuses %j', (rule, message) => {
    expect(() => parseAlertRules([rule], 'switchyard.yaml')).toThrow(message);
  });

  it('is read from the config file, which the process loader accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, 'processes:\n  api: node server.mjs\nalerts:\n  - { on: crash }\n  - { on: match, process: api, pattern: "FATAL|panic" }\n');
    expect(loadConfig(file).map((d) => d.id)).toEqual(['api']);
    expect(loadAlertRules(file).map((r) => r.on)).toEqual(['crash', 'match']);
    writeFileSync(file, 'processes:\n  api: node server.mjs\nalerts: { on: crash }\n');
    expect(() => loadAlertRules(file)).toThrow(/switchyard.yaml: field "alerts": must be a list/);
  });
});
