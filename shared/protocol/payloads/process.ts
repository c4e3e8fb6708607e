/**
 * What crosses the wire about processes: the `process.list` items, the `processes` channel's
 * list events and the `process_status` payloads. Written once as schemas; the types are inferred,
 * so the supervisor that builds these and the dashboard that reads them cannot drift apart.
 */
import { z } from 'zod';

/**
 * Statuses of the contract (`starting` … `restarting`), `waiting` (version 2: for a dependency),
 * `stopping` (the grace period of a stop: the stop signal was sent, `killAt` says when SIGKILL
 * follows) and `unreachable` (a process of a node that is gone, on a shared engine).
 */
export const PROCESS_STATES = ['waiting', 'starting', 'running', 'stopping', 'exited', 'failed', 'stopped', 'restarting', 'unreachable'] as const;
export const ProcessStateSchema = z.enum(PROCESS_STATES);
export type ProcessState = z.infer<typeof ProcessStateSchema>;

/** Readiness of a process with a readiness probe. */
export const HealthSchema = z.enum(['checking', 'healthy', 'unhealthy']);
export type Health = z.infer<typeof HealthSchema>;

/** When a process that ended by itself is started again. */
export const RestartModeSchema = z.enum(['never', 'on-failure', 'always']);
export type RestartMode = z.infer<typeof RestartModeSchema>;

/** What a dependant waits for: `started`, `healthy` (its readiness probe passed) or `completed` (exited 0). */
export const DependencyConditionSchema = z.enum(['started', 'healthy', 'completed']);
export type DependencyCondition = z.infer<typeof DependencyConditionSchema>;

const isoTime = z.string();

/**
 * Payload of `process_status` (the seed's `{status, exitCode}` plus the contract's extras). Status
 * messages are small deltas; the full picture is the list item below.
 */
export const ProcessStatusDataSchema = z.object({
  status: ProcessStateSchema,
  exitCode: z.optional(z.number().int()),
  pid: z.optional(z.number().int()),
  signal: z.optional(z.string()),
  reason: z.optional(z.string()),
  delayMs: z.optional(z.number()),
  restarts: z.optional(z.number().int()),
  /** The run this status belongs to (1 for the first run of the process, across Switchyard restarts). */
  run: z.optional(z.number().int()),
  /** While `waiting`: the ids waited for. */
  waitingFor: z.optional(z.array(z.string())),
  /** While `stopping`: ISO time the group gets SIGKILL if it has not exited. */
  killAt: z.optional(isoTime),
  health: z.optional(HealthSchema),
  /** On `exited`: the restart policy gave up (its `maxRestarts` in a row were used). */
  gaveUp: z.optional(z.boolean()),
});
export type ProcessStatusData = z.infer<typeof ProcessStatusDataSchema>;

/** One dependency as the list shows it. */
export const DependencyInfoSchema = z.strictObject({
  id: z.string(),
  condition: DependencyConditionSchema,
  /** Whether the condition holds now. */
  met: z.boolean(),
});
export type DependencyInfo = z.infer<typeof DependencyInfoSchema>;

/** A process as `process.list` and the `processes` channel show it. Optional fields are left out when unknown. */
export const ProcessInfoSchema = z.strictObject({
  id: z.string(),
  command: z.string(),
  /** The resolved working directory. */
  cwd: z.string(),
  status: ProcessStateSchema,
  /** While a run is alive: the pid of its group leader (= the process group id). */
  pid: z.optional(z.number().int()),
  exitCode: z.optional(z.number().int()),
  signal: z.optional(z.string()),
  reason: z.optional(z.string()),
  /** While `restarting`: the wait before the next run. */
  delayMs: z.optional(z.number()),
  /** Automatic restarts since the last start by a user. */
  restarts: z.number().int(),
  /** True once the restart policy gave up (its `maxRestarts` in a row were used). */
  gaveUp: z.optional(z.boolean()),
  /** Runs counted from 1 for this process in this project (continues across Switchyard restarts when output is stored). */
  run: z.optional(z.number().int()),
  /** ISO time the current or last run started. */
  startedAt: z.optional(isoTime),
  /** ISO time the last run ended. */
  endedAt: z.optional(isoTime),
  /** ISO time the readiness probe last turned healthy in this run. */
  healthyAt: z.optional(isoTime),
  /** ISO time the process began to wait for its dependencies. */
  waitingSince: z.optional(isoTime),
  autostart: z.boolean(),
  restartMode: RestartModeSchema,
  /** Where the process came from: the config or Procfile, or `process.add` at run time (removable from the dashboard). */
  origin: z.optional(z.enum(['config', 'added'])),
  /** Lines sent to the hub (progress updates included). */
  linesOut: z.number().int(),
  /** Bytes read from the process's output. */
  bytesOut: z.number().int(),
  /** Lines the hub could not take (a publish that failed): never silent, always counted here. */
  skipped: z.number().int(),
  /** `\r` progress states overwritten before they were sent (throttling, not loss of a line). */
  coalesced: z.number().int(),
  /** Times output was paused because the hub was congested. */
  pauses: z.number().int(),
  /** Whether output is paused right now. */
  paused: z.boolean(),
  health: z.optional(HealthSchema),
  waitingFor: z.optional(z.array(z.string())),
  dependsOn: z.optional(z.array(DependencyInfoSchema)),
  /** While `stopping`: when SIGKILL follows. */
  killAt: z.optional(isoTime),
  /** Percent of one core over the last sample (whole process group). */
  cpuPercent: z.optional(z.number()),
  /** Resident memory of the whole process group, bytes. */
  memoryBytes: z.optional(z.number().int()),
  /** TCP ports the group listens on. */
  ports: z.optional(z.array(z.number().int())),
  /** Runs in a pseudo-terminal (`terminal_output`, `process.input`, `process.resize`). */
  tty: z.optional(z.boolean()),
  /** Its stdin is open for `process.input` (a process without a terminal started with `stdin: true`). */
  stdin: z.optional(z.boolean()),
  /** Whether its output is stored on disk. */
  stored: z.optional(z.boolean()),
  /** On a shared engine: the node that runs it. */
  node: z.optional(z.string()),
});
export type ProcessInfo = z.infer<typeof ProcessInfoSchema>;

/** The `processes` channel's event: the whole list, at start and after every change. */
export const ProcessListEventSchema = z.strictObject({
  kind: z.literal('list'),
  processes: z.array(ProcessInfoSchema),
});
export type ProcessListEvent = z.infer<typeof ProcessListEventSchema>;

/**
 * Whether a process (a list item or a status) has given up restarting: its `gaveUp`, or, from a
 * supervisor that does not set it yet, its reason ("gave up after 5 restarts in a row"). The one
 * place that reads the reason, so the alert engine and the dashboard cannot disagree.
 */
export function hasGivenUp(p: { gaveUp?: boolean; reason?: string; status?: ProcessState }): boolean {
  if (p.gaveUp !== undefined) return p.gaveUp;
  return p.status === 'exited' && typeof p.reason === 'string' && p.reason.startsWith('gave up');
}
