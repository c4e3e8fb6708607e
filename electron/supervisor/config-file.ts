/**
 * The richer config file (YAML; JSON is YAML too), for what a Procfile cannot say:
 *
 * ```yaml
 * procfile: Procfile          # optional, relative to this file: take its processes (and its .env)
 * env: { LOG_LEVEL: debug }   # optional, for every process
 * processes:
 *   web:
 *     command: node server.mjs  # may be left out when the Procfile defines `web`
 *     cwd: ./web                # relative to this file
 *     env: { PORT: "3000" }
 *     autostart: true
 *     restart: { mode: on-failure, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 30000, maxRestarts: 10, resetAfterMs: 60000 }
 *     stopSignal: SIGINT
 *     stopGraceMs: 5s
 *     dependsOn: { db: healthy }  # or completed, started; a list [db] means started
 *     readiness: { tcp: 3000 }    # or http: URL, exec: CMD, log: PATTERN; periodMs, timeoutMs, initialDelayMs, failureThreshold
 *     liveness: { http: "http://127.0.0.1:3000/health", periodMs: 5s }
 *     watch: { paths: ["src/**"], ignore: ["**\/*.test.ts"], debounceMs: 300ms }
 *   worker: python worker.py    # a plain string is the command
 * ```
 *
 * Errors name the file, the process and the field; an unknown id or a cycle in `dependsOn` is an
 * error of the whole file, naming every id involved.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkDependencies } from './dependency-graph';
import { DefinitionError, validateDefinition, validateEnv, type ProcessDefinition } from './process-definition';
import { loadProcfile } from './procfile';

// `alerts` and `store` are read by electron/core/definition-source.ts (parseAlertRules, parseStoreLimits); here they are only allowed.
const TOP_KEYS = new Set(['procfile', 'env', 'processes', 'alerts', 'store']);

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** A Procfile to take processes from, overriding the file's own `procfile` key. Default: the key's value. */
  procfile?: string;
}

/**
 * Read a config file (and the Procfile it names) into process definitions, Procfile order first.
 * Throws {@link DefinitionError} naming file, process and field, or the file system's error.
 */
export function loadConfig(path: string, options: LoadConfigOptions = {}): ProcessDefinition[] {
  return parseConfig(readFileSync(path, 'utf8'), path, options);
}

/** Parse config text; `file` names it in errors and relative paths resolve against its folder. */
export function parseConfig(text: string, file: string, options: LoadConfigOptions = {}): ProcessDefinition[] {
  const dir = dirname(resolve(file));
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new DefinitionError(`${file}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new DefinitionError(`${file}: must be a map with "processes"`);
  const top = doc as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (!TOP_KEYS.has(key)) throw new DefinitionError(`${file}: field "${key}": unknown (known: ${[...TOP_KEYS].join(', ')})`);
  }
  if (top.procfile !== undefined && (typeof top.procfile !== 'string' || top.procfile === '')) {
    throw new DefinitionError(`${file}: field "procfile": must be a path`);
  }
  const procfilePath = options.procfile ?? (top.procfile ? resolve(dir, top.procfile as string) : undefined);
  const globalEnv = top.env === undefined ? undefined : validateEnv(top.env, `${file}: field "env"`);
  if (top.processes !== undefined && (typeof top.processes !== 'object' || top.processes === null || Array.isArray(top.processes))) {
    throw new DefinitionError(`${file}: field "processes": must be a map of id: definition`);
  }

  const defs = new Map<string, ProcessDefinition>();
  if (procfilePath) for (const def of loadProcfile(procfilePath)) defs.set(def.id, def);
  for (const [id, raw] of Object.entries((top.processes ?? {}) as Record<string, unknown>)) {
    const base = defs.get(id);
    const def = validateDefinition(id, raw, { source: file, commandOptional: base !== undefined });
    if (def.cwd !== undefined) def.cwd = resolve(dir, def.cwd);
    defs.set(id, base ? merge(base, def) : { cwd: dir, ...def });
  }
  if (defs.size === 0) throw new DefinitionError(`${file}: defines no process (add "processes" or "procfile")`);
  checkDependencies([...defs.values()], file);
  return [...defs.values()].map((def) => (globalEnv ? { ...def, env: { ...globalEnv, ...def.env } } : def));
}

function merge(base: ProcessDefinition, over: ProcessDefinition): ProcessDefinition {
  const out: ProcessDefinition = { ...base };
  for (const [key, value] of Object.entries(over) as [keyof ProcessDefinition, unknown][]) {
    if (value === undefined || (key === 'command' && value === '')) continue;
    (out as unknown as Record<string, unknown>)[key] = value;
  }
  if (base.env || over.env) out.env = { ...base.env, ...over.env };
  return out;
}
