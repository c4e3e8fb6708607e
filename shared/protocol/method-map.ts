/**
 * The typed method map: every request method, the least role that may call it, its params and
 * its result, written once. The hub's registry takes handlers typed by it and checks params with
 * it (a bad param is a `bad_params` naming the field); the reconnecting client's `request`
 * (shared/client, so the dashboard's calls and scripts) and the CLI's `call` take their params and
 * result types from it; electron/core/method-conformance.test.ts checks every answer against it.
 */
import { z } from 'zod';
import { AlertCountersSchema, AlertEventSchema, AuditEventSchema } from './payloads/events';
import { HubStatsSchema, RoleSchema, WhoAmISchema } from './payloads/hub';
import { LogsReadParamsSchema, LogsReadResultSchema, LogsSearchParamsSchema, LogsSearchResultSchema } from './payloads/logs';
import { ProcessInfoSchema } from './payloads/process';
import { ScreenSnapshotSchema, TerminalColsSchema, TerminalRowsSchema } from './payloads/terminal';

const processId = z.strictObject({ id: z.string().min(1).max(200) });
const noParams = z.optional(z.union([z.strictObject({}), z.null()]));

/** A method's contract. */
export interface MethodSpec {
  /** The least role allowed to call it. */
  readonly role: z.infer<typeof RoleSchema>;
  readonly params: z.ZodType;
  readonly result: z.ZodType;
}

/** Every method of the hub. */
export const METHODS = {
  /** `fresh`: wait (at most a quarter of a second) for CPU, memory and ports sampled just now (`switchyard ps`). */
  'process.list': { role: 'viewer', params: z.optional(z.union([z.strictObject({ fresh: z.optional(z.boolean()) }), z.null()])), result: z.array(ProcessInfoSchema) },
  'process.start': { role: 'operator', params: processId, result: ProcessInfoSchema },
  'process.stop': { role: 'operator', params: processId, result: ProcessInfoSchema },
  'process.restart': { role: 'operator', params: processId, result: ProcessInfoSchema },
  /** `{id, command, cwd?, env?, …}`: the keys of a config file's process entry; the supervisor checks them. */
  'process.add': { role: 'operator', params: z.looseObject({ id: z.string().min(1).max(200) }), result: ProcessInfoSchema },
  'process.remove': { role: 'operator', params: processId, result: z.strictObject({ id: z.string(), removed: z.literal(true) }) },
  /** Keystrokes to a terminal, or a line to the stdin of a process started with `stdin: true`. */
  'process.input': {
    role: 'operator',
    params: z.strictObject({ id: z.string().min(1).max(200), data: z.string().max(64 * 1024) }),
    result: z.strictObject({ written: z.number().int() }),
  },
  'process.resize': {
    role: 'operator',
    params: z.strictObject({ id: z.string().min(1).max(200), cols: TerminalColsSchema, rows: TerminalRowsSchema }),
    result: z.strictObject({ cols: z.number().int(), rows: z.number().int() }),
  },
  /** The current screen of a terminal (viewers too): serialized escapes that redraw it, and the `seq` it includes. */
  'process.screen': { role: 'viewer', params: processId, result: ScreenSnapshotSchema },
  'hub.stats': { role: 'viewer', params: noParams, result: HubStatsSchema },
  'hub.whoami': { role: 'viewer', params: noParams, result: WhoAmISchema },
  'hub.loginLink': {
    role: 'operator',
    params: z.strictObject({ role: RoleSchema }),
    result: z.strictObject({ url: z.string(), expiresAt: z.string() }),
  },
  'hub.disconnect': { role: 'operator', params: z.strictObject({ clientId: z.string().max(200) }), result: z.strictObject({ disconnected: z.string() }) },
  /** End every browser session (the caller's too), or those of one role. */
  'hub.revokeSessions': {
    role: 'operator',
    params: z.optional(z.strictObject({ role: z.optional(RoleSchema) })),
    result: z.strictObject({ revoked: z.number().int() }),
  },
  'logs.read': { role: 'viewer', params: LogsReadParamsSchema, result: LogsReadResultSchema },
  'logs.search': { role: 'viewer', params: LogsSearchParamsSchema, result: LogsSearchResultSchema },
  /** The latest alerts and audit entries (also on their channels), newest last. */
  'alerts.list': { role: 'viewer', params: noParams, result: z.strictObject({ alerts: z.array(AlertEventSchema), counters: z.optional(AlertCountersSchema) }) },
  'audit.list': { role: 'viewer', params: noParams, result: z.strictObject({ entries: z.array(AuditEventSchema) }) },
} as const satisfies Record<string, MethodSpec>;

/** A name of the map (a hub may register methods outside it; those are plain strings). */
export type MethodName = keyof typeof METHODS;
/** What a caller passes as `params` of a method. */
export type ParamsOf<M extends MethodName> = z.input<(typeof METHODS)[M]['params']>;
/** What a handler receives once the params were checked. */
export type CheckedParamsOf<M extends MethodName> = z.output<(typeof METHODS)[M]['params']>;
/** What a method answers. */
export type ResultOf<M extends MethodName> = z.infer<(typeof METHODS)[M]['result']>;

/** Whether a string names a method of the map. */
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}
