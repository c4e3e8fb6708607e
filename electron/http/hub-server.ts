/**
 * A hub behind the HTTP front without the dashboard, metrics or a token file: for tests, the
 * benchmark and library users. The same front, limits and checks as core's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readHistory } from '../hub/history-read';
import { checkHost } from '../hub/http-guard';
import type { Hub } from '../hub/hub';
import { startHttpFront, type HttpFront, type HttpFrontOptions } from './http-front';

/** Options of {@link serveHub}. */
export interface ServeHubOptions extends HttpFrontOptions {
  /** Hosts accepted besides the loopback ones. Default none. */
  allowedHosts?: readonly string[];
  /** A route of the embedder's own (the benchmark's publish endpoint), tried before the 404; true when it answered. */
  extraRoute?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** A listening hub. */
export interface ServedHub extends HttpFront {
  /** `ws://HOST:PORT/ws`. */
  url: string;
}

/** Put `hub` behind a new HTTP front on `host:port` (default 127.0.0.1, a free port). */
export async function serveHub(hub: Hub, options: ServeHubOptions = {}): Promise<ServedHub> {
  const host = options.host ?? '127.0.0.1';
  const front = await startHttpFront(
    {
      hostAllowed: (req, port) => checkHost(req, { port, allowedHosts: options.allowedHosts }),
      auth: hub.auth,
      handleUpgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
      stats: () => hub.stats(),
      history: (query) => readHistory(hub.engine, query),
      extraRoute: options.extraRoute,
      onSocketCut: () => hub.countRefusal('unauthenticatedCut'),
      onRefused: (reason) => reason === 'host' && hub.countRefusal('hostRejected'),
    },
    { ...options, host },
  );
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return { ...front, url: `ws://${hostInUrl}:${front.port}/ws` };
}
