/**
 * Authentication: the seed's Authenticator interface, its function adapter and API-key
 * authenticator, and the hub's own credentials (launch tokens, one-time login tickets, sessions).
 *
 * Secrets are kept only as SHA-256 digests. Tokens are compared with `timingSafeEqual` on
 * digests; tickets and sessions are looked up by digest, so lookup timing reveals nothing about
 * the secret itself. No secret is ever logged or put in an error message.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Role } from '../../shared/protocol';
import type { HubAuthApi } from './hub-api';

/** Name of the session cookie set by `/login`. */
export const SESSION_COOKIE = 'switchyard_session';
/** Subprotocol prefix that carries a token from browsers (`bearer.<token>`). */
export const BEARER_PROTOCOL_PREFIX = 'bearer.';
/** Longest credential considered; anything longer is refused without hashing. */
export const MAX_CREDENTIAL_LENGTH = 4096;

/** The outcome of an authentication (the seed's AuthResult plus a role). */
export interface AuthResult {
  /** Whether the credentials hold. */
  valid: boolean;
  /** The authenticated user. */
  userId?: string;
  /** The user's role; default `viewer` when an authenticator does not say. */
  role?: Role;
  /** Arbitrary metadata, copied onto the client. */
  claims?: Record<string, unknown>;
  /** Why it failed, fit for a log line (never the credential). */
  reason?: string;
  /** RFC 3339 time a browser session ends (absent for tokens). */
  expiresAt?: string;
}

/** Validates an upgrade request (the seed's Authenticator). */
export interface Authenticator {
  /** Check the request's credentials. */
  authenticate(req: IncomingMessage): AuthResult;
}

/** Turn a function into an {@link Authenticator} (the seed's AuthenticatorFunc). */
export function authenticatorFunc(fn: (req: IncomingMessage) => AuthResult): Authenticator {
  return { authenticate: fn };
}

/** The bearer token of a request: `Authorization: Bearer T`, else a `bearer.T` subprotocol. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^bearer /i.test(header)) return header.slice(7).trim();
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const raw of protocols.split(',')) {
      const p = raw.trim();
      if (p.startsWith(BEARER_PROTOCOL_PREFIX)) return p.slice(BEARER_PROTOCOL_PREFIX.length);
    }
  }
  return undefined;
}

/**
 * Every value of a cookie in a request (at most 8): a server on another port of the same host can
 * set a cookie of the same name (cookies ignore ports), and the browser then sends both, so the
 * first one is not necessarily ours.
 */
export function cookieValues(req: IncomingMessage, name: string): string[] {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
    if (out.length >= 8) break;
  }
  return out;
}

/** A token's identity. */
export interface TokenIdentity {
  /** The user the token stands for. */
  userId: string;
  /** The token's role. Default `operator`. */
  role?: Role;
}

/**
 * Bearer tokens (header or subprotocol) mapped to users (the seed's APIKeyAuthenticator). Every
 * check compares the presented digest with every stored one, so timing does not depend on which
 * token matched.
 */
export class ApiKeyAuthenticator implements Authenticator {
  private readonly keys: { digest: Buffer; userId: string; role: Role }[] = [];

  /** `keys` maps a token to a user id (role `operator`) or to an identity. */
  constructor(keys: Record<string, string | TokenIdentity> | Map<string, string | TokenIdentity> = {}) {
    const entries = keys instanceof Map ? [...keys] : Object.entries(keys);
    for (const [token, who] of entries) this.add(token, typeof who === 'string' ? { userId: who } : who);
  }

