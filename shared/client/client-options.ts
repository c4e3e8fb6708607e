/** Validation of the client's options and their defaults, in one place. */
import { checkBackoffOptions, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { realTimers } from '../timers';
import type { ClientTimers, ReconnectingClientOptions } from './client-types';

/** Defaults of the options that have one (see {@link ReconnectingClientOptions} for what each does). */
export const CLIENT_DEFAULTS = {
  tokenVia: 'subprotocol' as 'subprotocol' | 'header',
  maxRetries: 0,
  connectTimeoutMs: 10_000,
  pingIntervalMs: 10_000,
  idleTimeoutMs: 25_000,
  closeGraceMs: 50,
  requestTimeoutMs: 10_000,
  sessionSuspectAfter: 3,
};

/** The options after defaults are applied. */
export type ResolvedOptions = ReconnectingClientOptions &
  typeof CLIENT_DEFAULTS & { backoff: BackoffOptions; timers: ClientTimers; now: () => number; random: () => number };

/** Apply defaults and check every option; misuse throws a TypeError or RangeError here, at construction. */
export function resolveOptions(options: ReconnectingClientOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') throw new TypeError('options are required');
  if (typeof options.WebSocket !== 'function') {
    throw new TypeError("options.WebSocket must be a WebSocket constructor (the browser's WebSocket, or ws in Node)");
  }
  checkUrl(options.url);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ReconnectingClientOptions;
  const backoff: BackoffOptions = {
    initialDelayMs: options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs,
    maxDelayMs: options.maxDelayMs ?? Math.max(DEFAULT_BACKOFF.maxDelayMs, options.initialDelayMs ?? 0),
    multiplier: options.multiplier ?? DEFAULT_BACKOFF.multiplier,
    jitter: options.jitter ?? DEFAULT_BACKOFF.jitter,
  };
  checkBackoffOptions(backoff);
  const resolved: ResolvedOptions = {
    ...CLIENT_DEFAULTS,
    ...defined,
    backoff,
    // Globals are looked up at call time, so fake timers installed after construction still apply.
    timers: options.timers ?? realTimers,
    now: options.now ?? (() => Date.now()),
    random: options.random ?? (() => Math.random()),
  };
  for (const key of ['maxRetries', 'connectTimeoutMs', 'pingIntervalMs', 'idleTimeoutMs', 'closeGraceMs', 'requestTimeoutMs', 'sessionSuspectAfter'] as const) {
    checkNonNegative(key, resolved[key]);
  }
  if (resolved.tokenVia !== 'subprotocol' && resolved.tokenVia !== 'header') throw new TypeError("tokenVia must be 'subprotocol' or 'header'");
  const token = options.token;
  if (token !== undefined && typeof token !== 'string' && typeof token !== 'function') throw new TypeError('token must be a string or a function');
  return resolved;
}

/** Throw a RangeError unless `value` is a finite number >= 0. */
export function checkNonNegative(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
}

function checkUrl(url: unknown): void {
  if (typeof url !== 'string') throw new TypeError('options.url must be a string such as ws://127.0.0.1:7420/ws');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`options.url is not a valid URL: ${url}`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) throw new TypeError(`options.url must be a ws: or wss: URL, got ${url}`);
}
