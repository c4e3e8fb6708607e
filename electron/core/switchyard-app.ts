/**
 * The core every shell runs: the hub, the supervisor and the HTTP server on one port. The serve
 * entry and the Electron main process both call {@link startSwitchyard}; neither adds behaviour.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { nodeNameFromHost, type AlertEvent, type Role } from '../../shared/protocol';
import { Alerting, defaultAlertRules, loadAlertRules, type AlertRule } from '../alerts';
import { createRedisNodes } from '../engines/redis';
import { secret } from '../hub/auth';
import { checkHost } from '../hub/http-guard';
import { Hub } from '../hub/hub';
import type { HubApi } from '../hub/hub-api';
import { startHttpFront } from '../http/http-front';
import { createMetrics } from '../http/metrics';
import { defaultTokenFile, removeTokenFile, writeTokenFile } from '../http/token-file';
import { NodeRouter } from '../nodes/node-router';
import { Supervisor, loadConfig, loadProcfile, type ProcessDefinition } from '../supervisor';
import { childEnvironment } from './credentials';

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
  /** The environment the processes start from. Default `process.env` without Switchyard's credentials. */
  env?: NodeJS.ProcessEnv;
  /** A shared engine (`redis://…`, `rediss://…`): several nodes, one set of channels. Default none (in memory). */
  engine?: string;
  /** This node's name on a shared engine. Default the host name. */
  node?: string;
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
  /** On a shared engine: the printable engine URL (no password) and this node's name. */
  shared?: { engine: string; node: string };
  /** The supervisor. */
  supervisor: Supervisor;
  /** Alerts and the audit. */
  alerting: Alerting;
  /** Hear every alert (the desktop window's native notifications); returns an unsubscribe. */
  onAlert(listener: (alert: AlertEvent) => void): () => void;
  /** A fresh one-time login link for a role. */
  loginLink(role: Role): string;
  /** Stop every process group, then close the hub and the server. Twice is harmless. */
  close(): Promise<void>;
  /** Last resort from an `exit` handler: SIGKILL every process group now. */
  killAllSync(): void;
}

/** The demo set shipped in `resources/demo`. */
export function demoConfigPath(appRoot: string): string {
  return join(appRoot, 'resources', 'demo', 'switchyard.yaml');
}

/** Which definitions to run: an explicit file, else `./Procfile`, else the demo set. */
export function resolveDefinitions(options: Pick<SwitchyardOptions, 'procfile' | 'config' | 'cwd' | 'appRoot'>): { source: string; definitions: ProcessDefinition[]; alerts?: AlertRule[] } {
  if (options.config) {
    const path = resolve(options.cwd, options.config);
    return { source: path, definitions: loadConfig(path), alerts: loadAlertRules(path) };
  }
  if (options.procfile) {
    const path = resolve(options.cwd, options.procfile);
    return { source: path, definitions: loadProcfile(path) };
  }
  const local = join(options.cwd, 'Procfile');
  if (existsSync(local)) return { source: local, definitions: loadProcfile(local) };
  const demo = demoConfigPath(options.appRoot);
  return { source: `${demo} (demo)`, definitions: loadConfig(demo), alerts: loadAlertRules(demo) };
}

/** Start the hub, the supervisor and the HTTP server. */
export async function startSwitchyard(options: SwitchyardOptions): Promise<RunningSwitchyard> {
  const { source, definitions, alerts } = resolveDefinitions(options);
  const alerting = new Alerting({ rules: alerts ?? defaultAlertRules(), webhook: { log: options.log } });
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? secret();
  const allowedHosts = options.allowedHosts ?? [];
  const allowedOrigins = options.allowedOrigins ?? [];
  const staticDir = resolve(options.staticDir ?? join(options.appRoot, 'out', 'renderer'));
  if (!existsSync(join(staticDir, 'index.html'))) options.log?.(`switchyard: no built dashboard in ${staticDir}; run \`npm run build\``);

  let origin = '';
  // On a shared engine every process is `<id>@<node>` and methods about another node's process go
  // there: the router stands between the hub and everything that speaks of processes.
  const node = options.engine ? (options.node ?? nodeNameFromHost(hostname())) : undefined;
  const parts = options.engine && node ? createRedisNodes(options.engine, node) : undefined;
  let router: NodeRouter | undefined;
  const hub = new Hub({
    tokens: { [token]: { userId: 'launch', role: 'operator' } },
    allowedHosts,
    allowedOrigins,
    loginUrlBase: () => `${origin}/login?ticket=`,
    onMethodCall: (call) => alerting.audit.onCall(call),
    ...(parts ? { engine: parts.engine, statsExtra: () => (router ? { node, nodes: router.nodes() } : { node }) } : {}),
  });
  if (parts) {
    try {
      await hub.ready(); // a Redis that is unreachable or unsafe stops the start here, saying why
      router = new NodeRouter({ hub, network: parts.network, clients: () => hub.clientCount() });
      await router.start();
    } catch (err) {
      await router?.close().catch(() => {});
      await hub.close();
      throw err;
    }
  }
  const api: HubApi = router?.api ?? hub;
  alerting.attach(api);
  const metrics = createMetrics(() => hub.stats());
  const front = await startHttpFront(
    {
      hostAllowed: (req, port) => checkHost(req, { port, allowedHosts }),
      allowedOrigins,
      auth: hub.auth,
      handleUpgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
      stats: () => hub.stats(),
      metrics: () => metrics.render(),
      staticDir,
      onSocketCut: () => hub.countRefusal('unauthenticatedCut'),
      onRefused: (reason) => reason === 'host' && hub.countRefusal('hostRejected'),
    },
    { host, port: options.port ?? 7420, portExplicit: options.portExplicit ?? false },
  ).catch(async (err: unknown) => {
    await router?.close().catch(() => {});
    await hub.close();
    throw err;
  });
  const port = front.port;
  const printableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  origin = `http://${printableHost}:${port}`;

  const supervisor = new Supervisor({ hub: alerting.tap(api), definitions, cwd: options.cwd, env: options.env ?? childEnvironment(process.env) });
  supervisor.start();

  const tokenFile = options.tokenFile === '' ? '' : writeTokenFile(options.tokenFile ?? defaultTokenFile(port), token);

  let closing: Promise<void> | undefined;
  return {
    hubUrl: `ws://${printableHost}:${port}/ws`,
    origin,
    port,
    token,
    tokenFile,
    processSource: source,
    hub,
    ...(parts && node ? { shared: { engine: parts.display, node } } : {}),
    supervisor,
    alerting,
    onAlert: (listener) => alerting.engine.onAlert(listener),
    loginLink: (role) => `${origin}/login?ticket=${hub.auth.issueTicket(role)}`,
    close() {
      closing ??= (async () => {
        // Children first: a process must never outlive the app, whatever fails after.
        await supervisor.close();
        alerting.close();
        await router?.close().catch(() => {});
        await hub.close();
        await front.close();
        if (tokenFile) removeTokenFile(tokenFile);
      })();
      return closing;
    },
    killAllSync() {
      supervisor.killAllSync();
      if (tokenFile) removeTokenFile(tokenFile);
    },
  };
}
