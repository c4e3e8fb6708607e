/**
 * The hub's public surface, as the other parts of the main process (the supervisor, the serve
 * entry, the Electron shell) see it. The hub implements it; everything else depends only on it.
 */
import type { IncomingMessage } from 'node:http';
import type { Message, OutputStream, ProcessStatusData } from '../../shared/protocol';

/** Roles of the contract: operators may publish and control processes, viewers only subscribe. */
export type Role = 'operator' | 'viewer';

/** Who called a method. */
export interface MethodContext {
  /** The calling client's id (the id `hub.disconnect` takes). */
  clientId: string;
  /** The authenticated user. */
  userId: string;
  /** The caller's role. */
  role: Role;
}

/** A request handler; its result becomes the response's `data`; a throw becomes its `error`. */
export type MethodHandler = (params: unknown, ctx: MethodContext) => unknown;

/** Options of a registered method. */
export interface MethodOptions {
  /** The least role allowed to call it. Default `operator`. */
  role?: Role;
}

/** A failure a method handler throws on purpose; `code` goes on the wire. */
export class MethodError extends Error {
  /** Machine-readable code, e.g. `not_found`, `bad_params`, `forbidden`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'MethodError';
    this.code = code;
  }
}

/** A message body to publish; the hub sets `channel`, `seq` and `timestamp`. */
export type Publishable = Omit<Message, 'channel' | 'seq' | 'timestamp'>;

/** What the rest of the main process needs from the hub. */
export interface HubApi {
  /** Publish to a channel (retained, numbered); returns the message's `seq`. */
  publish(channel: string, message: Publishable): number;
  /** One line of process output into `process:<id>`; returns its `seq`. */
  sendProcessOutput(processId: string, line: string, stream: OutputStream): number;
  /** A status change into `process:<id>`; returns its `seq`. */
  sendProcessStatus(processId: string, data: ProcessStatusData): number;
  /** Register a request method (`process.start`, ...). Registering a name twice throws. */
  registerMethod(name: string, handler: MethodHandler, options?: MethodOptions): void;
  /**
   * Whether outbound delivery is saturated (queued bytes past the hub's high-water mark), so that
   * producers such as the supervisor pause their input until `onDrain` fires.
   */
  isCongested(): boolean;
  /** Call `listener` once when the hub is no longer congested. */
  onDrain(listener: () => void): void;
}

/** What the HTTP layer needs from the hub's authentication (tokens, tickets, sessions). */
export interface HubAuthApi {
  /** Check a request's credentials (header, `bearer.` subprotocol or session cookie); null when none holds. */
  authenticate(req: IncomingMessage): { userId: string; role: Role } | null;
  /** Issue a one-time login ticket for a role; returns the ticket. */
  issueTicket(role: Role): string;
  /** Redeem a ticket once; returns a session id for the cookie, or null when used or unknown. */
  redeemTicket(ticket: string): { sessionId: string; role: Role } | null;
}
