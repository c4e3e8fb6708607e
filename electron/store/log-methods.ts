/**
 * The `logs.read` and `logs.search` methods (viewers may call both), registered with anything
 * that registers methods the way the hub's HubApi does. Params are checked with the method map's
 * schemas; a bad one is a `bad_params` naming the field.
 */
import { METHODS, type LogsReadParams, type LogsReadResult, type LogsSearchParams, type LogsSearchResult } from '../../shared/protocol';
import { LogQueryError } from './query-error';

/** What registers methods (the hub's HubApi has this shape). */
export interface MethodRegistrar {
  registerMethod(name: string, handler: (params: unknown) => unknown, options?: { role?: 'operator' | 'viewer' }): void;
}

/** What answers the two methods (a LogStore). */
export interface LogQueries {
  read(params: LogsReadParams): Promise<LogsReadResult>;
  search(params: LogsSearchParams): Promise<LogsSearchResult>;
}

/**
 * Register `logs.read` and `logs.search`. `methodError(code, message)` makes the error the
 * registrar sends as a response's `error` (the hub's `new MethodError(code, message)`: this room
 * does not import the hub).
 */
export function registerLogMethods(registrar: MethodRegistrar, store: LogQueries, methodError: (code: string, message: string) => Error): void {
  const fail = (err: unknown): never => {
    throw err instanceof LogQueryError ? methodError(err.code, err.message) : err;
  };
  registrar.registerMethod(
    'logs.read',
    (params) => store.read(check('logs.read', params, methodError) as LogsReadParams).catch(fail),
    { role: METHODS['logs.read'].role },
  );
  registrar.registerMethod(
    'logs.search',
    (params) => store.search(check('logs.search', params, methodError) as LogsSearchParams).catch(fail),
    { role: METHODS['logs.search'].role },
  );
}

function check(method: 'logs.read' | 'logs.search', params: unknown, methodError: (code: string, message: string) => Error): unknown {
  const result = METHODS[method].params.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'params';
  throw methodError('bad_params', `${field}: ${issue?.message ?? 'invalid'}`);
}
