/** A query the store refuses or cannot finish; `code` is the wire's error code (method-map.ts). */
export class LogQueryError extends Error {
  constructor(
    readonly code: 'bad_params' | 'timeout' | 'rate_limited' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'LogQueryError';
  }
}
