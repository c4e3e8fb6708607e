/**
 * The `alerts:` key of the config file (CONTRACT.md, "Process definitions beyond the Procfile"):
 *
 * ```yaml
 * alerts:
 *   - { on: crash }                                  # non-zero exit, a signal nobody asked for, a failed start
 *   - { on: exit, process: migrate }                 # the process ended by itself, any code
 *   - { on: gave_up }                                # the restart policy gave up
 *   - { on: unhealthy, process: db }                 # a probe turned unhealthy
 *   - { on: match, process: api, pattern: "FATAL|panic", level: error }
 *   - { on: silence, process: ticker, seconds: 30 }  # no output for 30 s while running
 *   - { on: crash, webhook: "https://hooks.example/switchyard" }
 * ```
 *
 * Without the key the default set applies: crash and gave_up for every process. `alerts: []`
 * turns alerting off. Errors name the file, the rule's index and the field.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ALERT_RULES, LEVELS, isValidProcessId, type AlertRuleKind, type Level } from '../../shared/protocol';
import { DefinitionError, duration } from '../supervisor/process-definition';
import { isHttpUrl } from '../../shared/http-url';

/** One checked rule. */
export interface AlertRule {
  /** Its index in the config's list (the default set counts from 0 too). */
  index: number;
  on: AlertRuleKind;
  /** Only this process; absent: every process. */
  process?: string;
  /** For `match`: a JavaScript regular expression tested against the line (ANSI escapes removed). */
  pattern?: RegExp;
  /** For `match`: lines of this level or more severe (`error` > `warn` > `info` > `debug` > `trace`). */
  level?: Level;
  /** For `silence`: how long without output, ms. */
  silenceMs?: number;
  /** An http(s) URL to POST each alert of this rule to. */
  webhook?: URL;
}

/** The rules used where the config says nothing: crash and gave_up, for every process. */
export function defaultAlertRules(): AlertRule[] {
  return [
    { index: 0, on: 'crash' },
    { index: 1, on: 'gave_up' },
  ];
}

const RULE_KEYS = new Set(['on', 'process', 'pattern', 'level', 'seconds', 'after', 'webhook']);
/** Longest pattern accepted: a pattern is tested against every line of its processes. */
const MAX_PATTERN = 500;

/**
 * Check the `alerts` value of a config document; `undefined` (no key) gives the default set.
 * Throws {@link DefinitionError} naming `source`, the rule's index and the field.
 */
export function parseAlertRules(raw: unknown, source: string): AlertRule[] {
  if (raw === undefined) return defaultAlertRules();
  if (raw === null) return [];
  if (!Array.isArray(raw)) throw new DefinitionError(`${source}: field "alerts": must be a list of rules such as { on: crash }`);
  return raw.map((item, index) => parseRule(item, index, `${source}: alerts[${index}]`));
}

/** Read the `alerts` key of a YAML or JSON config file (the default set when it has none). */
export function loadAlertRules(configPath: string): AlertRule[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(configPath, 'utf8'));
  } catch (err) {
    throw new DefinitionError(`${configPath}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  const alerts = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>).alerts : undefined;
  return parseAlertRules(alerts, configPath);
}

function parseRule(item: unknown, index: number, where: string): AlertRule {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new DefinitionError(`${where}: must be a map such as { on: crash }`);
  const r = item as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!RULE_KEYS.has(key)) throw new DefinitionError(`${where}: field "${key}": unknown (known: ${[...RULE_KEYS].join(', ')})`);
  }
  if (typeof r.on !== 'string' || !(ALERT_RULES as readonly string[]).includes(r.on)) {
    throw new DefinitionError(`${where}: field "on": must be one of ${ALERT_RULES.join(', ')}`);
  }
  const rule: AlertRule = { index, on: r.on as AlertRuleKind };
  if (r.process !== undefined) {
    if (!isValidProcessId(r.process)) throw new DefinitionError(`${where}: field "process": must be a process id`);
    rule.process = r.process;
  }
  if (r.pattern !== undefined || r.level !== undefined) {
    if (rule.on !== 'match') throw new DefinitionError(`${where}: fields "pattern" and "level" belong to { on: match }`);
  }
  if (r.pattern !== undefined) {
    if (typeof r.pattern !== 'string' || r.pattern === '' || r.pattern.length > MAX_PATTERN) {
      throw new DefinitionError(`${where}: field "pattern": must be a regular expression of 1 to ${MAX_PATTERN} characters`);
    }
    try {
      rule.pattern = new RegExp(r.pattern);
    } catch (err) {
      throw new DefinitionError(`${where}: field "pattern": ${(err as Error).message}`);
    }
  }
  if (r.level !== undefined) {
    if (typeof r.level !== 'string' || !(LEVELS as readonly string[]).includes(r.level)) throw new DefinitionError(`${where}: field "level": must be one of ${LEVELS.join(', ')}`);
    rule.level = r.level as Level;
  }
  if (rule.on === 'match' && !rule.pattern && !rule.level) throw new DefinitionError(`${where}: { on: match } needs "pattern", "level" or both`);
  const silence = r.seconds ?? r.after;
  if (silence !== undefined && rule.on !== 'silence') throw new DefinitionError(`${where}: field "${r.seconds !== undefined ? 'seconds' : 'after'}" belongs to { on: silence }`);
  if (rule.on === 'silence') {
    if (silence === undefined) throw new DefinitionError(`${where}: { on: silence } needs "seconds" (a number) or "after" (a duration such as "30s")`);
    const ms = r.seconds !== undefined ? seconds(r.seconds, `${where}: field "seconds"`) : duration(r.after, `${where}: field "after"`);
    if (ms < 1000) throw new DefinitionError(`${where}: silence must be at least 1 s`);
    rule.silenceMs = ms;
  }
  if (r.webhook !== undefined) rule.webhook = webhookUrl(r.webhook, `${where}: field "webhook"`);
  return rule;
}

function seconds(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new DefinitionError(`${where}: must be a positive number of seconds`);
  return value * 1000;
}

/** Only http(s): a webhook is a POST to a web server, never a file or another scheme. */
function webhookUrl(value: unknown, where: string): URL {
  if (!isHttpUrl(value)) throw new DefinitionError(`${where}: must be an http:// or https:// URL`);
  return new URL(value);
}