  /** Accept one more token. Throws a TypeError on an empty or oversize token. */
  add(token: string, identity: TokenIdentity): void {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_CREDENTIAL_LENGTH) {
      throw new TypeError(`a token must be a non-empty string of at most ${MAX_CREDENTIAL_LENGTH} characters`);
    }
    this.keys.push({ digest: digest(token), userId: identity.userId, role: identity.role ?? 'operator' });
  }

  /** Check one token; undefined when it matches none. */
  check(token: string | undefined): { userId: string; role: Role } | undefined {
    if (token === undefined || token.length === 0 || token.length > MAX_CREDENTIAL_LENGTH) return undefined;
    const presented = digest(token);
    let found: { userId: string; role: Role } | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(presented, key.digest) && found === undefined) found = { userId: key.userId, role: key.role };
    }
    return found;
  }

  authenticate(req: IncomingMessage): AuthResult {
    const token = bearerToken(req);
    if (token === undefined) return { valid: false, reason: 'no credentials' };
    const who = this.check(token);
    return who ? { valid: true, ...who } : { valid: false, reason: 'unknown token' };
  }
}

/** Options of {@link HubAuth}. */
export interface HubAuthOptions {
  /** Tokens accepted in the header or the `bearer.` subprotocol. Default none. */
  tokens?: Record<string, string | TokenIdentity>;
  /** How long a login ticket stays redeemable, in ms. Default 15 minutes. */
  ticketTtlMs?: number;
  /** Most tickets outstanding; the oldest is forgotten first. Default 1,000. */
  maxTickets?: number;
  /** How long a session lasts, in ms. Default 24 hours. */
  sessionTtlMs?: number;
  /** Most sessions kept; the oldest is forgotten first. Default 10,000. */
  maxSessions?: number;
  /** The clock, in ms. Default `Date.now`. */
  now?: () => number;
}

interface Grant {
  role: Role;
  userId: string;
  expires: number;
  /** A session's cookie half (from `/login`), or its page token (from the exchange). */
  kind?: 'cookie' | 'token';
}

/** A page token given for a session cookie: the browser's credential from then on. */
export interface ExchangedSession {
  token: string;
  role: Role;
  expiresAt: string;
}

/**
 * The hub's credentials: launch tokens, one-time login tickets and the sessions they open.
 * Implements {@link HubAuthApi} for the HTTP front.
 *
 * Browser sessions, and why they are two-step: cookies ignore ports, so a session cookie is also
 * sent to every other server on 127.0.0.1 the browser visits (another user's listener, a dev
 * server), which could replay it. `/login` still sets the contract's HttpOnly cookie, but the
 * dashboard trades it at once (`POST /api/session`, same origin only) for a page token that it
 * keeps in Web Storage, which is scoped by port, and sends as the `bearer.` subprotocol; the
 * trade ends the cookie's session. A cookie never traded (a script that logs in with curl) stays
 * a credential for the session's lifetime, as the contract says. Sessions last `sessionTtlMs` and
 * can be revoked.
 */
export class HubAuth implements HubAuthApi {
  readonly tokens: ApiKeyAuthenticator;
  private readonly tickets = new Map<string, Grant>();
  private readonly sessions = new Map<string, Grant>();
  private readonly ticketTtlMs: number;
  private readonly maxTickets: number;
  private readonly sessionTtlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  private sessionCount = 0;

