/**
 * The core every shell runs: the hub, the supervisor and the HTTP server on one port. The serve
 * entry and the Electron main process both call {@link startSwitchyard}; neither adds behaviour.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { secret } from '../hub/auth';
import { checkHost } from '../hub/http-guard';
import { Hub } from '../hub/hub';
import type { Role } from '../hub/types';
import { Supervisor } from '../supervisor';
import { createHttpRoutes } from '../serve/http-routes';
import { createMetrics } from '../serve/metrics';
import { defaultTokenFile, removeTokenFile, writeTokenFile } from '../serve/token-file';
import { resolveDefinitions } from './definition-source';
import { publishInstance } from './instance-publisher';

export { demoConfigPath, resolveDefinitions } from './definition-source';

/** Options of {@link startSwitchyard} (the CLI options plus where the app lives). */
export interface SwitchyardOptions {
  /** A Procfile to run. Default: `cwd/Procfile` when it exists, else the demo set. */
  procfile?: string;
  /** A YAML or JSON config file to run instead of a Procfile. */
  config?: string;
  /** Listen address. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 7420. */
  port?: number;
  /** When false, a busy port falls back to a free one. Default false. */
  portExplicit?: boolean;
  /** The operator token. Default a fresh random token. */
  token?: string;
  /** Where to write the token for scripts. Default {@link defaultTokenFile}; `''` writes none. */
  tokenFile?: string;
  /** The token was read from `tokenFile` (token-input.ts): it is neither written nor removed. Default false. */
  tokenFromFile?: boolean;
  /** Which shell runs the core (the instance record says it). Default `serve`. */
  shell?: 'serve' | 'window';
  /** Extra Host names accepted. Default none. */
  allowedHosts?: string[];
  /** Extra Origins accepted for upgrades. Default none. */
  allowedOrigins?: string[];
  /** The repository or app root (holds `out/renderer` and `resources/`). */
  appRoot: string;
  /** Where `./Procfile` is looked for. */
  cwd: string;
  /** Where the built dashboard is. Default `appRoot/out/renderer`. */
  staticDir?: string;
  /** Diagnostics (never given a token). Default none. */
  log?: (line: string) => void;
}

/** A running core. */
export interface RunningSwitchyard {
  /** `ws://HOST:PORT/ws`. */
  hubUrl: string;
  /** `http://HOST:PORT`: where the dashboard is. */
  origin: string;
  /** The port bound. */
  port: number;
  /** The launch token (operator). */
  token: string;
  /** The token file written, or `''`. */
  tokenFile: string;
  /** Where the processes came from (a path, or "no processes"). */
  processSource: string;
  /** The hub. */
  hub: Hub;
  /** The supervisor. */
  supervisor: Supervisor;
  /** A fresh one-time login link for a role. */
  loginLink(role: Role): string;
  /** Stop every process group, then close the hub and the server. Twice is harmless. */
  close(): Promise<void>;
  /** Last resort from an `exit` handler: SIGKILL every process group now. */
  killAllSync(): void;
}

/** Start the hub, the supervisor and the HTTP server. */
export async function startSwitchyard(options: SwitchyardOptions): Promise<RunningSwitchyard> {
  const { source, definitions } = resolveDefinitions(options);
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? secret();
  const allowedHosts = options.allowedHosts ?? [];
  const allowedOrigins = options.allowedOrigins ?? [];
  const staticDir = resolve(options.staticDir ?? join(options.appRoot, 'out', 'renderer'));
  if (!existsSync(join(staticDir, 'index.html'))) options.log?.(`switchyard: no built dashboard in ${staticDir}; run \`npm run build\``);

  // Tight limits for a local server: a handshake that dribbles its headers (slow loris) is cut
  // after 10 s, a whole request after 30 s, and headers past 16 KiB get 431.
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000, maxHeaderSize: 16 * 1024, keepAliveTimeout: 5_000 });
  const port = await listen(server, host, options.port ?? 7420, options.portExplicit ?? false);
  const printableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${printableHost}:${port}`;
  const hubUrl = `ws://${printableHost}:${port}/ws`;

  const hub = new Hub({
    tokens: { [token]: { userId: 'launch', role: 'operator' } },
    port,
    allowedHosts,
    allowedOrigins,
    loginUrlBase: () => `${origin}/login?ticket=`,
  });
  const metrics = createMetrics(() => hub.stats());
  const routes = createHttpRoutes({
    hostAllowed: (req) => checkHost(req, { port, allowedHosts }),
    auth: hub.auth,
    handleUpgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
    stats: () => hub.stats(),
    metrics: () => metrics.render(),
    staticDir,
    listenHost: host,
  });
  server.on('request', routes.request);
  server.on('upgrade', routes.upgrade);

  // The token file and the instance record before any process runs: scripts and `switchyard`
  // commands find the instance as soon as its processes do anything.
  const tokenFile = options.tokenFile === '' ? '' : options.tokenFromFile && options.tokenFile ? options.tokenFile : writeTokenFile(options.tokenFile ?? defaultTokenFile(port), token);
  const ownsTokenFile = tokenFile !== '' && !options.tokenFromFile;
  const instance = publishInstance({ folder: options.cwd, port, host, origin, hubUrl, tokenFile, processes: source, shell: options.shell ?? 'serve' }, options.log);

  const supervisor = new Supervisor({ hub, definitions, cwd: options.cwd });
  // After a SIGKILL the watchdog removes what would point to a dead instance.
  if (instance.path) supervisor.removeOnDeath(instance.path);
  if (ownsTokenFile) supervisor.removeOnDeath(resolve(tokenFile));
  supervisor.start();

  let closing: Promise<void> | undefined;
  return {
    hubUrl,
    origin,
    port,
    token,
    tokenFile,
    processSource: source,
    hub,
    supervisor,
    loginLink: (role) => `${origin}/login?ticket=${hub.auth.issueTicket(role)}`,
    close() {
      closing ??= (async () => {
        // Commands stop finding an instance that is going away.
        instance.remove();
        // Children first: a process must never outlive the app, whatever fails after.
        await supervisor.close();
        await hub.close();
        // Stop listening, then end kept-alive HTTP connections, or close() would wait for them.
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeAllConnections();
        await closed;
        if (ownsTokenFile) removeTokenFile(tokenFile);
      })();
      return closing;
    },
    killAllSync() {
      supervisor.killAllSync();
      instance.remove();
      if (ownsTokenFile) removeTokenFile(tokenFile);
    },
  };
}

/** Listen on the port; a busy default port falls back to a free one, a busy explicit port is an error. */
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
