/**
 * Admission and life of connections: every upgrade is checked in one place, in this order: Host,
 * then Origin (403), then credentials (401), then capacity (503); then the WebSocket handshake,
 * the client table and the heartbeat (a peer that stops answering pings within `pongTimeoutMs`
 * is terminated).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HubCounters } from '../../shared/protocol';
import type { AuthResult, HubAuth } from './auth';
import { ClientConnection, type ConnectionLimits, type ConnectionOwner } from './client-connection';
import { guardRequest, rejectUpgrade } from './http-guard';
import { CloseCode, type HubOptions, type ResolvedLimits } from './hub-options';

/** The subprotocol of clients that accept batched frames. */
export const PROTOCOL_V1 = 'switchyard.v1';

/** What the gate needs from the hub. */
export interface GateHost {
  options: HubOptions;
  limits: ResolvedLimits;
  auth: HubAuth;
  counters: HubCounters;
  owner: ConnectionOwner;
  /** One inbound frame of a client. */
  receive(client: ClientConnection, data: Buffer, isBinary: boolean): void;
  /** A client's socket closed. */
  gone(client: ClientConnection): void;
  kill(client: ClientConnection, counter: keyof HubCounters): void;
  drop(client: ClientConnection, code: number, reason: string, counter?: keyof HubCounters): void;
}

/** See the file comment. */
export class ConnectionGate {
  /** Connected clients by id. */
  readonly clients = new Map<string, ClientConnection>();
  /** The local port of the last accepted connection (for login links of a hub without an HTTP front of its own). */
  lastPort: number | undefined;
  private readonly wss: WebSocketServer;
  private readonly connectionLimits: ConnectionLimits;
  private readonly idPrefix = randomBytes(3).toString('hex');
  private nextId = 0;
  private heartbeat: NodeJS.Timeout | undefined;

  // One set of socket listeners for every connection (ws calls them with the socket as `this`,
  // which carries its client): four closures and their context made per connection were about
  // 300 bytes of each idle one.
  private readonly listeners: SocketListeners;

  constructor(private readonly host: GateHost) {
    this.listeners = listenersOf(host);
    const { maxQueueBytes, socketHighWaterBytes, maxBatchBytes, writeTimeoutMs, maxPayload } = host.limits;
    this.connectionLimits = { maxQueueBytes, socketHighWaterBytes, maxBatchBytes, writeTimeoutMs };
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has(PROTOCOL_V1) ? PROTOCOL_V1 : false),
    });
  }

  /** Check an upgrade and, when it passes, complete the handshake. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { options, counters, limits } = this.host;
    socket.on('error', destroySocket); // a reset during the handshake is not ours to report
    const guard = guardRequest(req, { port: options.port, allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins });
    if (guard) {
      counters[guard === 'host' ? 'hostRejected' : 'originRejected']++;
      return rejectUpgrade(socket, 403);
    }
    const result = this.authenticate(req);
    if (!result.valid) {
      counters.authFailures++;
      options.onAuthFailure?.(req, result);
      return rejectUpgrade(socket, 401);
    }
    if (this.clients.size >= limits.maxClients) {
      counters.capacityRejected++;
      return rejectUpgrade(socket, 503);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, result));
  }

  /** Queue an encoded message to every client; returns how many. */
  broadcast(data: Buffer): number {
    for (const client of this.clients.values()) client.sendEncoded(data);
    return this.clients.size;
  }

  /** Remove a client from the table; false when it was not there. */
  forget(client: ClientConnection): boolean {
    if (!this.clients.delete(client.id)) return false;
    if (this.clients.size === 0) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
    return true;
  }

  /** Close every client (with `close`), wait a moment for the close handshakes, then cut what is left. */
  async closeAll(close: (client: ClientConnection) => void): Promise<void> {
    const all = [...this.clients.values()];
    const sockets = all.map((c) => new Promise<void>((resolve) => (c.ws.readyState === c.ws.CLOSED ? resolve() : c.ws.once('close', () => resolve()))));
    for (const client of all) close(client);
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const grace = new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
    await Promise.race([Promise.all(sockets), grace]);
    for (const client of all) client.ws.terminate();
    this.wss.close();
  }

  private authenticate(req: IncomingMessage): AuthResult {
    const own = this.host.auth.check(req);
    const { authenticator } = this.host.options;
    if (own.valid || !authenticator) return own;
    const other = authenticator.authenticate(req);
    return other.valid ? { ...other, role: other.role ?? 'viewer' } : own;
  }

  private accept(ws: WebSocket, req: IncomingMessage, auth: AuthResult): void {
    const { counters, owner, options, limits } = this.host;
    this.lastPort = req.socket.localPort;
    const id = `${this.idPrefix}-${++this.nextId}`;
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const identity = { userId: auth.userId ?? 'anonymous', role: auth.role ?? 'viewer', claims: auth.claims ?? NO_CLAIMS, remote, sessionExpiresAt: auth.expiresAt };
    const client = new ClientConnection(ws, req.socket, id, identity, this.connectionLimits, owner, options.rateLimit);
    this.clients.set(id, client);
    counters.connections++;
    (ws as TaggedSocket)[CLIENT] = client;
    ws.on('message', this.listeners.message);
    ws.on('pong', this.listeners.pong);
    ws.on('error', this.listeners.error);
    ws.on('close', this.listeners.close);
    this.heartbeat ??= setInterval(this.beat, limits.heartbeatIntervalMs).unref();
    options.onConnect?.(client);
  }

  private readonly beat = (): void => {
    const now = performance.now();
    for (const client of this.clients.values()) {
      if (now - client.lastSeen > this.host.limits.pongTimeoutMs) this.host.kill(client, 'pongTimeouts');
      else client.ws.ping();
    }
  };
}

// Module-level on purpose: a closure created in handleUpgrade would share that call's context,
// and so keep the upgrade request (headers and all) alive for as long as the socket lives,
// about 2.5 KB per idle connection (measured by the benchmark).
function destroySocket(this: Duplex): void {
  this.destroy();
}

/** Where a socket keeps its client (see ConnectionGate's `listeners`). */
const CLIENT = Symbol('client');
type TaggedSocket = WebSocket & { [CLIENT]: ClientConnection };
/** The claims of a client whose authenticator gave none (shared: nothing writes to claims). */
const NO_CLAIMS: Record<string, unknown> = Object.freeze({});

type SocketListeners = ReturnType<typeof listenersOf>;

function listenersOf(host: GateHost) {
  return {
    message(this: WebSocket, data: unknown, isBinary: boolean): void {
      const client = (this as TaggedSocket)[CLIENT];
      try {
        host.receive(client, data as Buffer, isBinary);
      } catch (err) {
        // A bug must cost one connection, not the process (an exception here would be uncaught).
        host.options.onMethodError?.('(receive)', err);
        host.drop(client, CloseCode.internalError, 'internal error', 'internalErrors');
      }
    },
    pong(this: WebSocket): void {
      (this as TaggedSocket)[CLIENT].lastSeen = performance.now();
    },
    error(this: WebSocket, err: Error & { code?: string }): void {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') host.counters.oversize++;
    },
    close(this: WebSocket): void {
      const client = (this as TaggedSocket)[CLIENT];
      client.closedBySocket();
      host.gone(client);
    },
  };
}
