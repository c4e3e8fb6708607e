/**
 * The orchestration keys of a process definition (CONTRACT.md, "Process definitions beyond the
 * Procfile"): `dependsOn`, `readiness` and `liveness` probes, and `watch`, with their defaults and
 * validators. The graph-wide checks (unknown ids, cycles) are in dependency-graph.ts.
 */
import type { DependencyCondition } from '../../shared/protocol';
import { DefinitionError, duration, isRecord } from './definition-basics';
import { isHttpUrl } from '../../shared/http-url';

/** A probe's check: exactly one of these kinds. */
export type ProbeCheck =
  /** A TCP connection to the port is accepted (host default: 127.0.0.1 and ::1, either will do). */
  | { kind: 'tcp'; port: number; host?: string }
  /** A GET answers with a 2xx or 3xx status (redirects are not followed). */
  | { kind: 'http'; url: string }
  /** A shell command exits 0, run in the process's cwd and environment, its whole group killed at the timeout. */
  | { kind: 'exec'; command: string }
  /** A line of the process's output matches (a JavaScript regular expression, ANSI colours removed). */
  | { kind: 'log'; pattern: string };

/** A readiness or liveness probe. */
export type ProbeSpec = ProbeCheck & {
  /** Time between the end of one check and the start of the next. Default 1000 ms. */
  periodMs: number;
  /** A check that takes longer fails. Default 1000 ms (tcp, http), 5000 ms (exec). */
  timeoutMs: number;
  /** Wait before the first check after the run starts (liveness: after it is healthy, when it has a readiness probe). Default 0. */
  initialDelayMs: number;
  /** Failures in a row that count: readiness turns `unhealthy`, liveness restarts the process. Default 3. */
  failureThreshold: number;
};

/** Restart on file changes. */
export interface WatchSpec {
  /** Paths or globs, relative to the process's cwd (`src/**`, `config.json`). */
  paths: string[];
  /** Globs never watched, besides `**\/node_modules/**` and `**\/.git/**`. Default none. */
  ignore: string[];
  /** Quiet time after the last change of a burst before the one restart. Default 300 ms. */
  debounceMs: number;
}

/** What a probe gets for each timing it leaves out (ms), and the failures in a row that make it unhealthy. */
export const PROBE_DEFAULTS = Object.freeze({ periodMs: 1000, timeoutMs: 1000, execTimeoutMs: 5000, initialDelayMs: 0, failureThreshold: 3 });

/** What `watch` gets when it leaves them out: the quiet time before a restart (ms) and the paths never watched. */
export const WATCH_DEFAULTS = Object.freeze({ debounceMs: 300, ignore: ['**/node_modules/**', '**/.git/**'] as readonly string[] });

const CONDITIONS = new Set<string>(['started', 'healthy', 'completed']);
const PROBE_KINDS = ['tcp', 'http', 'exec', 'log'] as const;
const PROBE_OPTIONS = ['periodMs', 'timeoutMs', 'initialDelayMs', 'failureThreshold'];

/** `dependsOn`: a map `id: condition`, or a list of ids (each `started`). `where` prefixes errors. */
export function validateDependsOn(raw: unknown, where: string): Record<string, DependencyCondition> {
  const out: Record<string, DependencyCondition> = {};
  if (Array.isArray(raw)) {
    for (const id of raw) {
      if (typeof id !== 'string' || id === '') throw new DefinitionError(`${where}: a list of process ids, or a map of id: started | healthy | completed`);
      out[id] = 'started';
    }
    return out;
  }
  if (typeof raw === 'string' && raw !== '') return { [raw]: 'started' };
  if (!isRecord(raw)) throw new DefinitionError(`${where}: a list of process ids, or a map of id: started | healthy | completed`);
  for (const [id, condition] of Object.entries(raw)) {
    if (typeof condition !== 'string' || !CONDITIONS.has(condition)) {
      throw new DefinitionError(`${where}.${id}: must be started, healthy or completed`);
    }
    out[id] = condition as DependencyCondition;
  }
  return out;
}

