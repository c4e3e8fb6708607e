/**
 * The hub port's HTTP paths (CONTRACT.md, "HTTP on the hub port"): the dashboard, `/healthz`,
 * `/login`, `/api/session`, `/api/stats`, `/api/history`, `/metrics`, and `/ws` upgrades handed to the hub. The
 * Host check runs on every request before anything else (DNS rebinding); the hub checks Origin
 * and credentials on upgrades itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { SESSION_COOKIE, type ExchangedSession } from '../hub/auth';
import { checkOrigin, rejectUpgrade } from '../hub/http-guard';
import type { HubAuthApi } from '../hub/hub-api';
import { HistoryQueryError, parseHistoryQuery, type HistoryAnswer, type HistoryQuery } from '../hub/history-read';
import { loginPage } from './login-page';
import { refusedHostText } from './refused-host';
import { SECURITY_HEADERS, serveStatic } from './static-files';

/** What the routes need from the rest of the app. */
export interface HttpRouteDeps {
  /** Whether the request's Host is allowed (loopback with this port, or an allowed host). */
  hostAllowed(req: IncomingMessage): boolean;
  /** The bound port (for the Origin check of `/api/session`). */
  port(): number;
  /** Origins accepted besides the hub's own. */
  allowedOrigins?: readonly string[];
  /** Credentials of plain requests, login tickets and the session exchange. */
  auth: HubAuthApi & { exchangeCookie(req: IncomingMessage): ExchangedSession | null };
  /** Hand a `/ws` upgrade to the hub (which checks Origin and credentials). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The statistics snapshot of `/api/stats`. */
  stats(): unknown;
  /** A channel's retained history for `/api/history` (history-read.ts); absent: 404. */
  history?(query: HistoryQuery): Promise<HistoryAnswer>;
  /** Prometheus text for `/metrics`; absent: 404. */
  metrics?(): Promise<{ contentType: string; body: string }>;
  /** The built dashboard folder; absent: no dashboard (404). */
  staticDir?: string;
  /** A route of the embedder's own, tried before the 404; true when it answered. */
  extraRoute?(req: IncomingMessage, res: ServerResponse): boolean;
  /** The listen address: beyond loopback, a refused Host is told how to allow it. Default: loopback. */
  listenHost?: string;
  /** Count a refused request (for the statistics). */
  onRefused?(reason: 'host' | 'auth' | 'ticket'): unknown;
}

/** History answers being written at once (each up to 4 MiB: 32 MiB held at most by clients that never read). */
const MAX_HISTORY_IN_FLIGHT = 8;
/** A history answer its client stops reading for this long is cut. */
const HISTORY_WRITE_TIMEOUT_MS = 30_000;

/** The `request` and `upgrade` listeners of the hub's HTTP server. */
export function createHttpRoutes(deps: HttpRouteDeps) {
  const request = (req: IncomingMessage, res: ServerResponse): void => {
    if (!deps.hostAllowed(req)) {
      deps.onRefused?.('host');
      return sendText(res, 403, refusedHostText(req, deps.listenHost));
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/api/session') return exchange(req, res);
    if (deps.extraRoute?.(req, res)) return;
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendText(res, 405, 'Method Not Allowed');
    }
    switch (url.pathname) {
      case '/healthz':
        return sendJson(res, 200, { ok: true });
      case '/login':
        return login(url, res);
      case '/api/stats':
        if (!authorized(req, res)) return;
        return sendJson(res, 200, deps.stats());
      case '/api/history':
        if (!deps.history) return sendText(res, 404, 'Not Found');
        if (!authorized(req, res)) return;
        return history(deps.history, url, res);
      case '/metrics': {
        const metrics = deps.metrics;
        if (!metrics) return sendText(res, 404, 'Not Found');
        if (!authorized(req, res)) return;
        metrics().then(
          ({ contentType, body }) => {
            res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store' });
            res.end(body);
          },
          (err: unknown) => sendText(res, 500, `metrics failed: ${err instanceof Error ? err.message : String(err)}`),
        );
        return;
      }
      case '/ws':
        return sendText(res, 426, 'Upgrade Required: /ws is the WebSocket endpoint');
      default:
        if (!deps.staticDir || !serveStatic(deps.staticDir, url.pathname, req, res)) sendText(res, 404, 'Not Found');
    }
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!deps.hostAllowed(req)) {
      deps.onRefused?.('host');
      return rejectUpgrade(socket, 403);
    }
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') return rejectUpgrade(socket, 404);
    deps.handleUpgrade(req, socket, head);
  };

  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    if (deps.auth.authenticate(req)) return true;
    deps.onRefused?.('auth');
    res.setHeader('WWW-Authenticate', 'Bearer realm="switchyard"');
    sendText(res, 401, 'Unauthorized');
    return false;
  }

  // Each answer is up to 4 MiB held until the client reads it: a few at once, so that clients
  // that ask and never read cannot pile up memory (the dashboard asks for four at a time).
  let historyInFlight = 0;
  function history(read: NonNullable<HttpRouteDeps['history']>, url: URL, res: ServerResponse): void {
    let query: HistoryQuery;
    try {
      query = parseHistoryQuery(url.searchParams);
    } catch (err) {
      if (err instanceof HistoryQueryError) return sendJson(res, 400, { error: err.message });
      throw err;
    }
    if (historyInFlight >= MAX_HISTORY_IN_FLIGHT) {
      res.setHeader('Retry-After', '1');
      return sendJson(res, 503, { error: `busy: ${MAX_HISTORY_IN_FLIGHT} history reads in progress` });
    }
    historyInFlight++;
    res.once('close', () => historyInFlight--);
    res.setTimeout(HISTORY_WRITE_TIMEOUT_MS, () => res.destroy());
    read(query).then(
      ({ body }) => {
        res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
        res.end(body);
      },
      (err: unknown) => sendJson(res, 503, { error: `history unavailable: ${err instanceof Error ? err.message : String(err)}` }),
    );
  }

  function login(url: URL, res: ServerResponse): void {
    const ticket = url.searchParams.get('ticket');
    const session = ticket ? deps.auth.redeemTicket(ticket) : null;
    if (!session) {
      deps.onRefused?.('ticket');
      return sendHtml(res, 401, loginPage(ticket ? 'used' : 'missing'));
    }
    res.writeHead(303, {
      ...SECURITY_HEADERS,
      'Set-Cookie': `${SESSION_COOKIE}=${session.sessionId}; HttpOnly; SameSite=Strict; Path=/`,
      Location: '/',
      'Cache-Control': 'no-store',
    });
    res.end();
  }

  // The dashboard trades the cookie from /login for a page token (auth.ts says why). Only the
  // hub's own pages may: a page on another port is same-site for cookies, but not same-origin.
  function exchange(req: IncomingMessage, res: ServerResponse): void {
    const fetchSite = req.headers['sec-fetch-site'];
    const sameOrigin = typeof req.headers.origin === 'string' && checkOrigin(req, { port: deps.port(), allowedOrigins: deps.allowedOrigins });
    if (!sameOrigin || (fetchSite !== undefined && fetchSite !== 'same-origin')) return sendJson(res, 403, { error: 'forbidden: not the dashboard' });
    req.resume(); // the body, if any, is not read
    const session = deps.auth.exchangeCookie(req);
    if (!session) {
      deps.onRefused?.('auth');
      return sendJson(res, 401, { error: 'no login session: open a fresh login link' });
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      // The cookie's work is done; a stale one left behind would only be replayed.
      'Set-Cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
    });
    res.end(JSON.stringify(session));
  }

  return { request, upgrade };
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  });
  res.end(html);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
