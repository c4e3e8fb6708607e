/**
 * Which process definitions an instance runs, and the words of its `Processes:` line: an explicit
 * `--config` or `--procfile`, else `./Procfile`, else the demo set. A file that is missing is
 * named with whoever named it (the option, or the config file's `procfile:` key), never as a raw
 * `ENOENT`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadAlertRules, parseAlertRules, type AlertRule } from '../alerts';
import { parseStoreLimits, type StoreLimits } from './store-limits';
import { loadConfig, loadProcfile, type ProcessDefinition } from '../supervisor';
import { demoConfigPath } from './demo-set';

export { demoConfigPath };

/** Where to look and what was asked for. */
export interface DefinitionChoice {
  /** `--procfile FILE`, relative to `cwd`. */
  procfile?: string;
  /** `--config FILE`, relative to `cwd`. */
  config?: string;
  /** Where `./Procfile` is looked for. */
  cwd: string;
  /** The app root (holds `resources/demo`). */
  appRoot: string;
}

/** What an instance runs: its processes, where they came from, and the config's alert rules (absent: the default set). */
export interface ChosenDefinitions {
  /** What the `Processes:` line says. */
  source: string;
  definitions: ProcessDefinition[];
  alerts?: AlertRule[];
  /** The config's `store:` caps (absent: the store's defaults). */
  store?: StoreLimits;
}

/** Load the definitions. Throws an Error a user can act on. */
export function resolveDefinitions(options: DefinitionChoice): ChosenDefinitions {
  if (options.config) {
    const path = resolve(options.cwd, options.config);
    mustExist(path, `--config ${options.config}`);
    // Read once here for the sections the supervisor does not own (loadConfig validates the file).
    const doc = configDoc(path);
    const named = procfileNamedBy(doc, path);
    if (named) mustExist(named.path, `${path} names "procfile: ${named.value}"`);
    const definitions = loadConfig(path);
    return { source: configSource(path, named?.path, options.appRoot), definitions, alerts: parseAlertRules(doc?.alerts, path), store: parseStoreLimits(doc?.store, path) };
  }
  if (options.procfile) {
    const path = resolve(options.cwd, options.procfile);
    mustExist(path, `--procfile ${options.procfile}`);
    return { source: path, definitions: loadProcfile(path) };
  }
  const local = join(options.cwd, 'Procfile');
  if (existsSync(local)) return { source: local, definitions: loadProcfile(local) };
  const demo = demoConfigPath(options.appRoot);
  return { source: `${demo} (demo)`, definitions: loadConfig(demo), alerts: loadAlertRules(demo) };
}

/** What the `Processes:` line says about a config file: which Procfile it read too, or which one beside it it did not. */
function configSource(path: string, procfile: string | undefined, appRoot: string): string {
  if (path === demoConfigPath(appRoot)) return `${path} (demo)`;
  if (procfile) return `${path}, with its procfile: ${procfile}`;
  const beside = join(dirname(path), 'Procfile');
  return existsSync(beside) ? `${path} (not ${beside}: name it with "procfile:" to use it too)` : path;
}

/** The config file's top-level map, or undefined when it does not parse as one (loadConfig says why). */
function configDoc(configPath: string): Record<string, unknown> | undefined {
  try {
    const doc: unknown = parseYaml(readFileSync(configPath, 'utf8'));
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The config's `procfile:` value and its resolved path, when it has a usable one (loadConfig reports the rest). */
function procfileNamedBy(doc: Record<string, unknown> | undefined, configPath: string): { value: string; path: string } | undefined {
  const value = doc?.procfile;
  return typeof value === 'string' && value !== '' ? { value, path: resolve(dirname(configPath), value) } : undefined;
}

function mustExist(path: string, who: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${who}: no such file (${path})` : `${who}: cannot read ${path} (${code ?? (err as Error).message})`);
  }
  if (!isFile) throw new Error(`${who}: ${path} is not a file`);
}