/** A readiness or liveness probe: `{tcp: PORT | {host?, port}}`, `{http: URL}`, `{exec: CMD}` or `{log: PATTERN}`, plus options. */
export function validateProbe(raw: unknown, where: string): ProbeSpec {
  if (isRecord(raw) && typeof raw.kind === 'string') raw = fromNormalized(raw); // a ProbeSpec given in code
  if (!isRecord(raw)) throw new DefinitionError(`${where}: must be a map with one of tcp, http, exec, log`);
  const kinds = PROBE_KINDS.filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1) throw new DefinitionError(`${where}: needs exactly one of tcp, http, exec, log (found ${kinds.length === 0 ? 'none' : kinds.join(', ')})`);
  for (const key of Object.keys(raw)) {
    if (!(PROBE_KINDS as readonly string[]).includes(key) && !PROBE_OPTIONS.includes(key)) {
      throw new DefinitionError(`${where}.${key}: unknown field (known: ${[...PROBE_KINDS, ...PROBE_OPTIONS].join(', ')})`);
    }
  }
  const kind = kinds[0] as (typeof PROBE_KINDS)[number];
  const check = probeCheck(kind, raw[kind], `${where}.${kind}`);
  const threshold = raw.failureThreshold ?? PROBE_DEFAULTS.failureThreshold;
  if (!Number.isSafeInteger(threshold) || (threshold as number) < 1) throw new DefinitionError(`${where}.failureThreshold: must be an integer >= 1`);
  const spec: ProbeSpec = {
    ...check,
    periodMs: raw.periodMs === undefined ? PROBE_DEFAULTS.periodMs : duration(raw.periodMs, `${where}.periodMs`),
    timeoutMs: raw.timeoutMs === undefined ? (kind === 'exec' ? PROBE_DEFAULTS.execTimeoutMs : PROBE_DEFAULTS.timeoutMs) : duration(raw.timeoutMs, `${where}.timeoutMs`),
    initialDelayMs: raw.initialDelayMs === undefined ? PROBE_DEFAULTS.initialDelayMs : duration(raw.initialDelayMs, `${where}.initialDelayMs`),
    failureThreshold: threshold as number,
  };
  // A period of 0 would be a busy loop of checks; a timeout of 0 fails every check.
  if (spec.periodMs < 50) throw new DefinitionError(`${where}.periodMs: must be at least 50 ms`);
  if (spec.timeoutMs < 1) throw new DefinitionError(`${where}.timeoutMs: must be at least 1 ms`);
  return spec;
}

/** A ProbeSpec (`{kind, port, ...}`) back in the config's shape, so that code-given definitions are checked alike. */
function fromNormalized(spec: Record<string, unknown>): Record<string, unknown> {
  const { kind, port: p, host, url, command, pattern, ...options } = spec;
  const value = kind === 'tcp' ? (host === undefined ? p : { host, port: p }) : kind === 'http' ? url : kind === 'exec' ? command : pattern;
  return { [String(kind)]: value, ...options };
}

function probeCheck(kind: (typeof PROBE_KINDS)[number], value: unknown, where: string): ProbeCheck {
  switch (kind) {
    case 'tcp': {
      if (isRecord(value)) {
        for (const key of Object.keys(value)) if (key !== 'host' && key !== 'port') throw new DefinitionError(`${where}.${key}: unknown field (known: host, port)`);
        if (value.host !== undefined && (typeof value.host !== 'string' || value.host === '')) throw new DefinitionError(`${where}.host: must be a host name or address`);
        const check: ProbeCheck = { kind, port: port(value.port, `${where}.port`) };
        if (value.host !== undefined) check.host = value.host as string;
        return check;
      }
      return { kind, port: port(value, where) };
    }
    case 'http': {
      if (!isHttpUrl(value)) throw new DefinitionError(`${where}: must be an http:// or https:// URL`);
      return { kind, url: value };
    }
    case 'exec':
      if (typeof value !== 'string' || value.trim() === '') throw new DefinitionError(`${where}: must be a shell command`);
      return { kind, command: value };
    case 'log':
      if (typeof value !== 'string' || value === '') throw new DefinitionError(`${where}: must be a regular expression`);
      try {
        new RegExp(value);
      } catch (err) {
        throw new DefinitionError(`${where}: not a valid regular expression: ${(err as Error).message}`);
      }
      return { kind, pattern: value };
  }
}

/** `watch`: `{paths, ignore?, debounceMs?}`, or a list of paths, or one path. */
export function validateWatch(raw: unknown, where: string): WatchSpec {
  if (typeof raw === 'string' || Array.isArray(raw)) raw = { paths: raw };
  if (!isRecord(raw)) throw new DefinitionError(`${where}: must be a map with paths (and ignore, debounceMs)`);
  for (const key of Object.keys(raw)) {
    if (!['paths', 'ignore', 'debounceMs'].includes(key)) throw new DefinitionError(`${where}.${key}: unknown field (known: paths, ignore, debounceMs)`);
  }
  const paths = globList(raw.paths, `${where}.paths`);
  if (paths.length === 0) throw new DefinitionError(`${where}.paths: must name at least one path or glob`);
  return {
    paths,
    ignore: raw.ignore === undefined ? [] : globList(raw.ignore, `${where}.ignore`),
    debounceMs: raw.debounceMs === undefined ? WATCH_DEFAULTS.debounceMs : duration(raw.debounceMs, `${where}.debounceMs`),
  };
}

function globList(raw: unknown, where: string): string[] {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === '')) throw new DefinitionError(`${where}: must be a list of paths or globs`);
  if (list.length > 100) throw new DefinitionError(`${where}: at most 100 entries`);
  return list as string[];
}

function port(value: unknown, where: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > 65535) throw new DefinitionError(`${where}: must be a port number (1 to 65535)`);
  return value as number;
}
