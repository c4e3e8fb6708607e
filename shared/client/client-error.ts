/** The error the reconnecting client rejects promises and emits `error` events with. */
import type { ErrorCode } from '../protocol';

/**
 * Machine-readable codes of {@link ClientError}:
 * - `not_connected`: `send`/`publish`/`request` while there is no open connection;
 * - `disconnected`: the connection was lost before a request was answered;
 * - `closed`: the client was closed;
 * - `timeout`: a request got no response in time;
 * - `max_retries`, `auth`, `forbidden`: why the client gave up;
 * - `bad_message`: the hub sent something that does not decode;
 * - an {@link ErrorCode}: the `code` of the hub's error response (`not_found`, `forbidden`, ...),
 *   or `bad_request` when the hub answered a request with an `error` message.
 */
export type ClientErrorCode =
  | 'not_connected'
  | 'disconnected'
  | 'closed'
  | 'timeout'
  | 'max_retries'
  | 'auth'
  | 'forbidden'
  | 'bad_message'
  | ErrorCode;

/**
 * An error with a `code` a program can branch on and a message a user can act on. The message
 * says the cause only (the hub's own words for a refused request); the request it belongs to is
 * in `method`, so that a caller that says "restart failed: …" does not repeat what was asked.
 */
export class ClientError extends Error {
  /** See {@link ClientErrorCode}. */
  readonly code: ClientErrorCode;
  /** The method of the request that failed, when a request failed. */
  readonly method?: string;

  constructor(code: ClientErrorCode, message: string, method?: string) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
    if (method !== undefined) this.method = method;
  }
}
