/**
 * The 403 for a Host the DNS-rebinding guard refused. Listening beyond loopback (`--host
 * 0.0.0.0`, a LAN address), the user most likely opened the LAN address on purpose: say which
 * `--allow-host` accepts it. Only a Host that is a plain name or address is echoed.
 */
import type { IncomingMessage } from 'node:http';
import { isLoopbackHostname } from '../hub/http-guard';

/**
 * The text of a 403 for a refused Host. When the hub listens beyond loopback (`--host 0.0.0.0`, a
 * LAN address) and the Host is a plain name or address, it says which `--allow-host` accepts it.
 */
export function refusedHostText(req: IncomingMessage, listenHost: string | undefined): string {
  const base = 'Forbidden: unexpected Host header';
  if (!listenHost || isLoopbackHostname(listenHost.replace(/^\[|\]$/g, ''))) return base;
  const host = req.headers.host ?? '';
  const name = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(host)?.[1];
  if (!name) return base;
  return (
    `${base}: this hub listens on ${listenHost} but answers only loopback names (127.0.0.1, localhost) and the hosts you allow ` +
    `(a guard against DNS rebinding). To open it as ${name}, restart Switchyard with --allow-host ${name.toLowerCase()}`
  );
}
