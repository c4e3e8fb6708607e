/**
 * The hub as the other rooms of the main process see it (the supervisor, the HTTP front, core):
 * they depend on these interfaces only, never on the Hub class's internals.
 */
import type { IncomingMessage } from 'node:http';
import type { Message, ProcessStatusData, Role } from '../../shared/protocol';
import type { StreamPosition } from './engine';
import type { MethodRegistrar } from './methods';
import type { OutputLine } from './wire-frame';

/** A message body to publish; the hub sets `channel`, `seq` and `timestamp`. */
export type Publishable = Omit<Message, 'channel' | 'seq' | 'timestamp'>;

/** A publish that failed: what and why (the hub counted it; subscribers of the channel were told). */
export interface PublishFailure {
  channel: string;
  /** Messages lost. */
  count: number;
  /** The engine's reason. */
  reason: string;
}

/** What the rest of the main process needs from the hub. */
export interface HubApi extends MethodRegistrar {
  /** Publish to a channel (numbered, retained); resolves with its position, rejects when the engine refused it. */
  publish(channel: string, message: Publishable): Promise<StreamPosition>;
  /** An `event` to a channel; a failure is counted and reported, never thrown. */
  publishEvent(channel: string, data: unknown): void;
  /** A chunk of one process's output lines into `process:<id>`, as consecutive messages; failures are reported, never thrown. */
  publishOutput(processId: string, lines: readonly OutputLine[]): void;
  /**
   * Bytes of a process's terminal into `process:<id>` as one `terminal_output`; resolves with its
   * position (a terminal's snapshot names the `seq` it includes), rejects when refused (also
   * counted and reported; ignoring the promise is safe).
   */
  publishTerminal(processId: string, data: string, time: string): Promise<StreamPosition>;
  /** A status change into `process:<id>`. */
  publishStatus(processId: string, data: ProcessStatusData): void;
  /** Hear of every failed publish (the supervisor counts lost lines as its process's `skipped`). */
  onPublishFailure(listener: (failure: PublishFailure) => void): void;
  /**
   * Hear when a channel gains its first local subscriber (true) and loses its last (false): the
   * supervisor samples resources while someone watches `processes`. Called at once when watched.
   */
  onWatchers(channel: string, listener: (watched: boolean) => void): void;
  /** Tell the hub which process ids exist, so that a subscribe to an unknown `process:<id>` says so. */
  setProcessLookup(exists: (id: string) => boolean): void;
  /**
   * Whether a client that is catching up holds the producers (congestion.ts), so that they pause
   * their input until `onDrain` fires.
   */
  isCongested(): boolean;
  /** Call `listener` once when the producers may go on. */
  onDrain(listener: () => void): void;
}

/** What the HTTP front needs from the hub's authentication (tokens, tickets, sessions). */
export interface HubAuthApi {
  /** Check a request's credentials (header, `bearer.` subprotocol or session cookie); null when none holds. */
  authenticate(req: IncomingMessage): { userId: string; role: Role } | null;
  /** Issue a one-time login ticket for a role; returns the ticket. */
  issueTicket(role: Role): string;
  /** Redeem a ticket once; returns a session for the cookie, or null when used or unknown. */
  redeemTicket(ticket: string): { sessionId: string; role: Role; expiresAt: string } | null;
}