  constructor(options: HubAuthOptions = {}) {
    this.tokens = new ApiKeyAuthenticator(options.tokens);
    this.ticketTtlMs = options.ticketTtlMs ?? 15 * 60_000;
    this.maxTickets = options.maxTickets ?? 1000;
    this.sessionTtlMs = options.sessionTtlMs ?? 24 * 3600_000;
    this.maxSessions = options.maxSessions ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Accept one more bearer token for a role. */
  addToken(token: string, role: Role, userId: string = role): void {
    this.tokens.add(token, { userId, role });
  }

  authenticate(req: IncomingMessage): { userId: string; role: Role; expiresAt?: string } | null {
    const token = bearerToken(req);
    if (token !== undefined) return this.tokens.check(token) ?? this.session(token, 'token');
    for (const value of cookieValues(req, SESSION_COOKIE)) {
      const who = this.session(value, 'cookie');
      if (who) return who;
    }
    return null;
  }

  /** The seed-style view of {@link authenticate}. */
  check(req: IncomingMessage): AuthResult {
    const who = this.authenticate(req);
    if (who) return { valid: true, ...who };
    const hasAny = bearerToken(req) !== undefined || cookieValues(req, SESSION_COOKIE).length > 0;
    return { valid: false, reason: hasAny ? 'invalid credentials' : 'no credentials' };
  }

  /** Trade a request's session cookie for a page token (see the class comment); null when it holds none. */
  exchangeCookie(req: IncomingMessage): ExchangedSession | null {
    for (const value of cookieValues(req, SESSION_COOKIE)) {
      if (value.length === 0 || value.length > MAX_CREDENTIAL_LENGTH) continue;
      const key = digestHex(value);
      const grant = this.sessions.get(key);
      if (!grant || grant.kind !== 'cookie' || grant.expires <= this.now()) continue;
      this.sessions.delete(key);
      const token = secret();
      this.sessions.set(digestHex(token), { ...grant, kind: 'token' });
      return { token, role: grant.role, expiresAt: new Date(grant.expires).toISOString() };
    }
    return null;
  }

  issueTicket(role: Role): string {
    return this.issueTicketWithExpiry(role).ticket;
  }

  /** A one-time login ticket and when it stops being redeemable. */
  issueTicketWithExpiry(role: Role): { ticket: string; expiresAt: string } {
    if (role !== 'operator' && role !== 'viewer') throw new TypeError('role must be "operator" or "viewer"');
    const ticket = secret();
    bounded(this.tickets, this.maxTickets, this.now());
    const expires = this.now() + this.ticketTtlMs;
    this.tickets.set(digestHex(ticket), { role, userId: role, expires });
    return { ticket, expiresAt: new Date(expires).toISOString() };
  }

  /** End every session (of one role, or all); returns the user ids of the sessions ended. */
  revokeSessions(role?: Role): string[] {
    const ended: string[] = [];
    for (const [key, grant] of this.sessions) {
      if (role !== undefined && grant.role !== role) continue;
      this.sessions.delete(key);
      ended.push(grant.userId);
    }
    return ended;
  }

  redeemTicket(ticket: string): { sessionId: string; role: Role; expiresAt: string } | null {
    if (typeof ticket !== 'string' || ticket.length === 0 || ticket.length > MAX_CREDENTIAL_LENGTH) return null;
    const key = digestHex(ticket);
    const grant = this.tickets.get(key);
    this.tickets.delete(key); // once, even when expired
    if (!grant || grant.expires <= this.now()) return null;
    const sessionId = secret();
    bounded(this.sessions, this.maxSessions, this.now());
    const userId = `session-${++this.sessionCount}`;
    const expires = this.now() + this.sessionTtlMs;
    this.sessions.set(digestHex(sessionId), { role: grant.role, userId, expires, kind: 'cookie' });
    return { sessionId, role: grant.role, expiresAt: new Date(expires).toISOString() };
  }

  /** Forget a session (logout). */
  revokeSession(sessionId: string): void {
    this.sessions.delete(digestHex(sessionId));
  }

  private session(secretValue: string, kind: 'cookie' | 'token'): { userId: string; role: Role; expiresAt: string } | null {
    if (secretValue.length === 0 || secretValue.length > MAX_CREDENTIAL_LENGTH) return null;
    const key = digestHex(secretValue);
    const grant = this.sessions.get(key);
    if (!grant || grant.kind !== kind) return null;
    if (grant.expires <= this.now()) {
      this.sessions.delete(key);
      return null;
    }
    return { userId: grant.userId, role: grant.role, expiresAt: new Date(grant.expires).toISOString() };
  }
}

/** A fresh 256-bit secret, URL- and subprotocol-safe. */
export function secret(): string {
  return randomBytes(32).toString('base64url');
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function digestHex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// Drop expired grants, then the oldest ones, so that the map stays under its cap.
function bounded(map: Map<string, Grant>, max: number, now: number): void {
  if (map.size < max) return;
  for (const [key, grant] of map) if (grant.expires <= now) map.delete(key);
  for (const key of map.keys()) {
    if (map.size < max) break;
    map.delete(key);
  }
}
