/**
 * The `logs.read` and `logs.search` methods (viewers may call both: the method map says so),
 * registered with anything that registers methods of the typed map the way the hub does. The
 * hub's registry checks params with the map's schemas before a handler runs; the handlers check
 * them again (cheap), so that a registrar that does not still answers `bad_params` naming the field.
 */
import { METHODS, type ErrorCode, type LogsReadParams, type LogsReadResult, type LogsSearchParams, type LogsSearchResult } from '../../shared/protocol';
import type { MethodRegistrar } from '../hub/methods';
import { LogQueryError } from './query-error';

/** What registers the methods: the hub's registrar (electron/hub/methods.ts). */
export type { MethodRegistrar } from '../hub/methods';

/** What answers the two methods (a LogStore). */
export interface LogQueries {
  read(params: LogsReadParams): Promise<LogsReadResult>;
  search(params: LogsSearchParams): Promise<LogsSearchResult>;
}

/**
 * Register `logs.read` and `logs.search`. `methodError(code, message)` makes the error the
 * registrar sends as a response's `error` (the hub's `new MethodError(code, message)`).
 */
export function registerLogMethods(registrar: MethodRegistrar, store: LogQueries, methodError: (code: ErrorCode, message: string) => Error): void {
  const fail = (err: unknown): never => {
    throw err instanceof LogQueryError ? methodError(err.code, err.message) : err;
  };
  registrar.registerMethod('logs.read', async (params) => store.read(check('logs.read', params, methodError) as LogsReadParams).catch(fail));
  registrar.registerMethod('logs.search', async (params) => store.search(check('logs.search', params, methodError) as LogsSearchParams).catch(fail));
}

function check(method: 'logs.read' | 'logs.search', params: unknown, methodError: (code: ErrorCode, message: string) => Error): unknown {
  const result = METHODS[method].params.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'params';
  throw methodError('bad_params', `${field}: ${issue?.message ?? 'invalid'}`);
}
