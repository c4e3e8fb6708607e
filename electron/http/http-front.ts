/**
 * The one HTTP front of a hub: a Node server with tight limits, its routes (http-routes.ts) and
 * the hub's upgrades. Core runs it with the dashboard, metrics and login; tests and the
 * benchmark run the very same front without them.
 *
 * Limits, in one place: a request or handshake must be complete within 10 s (Node's defaults are
 * 60 s, checked every 30 s), a whole request within 30 s, headers past 16 KiB get 431. Sockets
 * that have not authenticated (no upgrade accepted yet) are capped per address and in total, and
 * one that sends nothing for `silentSocketMs` is cut, so that a flood of idle connections cannot
 * take the descriptors valid clients and the processes need.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHttpRoutes, type HttpRouteDeps } from './http-routes';

/** Options of {@link startHttpFront}. */
export interface HttpFrontOptions {
  /** Listen address. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** When false, a busy port falls back to a free one. Default true. */
  portExplicit?: boolean;
  /** Unauthenticated sockets per remote address. Default 64. */
  maxUnauthenticatedPerAddress?: number;
  /** Unauthenticated sockets in total. Default 512. */
  maxUnauthenticated?: number;
  /** A socket that has sent nothing at all for this long is cut, ms (one that started a request is Node's headersTimeout's). Default 5,000. */
  silentSocketMs?: number;
}

/** What the front needs: the routes' dependencies (the hub's upgrade among them) and a counter. */
export interface HttpFrontDeps extends Omit<HttpRouteDeps, 'hostAllowed' | 'port'> {
  /** Whether a request's Host names this hub (built from the bound port once known). */
  hostAllowed(req: IncomingMessage, port: number): boolean;
  /** Count a socket cut before it authenticated. */
  onSocketCut?(): void;
}

/** A listening front. */
export interface HttpFront {
  server: Server;
  port: number;
  /** Stop listening and end every connection; twice is harmless. */
  close(): Promise<void>;
}

/** Listen and route; a busy explicit port is an error naming it. */
export async function startHttpFront(deps: HttpFrontDeps, options: HttpFrontOptions = {}): Promise<HttpFront> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000, maxHeaderSize: 16 * 1024, keepAliveTimeout: 5_000 });
  let port = 0;
  const routes = createHttpRoutes({ ...deps, hostAllowed: (req) => deps.hostAllowed(req, port), port: () => port });
  const guard = new SocketGuard(options, () => deps.onSocketCut?.());
  server.on('connection', (socket: Socket) => guard.admit(socket));
  server.on('request', (req, res) => {
    guard.spoke(req.socket);
    routes.request(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    guard.spoke(req.socket);
    routes.upgrade(req, socket, head);
    // Still open after the checks: an accepted WebSocket, no longer an anonymous socket.
    if (!socket.destroyed && socket.writable) guard.authenticated(req.socket);
  });
  port = await listen(server, host, options.port ?? 0, options.portExplicit ?? true);
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    close() {
      closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
        guard.close();
      });
      return closing;
    },
  };
}

/** Listen on the port; a busy port falls back to a free one unless it was asked for explicitly. */
async function listen(server: Server, host: string, port: number, explicit: boolean): Promise<number> {
  try {
    await listenOnce(server, host, port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' || explicit) {
      throw new Error(code === 'EADDRINUSE' ? `port ${port} is already in use on ${host}; pick another with --port N (0: any free port)` : (err as Error).message);
    }
    await listenOnce(server, host, 0);
  }
  return (server.address() as AddressInfo).port;
}

function listenOnce(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolveListen, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
}

interface Tracked {
  address: string;
  timer: NodeJS.Timeout | undefined;
}

/** The caps on sockets that have not authenticated (see the file comment). */
class SocketGuard {
  private readonly perAddress = new Map<string, number>();
  private readonly sockets = new Map<Socket, Tracked>();
  private readonly maxPerAddress: number;
  private readonly maxTotal: number;
  private readonly silentMs: number;

  constructor(options: HttpFrontOptions, private readonly cut: () => void) {
    this.maxPerAddress = options.maxUnauthenticatedPerAddress ?? 64;
    this.maxTotal = options.maxUnauthenticated ?? 512;
    this.silentMs = options.silentSocketMs ?? 5_000;
  }

  admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '?';
    const count = this.perAddress.get(address) ?? 0;
    if (count >= this.maxPerAddress || this.sockets.size >= this.maxTotal) {
      this.cut();
      socket.destroy();
      return;
    }
    this.perAddress.set(address, count + 1);
    const tracked: Tracked = { address, timer: undefined };
    tracked.timer = setTimeout(() => {
      this.cut();
      socket.destroy();
    }, this.silentMs);
    tracked.timer.unref();
    this.sockets.set(socket, tracked);
    socket.once('data', () => this.spoke(socket));
    socket.once('close', () => this.untrack(socket));
  }

  /** The socket sent something: not silent (a slow request is Node's headersTimeout's, keep-alive idleness its keepAliveTimeout's). */
  spoke(socket: Socket): void {
    const tracked = this.sockets.get(socket);
    if (tracked?.timer) {
      clearTimeout(tracked.timer);
      tracked.timer = undefined;
    }
  }

  /** The socket carries an accepted WebSocket: it leaves the caps. */
  authenticated(socket: Socket): void {
    this.untrack(socket);
  }

  close(): void {
    for (const tracked of this.sockets.values()) clearTimeout(tracked.timer);
    this.sockets.clear();
    this.perAddress.clear();
  }

  private untrack(socket: Socket): void {
    const tracked = this.sockets.get(socket);
    if (!tracked) return;
    clearTimeout(tracked.timer);
    this.sockets.delete(socket);
    const left = (this.perAddress.get(tracked.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(tracked.address, left);
    else this.perAddress.delete(tracked.address);
  }
}
