/** Request/response dispatch: `{"type":"request","id","data":{"method","params"}}` to registered handlers. */
import type { RequestMessage, ResponseError } from '../../shared/protocol';
import { MethodError, type MethodContext, type MethodHandler, type MethodOptions, type Role } from './types';

interface Registered {
  handler: MethodHandler;
  role: Role;
}

/** The outcome of a call: the response's `data`, or its `error`. */
export type CallResult = { data: unknown } | { error: ResponseError };

/** One finished call, as a registry's `onCall` hook hears it (the audit records control actions from it). */
export interface MethodCallRecord {
  method: string;
  ctx: MethodContext;
  /** The params as the caller sent them (unchecked). */
  params: unknown;
  outcome: CallResult;
}

/** Longest method name accepted by {@link MethodRegistry.register}. */
const MAX_METHOD_NAME = 100;

/** Named request handlers with the least role allowed to call each. */
export class MethodRegistry {
  private readonly methods = new Map<string, Registered>();

  /**
   * `onInternalError` hears of every handler failure that is not a {@link MethodError}; `onCall`
   * of every call once answered, refused ones included (unknown method, role). A throw in `onCall`
   * is ignored: recording a call never changes its answer.
   */
  constructor(
    private readonly onInternalError: (method: string, err: unknown) => void = () => {},
    private readonly onCall?: (call: MethodCallRecord) => void,
  ) {}

  /** Add a method; registering a name twice throws. */
  register(name: string, handler: MethodHandler, options: MethodOptions = {}): void {
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_METHOD_NAME) {
      throw new TypeError(`method name must be a non-empty string of at most ${MAX_METHOD_NAME} characters`);
    }
    if (typeof handler !== 'function') throw new TypeError(`handler of "${name}" must be a function`);
    const role = options.role ?? 'operator';
    if (role !== 'operator' && role !== 'viewer') throw new TypeError(`role of "${name}" must be "operator" or "viewer"`);
    if (this.methods.has(name)) throw new Error(`method "${name}" is already registered`);
    this.methods.set(name, { handler, role });
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
    const outcome = this.dispatch(request, ctx);
    if (!this.onCall) return outcome;
    const report = (result: CallResult): CallResult => {
      try {
        this.onCall?.({ method: request.data.method, ctx, params: request.data.params, outcome: result });
      } catch {
        // See the constructor: the answer stands.
      }
      return result;
    };
    return outcome instanceof Promise ? outcome.then(report) : report(outcome);
  }

  private dispatch(request: RequestMessage, ctx: MethodContext): CallResult | Promise<CallResult> {
    const { method, params } = request.data;
    const entry = this.methods.get(method);
    if (!entry) return { error: { code: 'unknown_method', message: `unknown method "${method.slice(0, 100)}"` } };
    if (entry.role === 'operator' && ctx.role !== 'operator') {
      return { error: { code: 'forbidden', message: `method "${method}" is for operators only` } };
    }
    let result: unknown;
    try {
      result = entry.handler(params, ctx);
    } catch (err) {
      return this.failure(method, err);
    }
    if (isThenable(result)) return Promise.resolve(result).then((data) => ({ data: data ?? null }), (err: unknown) => this.failure(method, err));
    return { data: result ?? null };
  }

  // A MethodError carries a code and a message meant for the caller; anything else is a bug whose
  // details stay on the server, reported to the owner.
  private failure(method: string, err: unknown): CallResult {
    if (err instanceof MethodError) return { error: { code: err.code, message: err.message } };
    this.onInternalError(method, err);
    return { error: { code: 'internal', message: 'internal error' } };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
