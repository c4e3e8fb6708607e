/**
 * What a supervised process is: its id, shell command and run-time settings, with the defaults
 * and the one validator that the Procfile loader, the config file loader and the `process.add`
 * method all share, so that an error always names where it came from, the process and the field.
 */
import { constants as osConstants } from 'node:os';
import { isValidProcessId, type DependencyCondition } from '../../shared/protocol';
import { DefinitionError, duration, isRecord } from './definition-basics';
import { validateDependsOn, validateProbe, validateWatch, type ProbeSpec, type WatchSpec } from './orchestration-definition';
import type { RestartMode } from '../../shared/protocol';

export { DefinitionError, duration } from './definition-basics';

/** When a process that ended by itself is started again. */
export type { RestartMode } from '../../shared/protocol';

/** Restart policy with exponential backoff: delay = min(initialDelayMs * multiplier^n, maxDelayMs). */
export interface RestartPolicy {
  /** Default `never`. `on-failure` restarts on a non-zero exit code or a death by signal. */
  mode: RestartMode;
  /** Delay before the first restart. Default 1000 ms. */
  initialDelayMs: number;
  /** Factor applied to the delay after each restart. Default 2. */
  multiplier: number;
  /** Longest delay. Default 30000 ms. */
  maxDelayMs: number;
  /** Automatic restarts allowed in a row (a run that lived `resetAfterMs` starts a new row). Default 10. */
  maxRestarts: number;
  /** A run that lived this long resets the backoff and the count toward `maxRestarts`. Default 60000 ms. */
  resetAfterMs: number;
}

/** One process as the supervisor runs it. */
export interface ProcessDefinition {
  /** The process id (a Procfile name, `[A-Za-z0-9_-]+`); its channel is `process:<id>`. */
  id: string;
  /** Run through `/bin/sh -c`. */
  command: string;
  /** Working directory; relative paths are resolved against the supervisor's `cwd`. Default: that `cwd`. */
  cwd?: string;
  /** Extra environment, over the supervisor's environment and the defaults FORCE_COLOR=1, PYTHONUNBUFFERED=1. */
  env?: Record<string, string>;
  /** Started by `Supervisor.start()`. Default true. */
  autostart?: boolean;
  /** Restart policy; missing fields take the defaults of {@link DEFAULT_RESTART}. */
  restart?: Partial<RestartPolicy>;
  /** Signal sent to the process group on stop. Default `SIGTERM`; `SIGHUP` with `tty: true` (see {@link stopSignalOf}). */
  stopSignal?: NodeJS.Signals;
  /** Time between the stop signal and SIGKILL to the group. Default 5000 ms. */
  stopGraceMs?: number;
  /** What must hold before it starts: `id: started | healthy | completed`. Default none. */
  dependsOn?: Record<string, DependencyCondition>;
  /** When it is ready (`health`); `healthy` dependants wait for it. Default none. */
  readiness?: ProbeSpec;
  /** When it is alive: `failureThreshold` failures in a row restart it under its restart policy. Default none. */
  liveness?: ProbeSpec;
  /** Restart on file changes. Default none. */
  watch?: WatchSpec;
  /** Run in a pseudo-terminal. Default false. */
  tty?: boolean;
  /** Keep stdin open for `process.input` (without a terminal). Default false. */
  stdin?: boolean;
  /** Store its output on disk. Default: the store's own default. */
  store?: boolean;
}

/** The restart policy's defaults. */
export const DEFAULT_RESTART: Readonly<RestartPolicy> = Object.freeze({
  mode: 'never',
  initialDelayMs: 1000,
  multiplier: 2,
  maxDelayMs: 30_000,
  maxRestarts: 10,
  resetAfterMs: 60_000,
});

/** Default stop grace period (Foreman's and Overmind's 5 s). */
export const DEFAULT_STOP_GRACE_MS = 5000;

/**
 * The signal a stop sends: `stopSignal`, else SIGHUP for a process in a terminal (what closing a
 * terminal sends: an interactive shell ignores SIGTERM, and passes SIGHUP on to its jobs), else SIGTERM.
 */
export function stopSignalOf(def: Pick<ProcessDefinition, 'stopSignal' | 'tty'>): NodeJS.Signals {
  return def.stopSignal ?? (def.tty ? 'SIGHUP' : 'SIGTERM');
}

const PROCESS_KEYS = new Set([
  'command', 'cwd', 'env', 'autostart', 'restart', 'stopSignal', 'stopGraceMs',
  'dependsOn', 'readiness', 'liveness', 'watch', 'tty', 'stdin', 'store',
]);
const FLAG_KEYS = ['autostart', 'tty', 'stdin', 'store'] as const;
const RESTART_KEYS = new Set(['mode', 'policy', 'initialDelayMs', 'multiplier', 'maxDelayMs', 'maxRestarts', 'resetAfterMs']);
const RESTART_MODES = new Set<string>(['never', 'on-failure', 'always']);

/** Where a definition comes from, for error messages: e.g. `switchyard.yaml` or `process.add`. */
export interface DefinitionSource {
  /** The file (or method) the definition came from. */
  source: string;
  /** Whether `command` may be missing (a config entry that adjusts a Procfile process). */
  commandOptional?: boolean;
}

/**
 * Check an untrusted object (a config entry, `process.add` params without `id`) and return a
 * clean definition. Throws {@link DefinitionError} naming the source, the process and the field.
 */
