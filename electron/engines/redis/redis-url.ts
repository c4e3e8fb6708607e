/**
 * `--engine redis://…` read once: what ioredis needs, a form safe to print, and the secrets to cut
 * out of every message. The password is never printed or logged: every text that leaves this room
 * (errors, the engine's health, the statistics) goes through {@link EngineUrl.redact}.
 */
import { isIP } from 'node:net';
import type { RedisOptions } from 'ioredis';

/** A parsed engine URL. */
export interface EngineUrl {
  /** Connection options for ioredis (password included: never print them). */
  readonly connection: RedisOptions;
  /** `redis://host:port/db` (with `:***@` where a password was given): safe to print. */
  readonly display: string;
  /** Prefix of every key and pub/sub channel. Default `sy:`; `?prefix=` sets another, so that several teams share one Redis. */
  readonly prefix: string;
  /** Replace every secret of the URL in `text` with `***`. */
  redact(text: string): string;
}

/** Longest key prefix accepted. */
const MAX_PREFIX = 64;

/**
 * Parse `redis://[[user]:password@]host[:port][/db][?prefix=P]` or `rediss://…` (TLS, the
 * server's certificate checked against the system's CAs and those of `NODE_EXTRA_CA_CERTS`).
 * Throws a TypeError naming what is wrong, without the password.
 */
export function parseEngineUrl(raw: string): EngineUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError('--engine must be a URL such as redis://HOST:PORT (or rediss:// for TLS)');
  }
  const password = decodeURIComponent(url.password);
  const username = decodeURIComponent(url.username);
  const secrets = [password, url.password].filter((s) => s.length > 0);
  const redact = (text: string): string => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('***');
    return out;
  };
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(`--engine: only redis:// and rediss:// are supported, got ${redact(url.protocol)}//`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host.length === 0) throw new TypeError('--engine: the URL has no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 1_000_000) throw new TypeError(`--engine: the database must be a number (redis://host:port/N), got "${redact(dbText).slice(0, 20)}"`);
  const prefix = url.searchParams.get('prefix') ?? 'sy:';
  if (prefix.length === 0 || prefix.length > MAX_PREFIX || !/^[A-Za-z0-9_.:-]+$/.test(prefix)) {
    throw new TypeError(`--engine: ?prefix= must be 1 to ${MAX_PREFIX} of A-Z a-z 0-9 _ . : -`);
  }
  for (const key of url.searchParams.keys()) if (key !== 'prefix') throw new TypeError(`--engine: unknown URL parameter "${redact(key).slice(0, 40)}" (only ?prefix= is known)`);
  const tls = url.protocol === 'rediss:';
  const connection: RedisOptions = {
    host,
    port,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    // SNI takes a name, never an address (RFC 6066); the certificate is checked against either.
    ...(tls ? { tls: isIP(host) ? {} : { servername: host } } : {}),
  };
  const auth = password ? `${username}:***@` : username ? `${username}@` : '';
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const display = `${url.protocol}//${auth}${shownHost}:${port}${db ? `/${db}` : ''}`;
  return { connection, display, prefix, redact };
}
