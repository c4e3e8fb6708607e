/**
 * The process list as the hub sends it (`process.list`, the `processes` channel, `process_status`),
 * read with the shared schemas: the dashboard holds the wire's own ProcessInfo, never a copy of it.
 * A payload the schema refuses is reported (the dashboard says so), never guessed at.
 */
import { z } from 'zod';
import { ProcessInfoSchema, ProcessListEventSchema, ProcessStatusDataSchema, type ProcessInfo, type ProcessStatusData } from '../../../shared/protocol';

const ProcessArraySchema = z.array(ProcessInfoSchema);

/** A list read, or why it could not be. */
export type ListReading = { ok: true; list: ProcessInfo[] } | { ok: false; error: string };

/** Read a `process.list` result (an array) or a `processes` channel event (`{kind: "list", processes}`). */
export function readProcessList(payload: unknown): ListReading {
  const parsed = Array.isArray(payload) ? ProcessArraySchema.safeParse(payload) : ProcessListEventSchema.safeParse(payload);
  if (parsed.success) return { ok: true, list: Array.isArray(parsed.data) ? parsed.data : parsed.data.processes };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || 'list'}: ${issue?.message ?? 'not a process list'}` };
}

/** Read a `process_status` payload; null when the schema refuses it. */
export function readStatus(payload: unknown): ProcessStatusData | null {
  const parsed = ProcessStatusDataSchema.safeParse(payload);
  return parsed.success ? parsed.data : null;
}

/** Fields that describe one status and go with it when the status changes. */
const PER_STATUS = ['pid', 'exitCode', 'signal', 'reason', 'delayMs', 'waitingFor', 'killAt', 'gaveUp'] as const;

/**
 * A process after a status change: the status's own fields replace the previous status's, the
 * rest (command, counters, start time) stays. `timestamp` is the message's: it dates a start or an
 * end the payload does not date itself.
 */
export function applyStatus(p: ProcessInfo, d: ProcessStatusData, timestamp?: string): ProcessInfo {
  const next: ProcessInfo = { ...p, status: d.status };
  for (const key of PER_STATUS) delete next[key];
  for (const key of PER_STATUS) if (d[key] !== undefined) (next as Record<string, unknown>)[key] = d[key];
  if (d.restarts !== undefined) next.restarts = d.restarts;
  if (d.run !== undefined) next.run = d.run;
  if (d.health !== undefined) next.health = d.health;
  if (d.status === 'running' && p.status !== 'running' && timestamp) next.startedAt = timestamp;
  if (d.status === 'waiting' && p.status !== 'waiting' && timestamp) next.waitingSince = timestamp;
  if ((d.status === 'exited' || d.status === 'failed' || d.status === 'stopped') && timestamp) next.endedAt = timestamp;
  if (d.health === 'healthy' && p.health !== 'healthy' && timestamp) next.healthyAt = timestamp;
  return next;
}
