/**
 * Host and Origin checks for every request on the hub's port (CONTRACT.md, "HTTP on the hub
 * port"): a foreign `Host` is DNS rebinding, a foreign `Origin` on an upgrade is cross-site
 * WebSocket hijacking. Both answer 403 before any credential is looked at. Plain functions, so
 * that the serve HTTP server applies the same rules to its plain requests.
 *
 * Accepted hosts: `localhost`, any `127.x.x.x`, `[::1]` with the hub's port, plus the allowed
 * hosts. `*.localhost` is refused unless allowed: not every resolver keeps it on the loopback.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Options of {@link checkHost} and {@link checkOrigin}. */
export interface GuardOptions {
  /** The hub's port. Default: the port the request arrived on (`req.socket.localPort`). */
  port?: number;
  /**
   * Further hosts to accept, as `name` (on the hub's port) or `name:port`, case-insensitive.
   * Default none.
   */
  allowedHosts?: readonly string[];
  /** Further origins to accept, exactly as browsers send them (`https://example.test`). Default none. */
  allowedOrigins?: readonly string[];
}

/** Whether a host name (no port; IPv6 without brackets) is a loopback name or address. */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Whether the request's `Host` header names this hub: a loopback host with its port, or an allowed host. */
export function checkHost(req: IncomingMessage, options: GuardOptions = {}): boolean {
  const host = req.headers.host;
  if (typeof host !== 'string' || host.length === 0 || host.length > 300) return false;
  const parsed = splitHost(host.toLowerCase());
  if (!parsed) return false;
  const port = options.port ?? req.socket.localPort;
  const samePort = parsed.port === (port === 80 ? undefined : port) || parsed.port === port;
  if (samePort && isLoopbackHostname(parsed.hostname)) return true;
  for (const allowed of options.allowedHosts ?? []) {
    const a = splitHost(allowed.toLowerCase());
    if (a && a.hostname === parsed.hostname && (a.port === undefined ? samePort : a.port === parsed.port)) return true;
  }
  return false;
}

/** Whether the request's `Origin`, when present, is the hub's own origin or an allowed one. */
export function checkOrigin(req: IncomingMessage, options: GuardOptions = {}): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser: it has to bring a token
  if (typeof origin !== 'string') return false;
  const o = origin.toLowerCase();
  if ((options.allowedOrigins ?? []).some((a) => a.toLowerCase() === o)) return true;
  const m = /^http:\/\/(.+)$/.exec(o);
  if (!m?.[1]) return false;
  const parsed = splitHost(m[1]);
  if (!parsed) return false;
  const port = options.port ?? req.socket.localPort;
  return (parsed.port === port || (parsed.port === undefined && port === 80)) && isLoopbackHostname(parsed.hostname);
}

/** Which check a request fails, or null when it passes both. */
export function guardRequest(req: IncomingMessage, options: GuardOptions = {}): 'host' | 'origin' | null {
  if (!checkHost(req, options)) return 'host';
  if (!checkOrigin(req, options)) return 'origin';
  return null;
}

/** Answer a plain HTTP request with a short text status (403, 401, ...). */
export function rejectResponse(res: ServerResponse, status: number): void {
  const body = `${status} ${STATUS_TEXT[status] ?? 'Error'}\n`;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body);
}

/** Answer an upgrade request on its raw socket (403, 401, 503, ...) and close it. */
export function rejectUpgrade(socket: Duplex, status: number): void {
  const text = STATUS_TEXT[status] ?? 'Error';
  const body = `${status} ${text}\n`;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

// `name`, `name:port`, `[v6]`, `[v6]:port`; undefined when malformed.
function splitHost(host: string): { hostname: string; port?: number } | undefined {
  let hostname: string;
  let rest: string;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return undefined;
    hostname = host.slice(1, end);
    rest = host.slice(end + 1);
  } else {
    const colon = host.indexOf(':');
    hostname = colon < 0 ? host : host.slice(0, colon);
    rest = colon < 0 ? '' : host.slice(colon);
  }
  if (hostname.length === 0 || !/^[a-z0-9.\-:_]+$/.test(hostname)) return undefined;
  if (rest === '') return { hostname };
  const m = /^:(\d{1,5})$/.exec(rest);
  return m?.[1] ? { hostname, port: Number(m[1]) } : undefined;
}
