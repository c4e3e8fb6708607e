/**
 * What the hub's port answers when it refuses someone who is probably just lost: a login link
 * that was used already (a page that says how to get a new one), and a Host it does not accept
 * while it listens beyond loopback (how to allow it). Neither echoes a ticket or anything else a
 * request carried beyond a host name that was checked to be one.
 */
import type { IncomingMessage } from 'node:http';
import { isLoopbackHostname } from '../hub/http-guard';

/** The page's own policy: no script, nothing loaded, inline style only. */
export const HELP_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The HTML of `/login` with a ticket that was used already or never existed (answered with 401). */
export function usedLinkPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard: this login link no longer works</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; background: #101418; color: #e6edf3; margin: 0; padding: 3rem 1.5rem; }
  main { max-width: 40rem; margin: 0 auto; }
  code { background: #1f2730; padding: 0.1rem 0.35rem; border-radius: 4px; }
  pre { background: #1f2730; padding: 0.75rem 1rem; border-radius: 6px; overflow-x: auto; }
</style>
</head>
<body>
<main>
<h1>This login link no longer works</h1>
<p>A login link works <strong>once</strong>: this one was used already (perhaps by this browser a moment ago), or it
belongs to an earlier run of Switchyard.</p>
<h2>Get a new link</h2>
<p>In a terminal, in the folder of the project Switchyard runs:</p>
<pre><code>switchyard link</code></pre>
<p>It prints a fresh link; open it here. <code>switchyard link --viewer</code> prints one that can watch but not
control, and <code>--port N</code> picks the instance on port N when you are elsewhere.</p>
<p>Or, in a dashboard that is already open (the desktop window, or another logged-in browser), use the
<strong>Open in a browser</strong> buttons: they copy a new operator or viewer link.</p>
</main>
</body>
</html>
`;
}

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
