/**
 * The one HTTP front of a hub: a Node server with tight limits, its routes (http-routes.ts) and
 * the hub's upgrades. Core runs it with the dashboard, metrics and login; tests and the
 * benchmark run the very same front without them.
 *
 * Limits, in one place: a request or handshake must be complete within 10 s (Node's defaults are
 * 60 s, checked every 30 s), a whole request within 30 s, headers past 16 KiB get 431. Sockets
 * that have not authenticated (no upgrade accepted yet) are capped per address and in total, and
 * one that sends nothing for `silentSocketMs` is cut, so that a flood of idle connections cannot
 * take the descriptors valid clients and the processes need (at a cap the oldest silent one is
 * cut to make room, never the newcomer).
 *
 * A host name is bound on every address it resolves to (`localhost`: 127.0.0.1 and ::1), on the
 * same port: a browser tries ::1 first, and another local user listening there would otherwise
 * receive the login link's ticket. Links are printed with an address, never the name.
 */
import { lookup } from 'node:dns/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isIP, type AddressInfo, type Socket } from 'node:net';
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
  /** The server of the first address. */
  server: Server;
  port: number;
  /** Every address listened on, the one for links first (IPv4 when there is one). */
  addresses: string[];
  /** Stop listening and end every connection; twice is harmless. */
  close(): Promise<void>;
}

/** Listen and route; a busy explicit port is an error naming it. */
export async function startHttpFront(deps: HttpFrontDeps, options: HttpFrontOptions = {}): Promise<HttpFront> {
  const addresses = await resolveAddresses(options.host ?? '127.0.0.1');
  let port = 0;
  const routes = createHttpRoutes({ ...deps, hostAllowed: (req) => deps.hostAllowed(req, port), port: () => port });
  const guard = new SocketGuard(options, () => deps.onSocketCut?.());
  const servers: Server[] = [];
  const bound: string[] = [];
  const closeAll = () => Promise.all(servers.map((s) => new Promise<void>((done) => (s.close(() => done()), s.closeAllConnections()))));
  try {
    for (const address of addresses) {
      const server = guardedServer(routes, guard);
      if (servers.length === 0) {
        port = await listen(server, address, options.port ?? 0, options.portExplicit ?? true);
      } else {
        try {
          await listenOnce(server, address, port);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') continue; // no such interface here: nobody can listen there either
          throw new Error(code === 'EADDRINUSE' ? `another program already listens on ${literal(address)}:${port}; stop it, or pass --host 127.0.0.1` : (err as Error).message);
        }
      }
      servers.push(server);
      bound.push(address);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    server: servers[0] as Server,
    port,
    addresses: bound,
    close() {
      closing ??= closeAll().then(() => guard.close());
      return closing;
    },
  };
}

function guardedServer(routes: ReturnType<typeof createHttpRoutes>, guard: SocketGuard): Server {
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000, maxHeaderSize: 16 * 1024, keepAliveTimeout: 5_000 });
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
  return server;
}

/** The addresses to bind: an address as given, a name resolved to all of its addresses (IPv4 first). */
async function resolveAddresses(host: string): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  // Browsers resolve `localhost` to both loopback addresses themselves (and try ::1 first),
  // whatever the system's resolver says: both are ours.
  if (host.toLowerCase() === 'localhost') return ['127.0.0.1', '::1'];
  const found = await lookup(host, { all: true }).catch((err: Error) => {
    throw new Error(`cannot resolve --host ${host}: ${err.message}`);
  });
  const unique = [...new Set(found.sort((a, b) => a.family - b.family).map((a) => a.address))];
  if (unique.length === 0) throw new Error(`--host ${host} resolves to no address`);
  return unique;
}

function literal(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
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
  /** It sent a byte (a request under way, or keep-alive between requests). */
  spoke: boolean;
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

  // At a cap the newcomer is admitted and the oldest silent socket (else the oldest one still
  // unauthenticated) is cut instead: a flood of idle sockets then cannot keep a valid client out,
  // since a valid client speaks at once and only the silent ones are cut first.
  admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '?';
    if ((this.perAddress.get(address) ?? 0) >= this.maxPerAddress) this.evictFrom(address);
    if (this.sockets.size >= this.maxTotal) this.evictFrom(undefined);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    const tracked: Tracked = { address, timer: undefined, spoke: false };
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
    if (!tracked) return;
    tracked.spoke = true;
    if (tracked.timer) {
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

  // Map order is admission order: the first match is the oldest.
  private evictFrom(address: string | undefined): void {
    let victim: Socket | undefined;
    for (const [socket, tracked] of this.sockets) {
      if (address !== undefined && tracked.address !== address) continue;
      if (!tracked.spoke) {
        victim = socket;
        break;
      }
      victim ??= socket;
    }
    if (!victim) return;
    this.untrack(victim);
    this.cut();
    victim.destroy();
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
