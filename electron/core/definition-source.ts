/**
 * Which process definitions an instance runs, and the words of its `Processes:` line: an explicit
 * `--config` or `--procfile`, else `./Procfile`, else the demo set. A file that is missing is
 * named with whoever named it (the option, or the config file's `procfile:` key), never as a raw
 * `ENOENT`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseAlertRules, type AlertRule } from '../alerts';
import { parseStoreLimits, type StoreLimits } from './store-limits';
import { loadProcfile, parseConfig, type ProcessDefinition } from '../supervisor';
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
    const text = readFileSync(path, 'utf8');
    const doc = configDoc(text);
    const named = procfileNamedBy(doc, path);
    if (named) mustExist(named.path, `${path} names "procfile: ${named.value}"`);
    return { source: configSource(path, named?.path, options.appRoot), ...fromConfig(text, doc, path) };
  }
  if (options.procfile) {
    const path = resolve(options.cwd, options.procfile);
    mustExist(path, `--procfile ${options.procfile}`);
    return { source: path, definitions: loadProcfile(path) };
  }
  const local = join(options.cwd, 'Procfile');
  if (existsSync(local)) return { source: local, definitions: loadProcfile(local) };
  const demo = demoConfigPath(options.appRoot);
  const text = readFileSync(demo, 'utf8');
  return { source: `${demo} (demo)`, ...fromConfig(text, configDoc(text), demo) };
}

/** A config file's processes (parseConfig validates the whole file) and the sections the supervisor does not own. */
function fromConfig(text: string, doc: Record<string, unknown> | undefined, path: string): Omit<ChosenDefinitions, 'source'> {
  return { definitions: parseConfig(text, path), alerts: parseAlertRules(doc?.alerts, path), store: parseStoreLimits(doc?.store, path) };
}

/** What the `Processes:` line says about a config file: which Procfile it read too, or which one beside it it did not. */
function configSource(path: string, procfile: string | undefined, appRoot: string): string {
  if (path === demoConfigPath(appRoot)) return `${path} (demo)`;
  if (procfile) return `${path}, with its procfile: ${procfile}`;
  const beside = join(dirname(path), 'Procfile');
  return existsSync(beside) ? `${path} (not ${beside}: name it with "procfile:" to use it too)` : path;
}

/** A config file's top-level map, or undefined when it does not parse as one (parseConfig says why). */
function configDoc(text: string): Record<string, unknown> | undefined {
  try {
    const doc: unknown = parseYaml(text);
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The config's `procfile:` value and its resolved path, when it has a usable one (parseConfig reports the rest). */
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
