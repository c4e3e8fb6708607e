/**
 * A tolerant reader for what the supervisor sends about processes: `process.list` results, the
 * `processes` channel's events and `process_status` payloads. Unknown fields are ignored and
 * missing ones left out, so the supervisor can grow its shapes without breaking the dashboard.
 */

/** What the dashboard knows about one process. */
export interface ProcessInfo {
  id: string;
  /** `starting`, `running`, `exited`, `failed`, `stopped`, `restarting`, or whatever the supervisor says. */
  status: string;
  pid?: number;
  exitCode?: number;
  signal?: string;
  reason?: string;
  restarts?: number;
  /** When the current run started, in ms since the epoch. */
  startedAt?: number;
  command?: string;
  /** Delay before the next automatic restart. */
  delayMs?: number;
  /** Runs in a pseudo-terminal: the dashboard shows its terminal. */
  tty?: boolean;
  /** Its stdin is open for `process.input` (the one-line input under its log). */
  stdin?: boolean;
}

/** The result of reading a `processes` payload: the whole list, or some changed entries. */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A time as ms since the epoch, from a number (ms) or an RFC 3339 string. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** Read the status fields of a process object or a `process_status` payload (id excluded). */
export function parseStatusFields(o: Obj, now: number): Partial<Omit<ProcessInfo, 'id'>> {
  const info: Partial<Omit<ProcessInfo, 'id'>> = {};
  const status = str(o.status) ?? str(o.state);
  if (status) info.status = status;
  const pid = num(o.pid);
  if (pid !== undefined) info.pid = pid;
  const exitCode = num(o.exitCode) ?? num(o.exit_code) ?? num(o.code);
  if (exitCode !== undefined) info.exitCode = exitCode;
  const signal = str(o.signal);
  if (signal) info.signal = signal;
  const reason = str(o.reason) ?? str(o.error);
  if (reason) info.reason = reason;
  const restarts = num(o.restarts) ?? num(o.restartCount) ?? num(o.restart_count);
  if (restarts !== undefined) info.restarts = restarts;
  const startedAt = parseTime(o.startedAt) ?? parseTime(o.started_at);
  const uptime = num(o.uptimeMs) ?? num(o.uptime_ms);
  if (startedAt !== undefined) info.startedAt = startedAt;
  else if (uptime !== undefined) info.startedAt = now - uptime;
  const command = str(o.command) ?? str(o.cmd);
  if (command) info.command = command;
  const delayMs = num(o.delayMs);
  if (delayMs !== undefined) info.delayMs = delayMs;
  return info;
}

/** One process object, or null when it has no usable id. */
export function parseProcess(v: unknown, now: number): ProcessInfo | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  if (!id) return null;
  const fields = parseStatusFields(v, now);
  const info: ProcessInfo = { ...fields, status: fields.status ?? 'unknown', id };
  if (v.tty === true) info.tty = true;
  if (v.stdin === true) info.stdin = true;
  return info;
}

function parseList(v: unknown, now: number): ProcessInfo[] | null {
  if (Array.isArray(v)) return v.map((p) => parseProcess(p, now)).filter((p): p is ProcessInfo => p !== null);
  return null;
}

/**
 * Read a process list: a `process.list` result (an array) or a `processes` channel event
 * (`{kind: "list", processes: [...]}`, README "What Switchyard adds to the contract").
 */
export function parseProcessesPayload(v: unknown, now: number): ProcessInfo[] | null {
  return parseList(Array.isArray(v) ? v : isObj(v) && v.kind === 'list' ? v.processes : undefined, now);
}
