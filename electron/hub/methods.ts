/**
 * The method registry: every `{"type":"request","id","data":{"method","params"}}` goes through
 * it. Methods of the typed map (shared/protocol/method-map.ts) take their role and params schema
 * from the map, so a handler only ever sees params of its declared shape and a caller gets
 * `bad_params` naming the field. Methods outside the map (a library user's own) are registered
 * with an explicit role and check their own params.
 */
import type { z } from 'zod';
import { isMethodName, METHODS, type CheckedParamsOf, type ErrorCode, type MethodName, type RequestMessage, type ResponseError, type ResultOf, type Role } from '../../shared/protocol';

/** Who called a method. */
export interface MethodContext {
  /** The calling client's id (the id `hub.disconnect` takes). */
  clientId: string;
  /** The authenticated user. */
  userId: string;
  /** The caller's role. */
  role: Role;
}

/** A handler of a typed method. */
export type TypedHandler<M extends MethodName> = (params: CheckedParamsOf<M>, ctx: MethodContext) => ResultOf<M> | Promise<ResultOf<M>>;

/** A handler of a method outside the map; its result becomes the response's `data`. */
export type MethodHandler = (params: unknown, ctx: MethodContext) => unknown;

/** Options of a method outside the map. */
export interface MethodOptions {
  /** The least role allowed to call it. Default `operator`. */
  role?: Role;
}

/** A failure a method handler throws on purpose; `code` goes on the wire. */
export class MethodError extends Error {
  /** Machine-readable code, e.g. `not_found`, `bad_params`, `forbidden`. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'MethodError';
    this.code = code;
  }
}

/** Something that takes method registrations: the hub, or a recorder in tests. */
export interface MethodRegistrar {
  /** Register a method of the typed map; registering a name twice throws. */
  registerMethod<M extends MethodName>(name: M, handler: TypedHandler<M>): void;
  /** Register a method outside the map with its role; a name of the map throws. */
  registerMethod(name: string, handler: MethodHandler, options: MethodOptions): void;
}

/** The outcome of a call: the response's `data`, or its `error`. */
export type CallResult = { data: unknown } | { error: ResponseError };

/** One finished call, for the audit trail (never the params' content beyond what the hook picks). */
export interface CallRecord {
  method: string;
  ctx: MethodContext;
  params: unknown;
  /** The error code when it failed. */
  error?: string;
}

/** Options of {@link MethodRegistry}. */
export interface MethodRegistryOptions {
  /** Hears of every handler failure that is not a {@link MethodError} (a bug). Default none. */
  onInternalError?: (method: string, err: unknown) => void;
  /** Hears of every call to a registered method once it is answered. Default none. */
  onCall?: (record: CallRecord) => void;
}

interface Registered {
  handler: MethodHandler;
  role: Role;
  params: z.ZodType | undefined;
}

/** Longest method name accepted by {@link MethodRegistry.register}. */
const MAX_METHOD_NAME = 100;

/** Named request handlers with the least role allowed to call each. */
export class MethodRegistry implements MethodRegistrar {
  private readonly methods = new Map<string, Registered>();

  constructor(private readonly options: MethodRegistryOptions = {}) {}

  registerMethod<M extends MethodName>(name: M, handler: TypedHandler<M>): void;
  registerMethod(name: string, handler: MethodHandler, options: MethodOptions): void;
  registerMethod(name: string, handler: MethodHandler, options?: MethodOptions): void {
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_METHOD_NAME) {
      throw new TypeError(`method name must be a non-empty string of at most ${MAX_METHOD_NAME} characters`);
    }
    if (typeof handler !== 'function') throw new TypeError(`handler of "${name}" must be a function`);
    if (this.methods.has(name)) throw new Error(`method "${name}" is already registered`);
    if (isMethodName(name)) {
      if (options !== undefined) throw new TypeError(`"${name}" is in the method map: its role and params come from there`);
      const spec = METHODS[name];
      this.methods.set(name, { handler, role: spec.role, params: spec.params });
      return;
    }
    const role = options?.role ?? 'operator';
    if (role !== 'operator' && role !== 'viewer') throw new TypeError(`role of "${name}" must be "operator" or "viewer"`);
    this.methods.set(name, { handler, role, params: undefined });
  }

  /** Names of the registered methods. */
  names(): string[] {
    return [...this.methods.keys()];
  }

  /**
   * Run a request. Synchronous handlers answer synchronously (so a response keeps its place
   * among the caller's messages); a promise is awaited. Never throws.
   */
  call(request: RequestMessage, ctx: MethodContext): CallResult | Promise<CallResult> {
    const { method, params } = request.data;
    const entry = this.methods.get(method);
    if (!entry) return { error: { code: 'unknown_method', message: `unknown method "${method.slice(0, 100)}"` } };
    const done = (result: CallResult): CallResult => {
      this.options.onCall?.({ method, ctx, params, ...('error' in result ? { error: result.error.code } : {}) });
      return result;
    };
    if (entry.role === 'operator' && ctx.role !== 'operator') {
      return done({ error: { code: 'forbidden', message: `method "${method}" is for operators only` } });
    }
    let checked = params;
    if (entry.params) {
      const parsed = entry.params.safeParse(params);
      if (!parsed.success) return done({ error: { code: 'bad_params', message: `${method}: ${paramsProblem(parsed.error)}` } });
      checked = parsed.data;
    }
    let result: unknown;
    try {
      result = entry.handler(checked, ctx);
    } catch (err) {
      return done(this.failure(method, err));
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (data) => done({ data: data ?? null }),
        (err: unknown) => done(this.failure(method, err)),
      );
    }
    return done({ data: result ?? null });
  }

  // A MethodError carries a code and a message meant for the caller; anything else is a bug whose
  // details stay on the server, reported to the owner.
  private failure(method: string, err: unknown): CallResult {
    if (err instanceof MethodError) return { error: { code: err.code, message: err.message } };
    this.options.onInternalError?.(method, err);
    return { error: { code: 'internal', message: 'internal error' } };
  }
}

// The first issue, with the field it is about: "params.id: expected string, received number".
function paramsProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid params';
  const path = issue.path.length > 0 ? `params.${issue.path.join('.')}` : 'params';
  return `${path}: ${issue.message}`.slice(0, 300);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