export function validateDefinition(id: unknown, raw: unknown, where: DefinitionSource): ProcessDefinition {
  const at = (field?: string): string =>
    `${where.source}: process ${JSON.stringify(String(id))}${field ? `: field "${field}"` : ''}`;
  if (!isValidProcessId(id)) {
    throw new DefinitionError(`${at()}: the id must be 1 to 100 characters of A-Z a-z 0-9 _ -`);
  }
  if (typeof raw === 'string') raw = { command: raw }; // `web: node server.js` in YAML
  if (!isRecord(raw)) throw new DefinitionError(`${at()}: must be a command string or an object`);
  for (const key of Object.keys(raw)) {
    if (!PROCESS_KEYS.has(key)) {
      throw new DefinitionError(`${at(key)}: unknown field (known: ${[...PROCESS_KEYS].join(', ')})`);
    }
  }
  const def: ProcessDefinition = { id, command: '' };
  if (raw.command === undefined) {
    if (!where.commandOptional) throw new DefinitionError(`${at('command')}: missing`);
  } else if (typeof raw.command !== 'string' || raw.command.trim() === '') {
    throw new DefinitionError(`${at('command')}: must be a non-empty string`);
  } else {
    def.command = raw.command;
  }
  if (raw.cwd !== undefined) {
    if (typeof raw.cwd !== 'string' || raw.cwd === '') throw new DefinitionError(`${at('cwd')}: must be a non-empty string`);
    def.cwd = raw.cwd;
  }
  if (raw.env !== undefined) def.env = validateEnv(raw.env, at('env'));
  for (const flag of FLAG_KEYS) {
    if (raw[flag] === undefined) continue;
    if (typeof raw[flag] !== 'boolean') throw new DefinitionError(`${at(flag)}: must be true or false`);
    def[flag] = raw[flag];
  }
  if (raw.restart !== undefined) def.restart = validateRestart(raw.restart, at);
  if (raw.stopSignal !== undefined) {
    if (typeof raw.stopSignal !== 'string' || !(raw.stopSignal in osConstants.signals)) {
      throw new DefinitionError(`${at('stopSignal')}: must be a signal name such as SIGTERM or SIGINT`);
    }
    def.stopSignal = raw.stopSignal as NodeJS.Signals;
  }
  if (raw.stopGraceMs !== undefined) def.stopGraceMs = duration(raw.stopGraceMs, at('stopGraceMs'));
  if (raw.dependsOn !== undefined) {
    def.dependsOn = validateDependsOn(raw.dependsOn, at('dependsOn'));
    if (def.dependsOn[id] !== undefined) throw new DefinitionError(`${at('dependsOn')}: a process cannot depend on itself`);
  }
  if (raw.readiness !== undefined) def.readiness = validateProbe(raw.readiness, at('readiness'));
  if (raw.liveness !== undefined) def.liveness = validateProbe(raw.liveness, at('liveness'));
  if (raw.watch !== undefined) def.watch = validateWatch(raw.watch, at('watch'));
  return def;
}

/** The full restart policy of a definition, defaults filled in. */
export function restartPolicyOf(def: ProcessDefinition): RestartPolicy {
  return { ...DEFAULT_RESTART, ...def.restart };
}

/** Check an environment map (`NAME: value`); `where` prefixes errors. Throws {@link DefinitionError}. */
export function validateEnv(raw: unknown, where: string): Record<string, string> {
  if (!isRecord(raw)) throw new DefinitionError(`${where}: must be a map of NAME: value`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new DefinitionError(`${where}.${key}: not a valid variable name`);
    if (typeof value === 'string') env[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') env[key] = String(value);
    else throw new DefinitionError(`${where}.${key}: must be a string, a number or a boolean`);
  }
  return env;
}

function validateRestart(raw: unknown, at: (field?: string) => string): Partial<RestartPolicy> {
  if (typeof raw === 'string') raw = { mode: raw }; // `restart: on-failure`
  if (!isRecord(raw)) throw new DefinitionError(`${at('restart')}: must be never, on-failure, always or an object`);
  const out: Partial<RestartPolicy> = {};
  for (const key of Object.keys(raw)) {
    if (!RESTART_KEYS.has(key)) {
      throw new DefinitionError(`${at(`restart.${key}`)}: unknown field (known: mode, initialDelayMs, multiplier, maxDelayMs, maxRestarts, resetAfterMs)`);
    }
  }
  const mode = raw.mode ?? raw.policy;
  if (mode !== undefined) {
    if (typeof mode !== 'string' || !RESTART_MODES.has(mode)) {
      throw new DefinitionError(`${at('restart.mode')}: must be never, on-failure or always`);
    }
    out.mode = mode as RestartMode;
  }
  if (raw.initialDelayMs !== undefined) out.initialDelayMs = duration(raw.initialDelayMs, at('restart.initialDelayMs'));
  if (raw.maxDelayMs !== undefined) out.maxDelayMs = duration(raw.maxDelayMs, at('restart.maxDelayMs'));
  if (raw.resetAfterMs !== undefined) out.resetAfterMs = duration(raw.resetAfterMs, at('restart.resetAfterMs'));
  if (raw.multiplier !== undefined) {
    if (typeof raw.multiplier !== 'number' || !(raw.multiplier >= 1) || !Number.isFinite(raw.multiplier)) {
      throw new DefinitionError(`${at('restart.multiplier')}: must be a number >= 1`);
    }
    out.multiplier = raw.multiplier;
  }
  if (raw.maxRestarts !== undefined) {
    if (!Number.isSafeInteger(raw.maxRestarts) || (raw.maxRestarts as number) < 0) {
      throw new DefinitionError(`${at('restart.maxRestarts')}: must be a non-negative integer`);
    }
    out.maxRestarts = raw.maxRestarts as number;
  }
  return out;
}
